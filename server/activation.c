/* activation.c - systemd socket activation (sd_listen_fds) without libsystemd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "activation.h"
#include "netaddr.h" /* ok_parse_number */
#include "sock.h"    /* ok_set_nonblock_cloexec */

/* The variables of the protocol, dropped once read. */
static void forget_environment(void)
{
	(void)unsetenv("LISTEN_PID"); /* fails only for a name with '=' */
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
}

/* Why fd is not a listener we can serve, or NULL when it is one. */
static const char *refuse_reason(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int type = 0, listening = 0;
	socklen_t tlen = sizeof type, llen = sizeof listening;

	if (fcntl(fd, F_GETFD) < 0)
		return "not open";
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0)
		return errno == ENOTSOCK ? "not a socket" : strerror(errno);
	if (type != SOCK_STREAM)
		return "not a stream socket";
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &llen) < 0)
		return strerror(errno);
	if (!listening)
		return "not listening";
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return strerror(errno);
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6 && ss.ss_family != AF_UNIX)
		return "not an IPv4, IPv6 or Unix socket";
	return NULL;
}

/* N from LISTEN_PID and LISTEN_FDS, 0 when they are not for this process, -1 (err) when wrong. */
static long passed_count(int max, struct ok_err *e)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS"), *why;
	unsigned long p, n;

	if (pid == NULL || ok_parse_number(pid, 1, (unsigned long)-1, &p, &why) < 0 ||
	    p != (unsigned long)getpid())
		return 0;
	if (fds == NULL)
		return ok_err_set(e, 0, 0, "socket activation: LISTEN_PID without LISTEN_FDS");
	if (ok_parse_number(fds, 0, (unsigned long)max, &n, &why) < 0)
		return ok_err_set(e, 0, 0, "socket activation: LISTEN_FDS %s: %s (0 to %d)", why, fds,
		                  max);
	return (long)n;
}

int activation_take(int *fds, int max, struct ok_err *e)
{
	long n;

	if (getenv("LISTEN_PID") == NULL && getenv("LISTEN_FDS") == NULL)
		return 0;
	n = passed_count(max, e);
	forget_environment();
	for (long i = 0; i < n; i++) {
		int fd = ACTIVATION_FIRST_FD + (int)i;
		const char *why = refuse_reason(fd);

		/* Non-blocking (the loop accepts until EAGAIN) and close-on-exec. */
		if (why == NULL && ok_set_nonblock_cloexec(fd) < 0)
			why = strerror(errno);
		if (why != NULL)
			return ok_err_set(e, 0, 0, "socket activation: descriptor %d: %s", fd, why);
		fds[i] = fd;
	}
	return (int)n;
}
