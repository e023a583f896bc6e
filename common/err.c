/* err.c - filling a struct ok_err: one message, one place that formats it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int ok_err_set(struct ok_err *e, int code, int err, const char *fmt, ...)
{
	if (e != NULL) {
		va_list ap;
		int n;

		e->code = code;
		e->err = err;
		va_start(ap, fmt);
		n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < sizeof e->msg && err != 0)
			snprintf(e->msg + n, sizeof e->msg - (size_t)n, ": %s", strerror(err));
	}
	if (err != 0)
		errno = err;
	return -1;
}
