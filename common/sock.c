/* sock.c - listen, connect with a timeout, non-blocking, in the spirit of redis's anet.c. */
#define _GNU_SOURCE /* accept4, where platform.h says it exists */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "netaddr.h"
#include "platform.h"
#include "sock.h"
#include "util.h"

/* Records the failure as "op ADDRESS: reason" (ok_format_sockaddr's ADDRESS), closes fd if
 * open, returns -1 with errno err. */
static int record_failure(struct ok_err *e, enum ok_sock_step step, int err,
                          const char *op, const struct sockaddr *sa, socklen_t len, int fd)
{
	char where[OK_SOCKADDR_STRLEN];

	if (fd >= 0)
		close(fd);
	return ok_err_set(e, (int)step, err, "%s %s", op,
	                  ok_format_sockaddr(sa, len, where, sizeof where));
}

int ok_set_nonblock(int fd, int on)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -1;
	flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, flags);
}

int ok_set_nonblock_cloexec(int fd)
{
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	return ok_set_nonblock(fd, 1);
}

/* What a fresh socket needs beyond the flags of the call that made it: fcntl where there were
 * none, SO_NOSIGPIPE where send() has no MSG_NOSIGNAL. fd, or -1 with errno and fd closed. */
static int finish_socket(int fd)
{
	int one = 1, err;

	if (fd < 0)
		return -1;
	if ((OK_HAVE_SOCK_FLAGS || ok_set_nonblock_cloexec(fd) == 0) &&
	    (OK_SO_NOSIGPIPE == 0 ||
	     setsockopt(fd, SOL_SOCKET, OK_SO_NOSIGPIPE, &one, sizeof one) == 0))
		return fd;
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int ok_socket_nonblock(int domain, int type)
{
#if OK_HAVE_SOCK_FLAGS
	type |= SOCK_NONBLOCK | SOCK_CLOEXEC;
#endif
	return finish_socket(socket(domain, type, 0));
}

int ok_accept_nonblock(int fd, struct sockaddr *sa, socklen_t *len)
{
#if OK_HAVE_SOCK_FLAGS
	return finish_socket(accept4(fd, sa, len, SOCK_NONBLOCK | SOCK_CLOEXEC));
#else
	return finish_socket(accept(fd, sa, len));
#endif
}

/* A stream socket of sa's family that is non-blocking and not inherited by children; the fd,
 * or -1 and e. */
static int new_socket(const struct sockaddr *sa, socklen_t len, struct ok_err *e)
{
	int fd = ok_socket_nonblock(sa->sa_family, SOCK_STREAM);

	if (fd < 0)
		return record_failure(e, OK_STEP_SOCKET, errno, "socket", sa, len, -1);
	return fd;
}

/* "::" alone serves both families; any other IPv6 address only its own (sock.h). */
static int set_v6only(int fd, const struct sockaddr *sa)
{
	static const struct in6_addr any = IN6ADDR_ANY_INIT;
	struct sockaddr_in6 sin6;
	int only;

	memcpy(&sin6, sa, sizeof sin6);
	only = memcmp(&sin6.sin6_addr, &any, sizeof any) != 0;
	return setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof only);
}

int ok_listen_addr(const struct sockaddr *sa, socklen_t len, int backlog,
                   struct ok_err *e)
{
	int one = 1;
	int fd = new_socket(sa, len, e);

	if (fd < 0)
		return -1;
	/* A restarted server binds at once instead of waiting out TIME_WAIT. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
		return record_failure(e, OK_STEP_OPTION, errno, "setsockopt SO_REUSEADDR", sa, len, fd);
	if (sa->sa_family == AF_INET6 && set_v6only(fd, sa) < 0)
		return record_failure(e, OK_STEP_OPTION, errno, "setsockopt IPV6_V6ONLY", sa, len, fd);
	if (bind(fd, sa, len) < 0)
		return record_failure(e, OK_STEP_BIND, errno, "bind", sa, len, fd);
	if (listen(fd, backlog) < 0)
		return record_failure(e, OK_STEP_LISTEN, errno, "listen", sa, len, fd);
	return fd;
}

/* Past bind the file exists: a failure removes it (by the name it was bound by) before it is
 * recorded, under the name shown. */
static int fail_after_bind(struct ok_err *e, enum ok_sock_step step, const char *op,
                           const struct sockaddr_un *un, const struct sockaddr_un *shown, int fd)
{
	int err = errno;

	(void)unlink(un->sun_path);
	return record_failure(e, step, err, op, (const struct sockaddr *)shown,
	                      (socklen_t)sizeof *shown, fd);
}

/* A Unix socket address for path, or -1 when it does not fit (errno set). */
static int unix_address(struct sockaddr_un *un, const char *path)
{
	size_t plen = strlen(path);

	memset(un, 0, sizeof *un);
	un->sun_family = AF_UNIX;
	if (plen == 0 || plen >= sizeof un->sun_path) {
		errno = plen ? ENAMETOOLONG : ENOENT;
		return -1;
	}
	memcpy(un->sun_path, path, plen);
	OK_SET_SUN_LEN(un, sizeof *un);
	return 0;
}

/* bind() with the socket file's mode set as it is made: the umask says what bind leaves out of
 * 0777, so the file never has another mode, and no chmod by path follows that a swap of the
 * path could turn against another file. The umask is the process's: for a single-threaded
 * caller, as okserver is when it listens. */
static int bind_with_mode(int fd, const struct sockaddr_un *un, unsigned mode)
{
	mode_t was = umask((mode_t)(~mode & 0777));
	int rc = bind(fd, (const struct sockaddr *)un, (socklen_t)sizeof *un), err = errno;

	umask(was);
	errno = err;
	return rc;
}

int ok_listen_unix(const char *path, const char *shown, unsigned mode, int backlog,
                   struct ok_err *e)
{
	struct sockaddr_un un, named;
	const struct sockaddr *sa = (const struct sockaddr *)&named;
	socklen_t len = (socklen_t)sizeof named;
	int fd;

	if (unix_address(&named, shown != NULL ? shown : path) < 0 || unix_address(&un, path) < 0)
		return record_failure(e, OK_STEP_BIND, errno, "bind", sa, len, -1);
	if ((fd = new_socket(sa, len, e)) < 0)
		return -1;
	if (bind_with_mode(fd, &un, mode) < 0)
		return record_failure(e, OK_STEP_BIND, errno, "bind", sa, len, fd);
	if (listen(fd, backlog) < 0)
		return fail_after_bind(e, OK_STEP_LISTEN, "listen", &un, &named, fd);
	return fd;
}

/* Waits for a non-blocking connect to finish; 0 with *err set to its outcome, or -1 on timeout. */
static int wait_connected(int fd, int timeout_ms, int *err)
{
	int64_t deadline = ok_now_ms() + timeout_ms;
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof *err;

	for (;;) {
		int wait = -1;
		if (timeout_ms >= 0) {
			int64_t left = deadline - ok_now_ms();
			wait = left > 0 ? (int)left : 0;
		}
		int n = poll(&p, 1, wait);
		if (n > 0)
			break;
		if (n == 0)
			return -1;
		if (errno != EINTR) {
			*err = errno;
			return 0;
		}
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) < 0)
		*err = errno;
	return 0;
}

int ok_connect_addr(const struct sockaddr *sa, socklen_t len, int timeout_ms,
                    struct ok_err *e)
{
	int err = 0;
	int fd = new_socket(sa, len, e);

	if (fd < 0)
		return -1;
	if (connect(fd, sa, len) == 0)
		return fd;
	if (errno != EINPROGRESS && errno != EINTR)
		return record_failure(e, OK_STEP_CONNECT, errno, "connect", sa, len, fd);
	if (wait_connected(fd, timeout_ms, &err) < 0)
		return record_failure(e, OK_STEP_TIMEOUT, ETIMEDOUT, "connect", sa, len, fd);
	if (err != 0)
		return record_failure(e, OK_STEP_CONNECT, err, "connect", sa, len, fd);
	return fd;
}

int ok_connect_tcp(const struct sockaddr_in *sa, int timeout_ms, struct ok_err *e)
{
	return ok_connect_addr((const struct sockaddr *)sa, sizeof *sa, timeout_ms, e);
}
