/* err.h - the one way a failure is told: the helper fills a message, the caller prints it. */
#ifndef OK_ERR_H
#define OK_ERR_H

/*
 * As redis's anet: a function that can fail takes a struct ok_err *, fills it and returns -1 (or
 * its own failure value); it never prints and never exits. The caller prints
 * "PROG: " + msg on standard error and picks the exit status from code.
 *  - code: what failed, in the terms the caller maps to an exit status (sock.c's enum
 *    ok_sock_step, a program's own exit status); 0 when nobody needs to tell failures apart.
 *  - err:  the errno behind the failure, 0 when there is none.
 *  - msg:  one line, no program name, no newline: "bind 127.0.0.1:4242: Address already in use".
 */
struct ok_err {
	int code;
	int err;
	char msg[4352]; /* room for an operation, a PATH_MAX path or a greeting quoted, a reason */
};

/* Fills e (NULL is allowed: nothing is kept) with code, err and the message fmt formats; when
 * err is not 0, ": strerror(err)" follows. errno is left as err (when not 0). Returns -1. */
int ok_err_set(struct ok_err *e, int code, int err, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

#endif
