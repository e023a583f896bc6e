/* log.c - okserver's diagnostics: one line on standard error, prefixed with the program name. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "oklimits.h"

void server_log(const char *fmt, ...)
{
	char line[OK_LOG_LINE_MAX];
	size_t n;
	va_list ap;

	/* Built whole and written at once, so a log line is never split by another writer. */
	strcpy(line, "okserver: ");
	n = strlen(line);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
	va_end(ap);
	n = strlen(line);
	line[n] = '\n';
	fwrite(line, 1, n + 1, stderr);
}
