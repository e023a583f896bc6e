/* sock.h - small socket helpers: listen, connect with a timeout, non-blocking; errors as strings. */
#ifndef OK_SOCK_H
#define OK_SOCK_H

#include <netinet/in.h>
#include <sys/socket.h>

#include "err.h"

/* Which step failed, so each program can map it to the exit status its manual gives. */
enum ok_sock_step {
	OK_STEP_SOCKET = 1, /* socket() itself */
	OK_STEP_OPTION,     /* fcntl/setsockopt on a fresh socket */
	OK_STEP_BIND,
	OK_STEP_LISTEN,
	OK_STEP_CONNECT,
	OK_STEP_TIMEOUT     /* connect did not finish in time */
};

/* Helpers never print: they fill a struct ok_err (err.h) with code = the step that failed and
 * msg = "operation address: reason", and return -1. */

/*
 * A listening, non-blocking, close-on-exec socket with SO_REUSEADDR on an IPv4 or IPv6 address
 * of len bytes; the fd or -1. An IPv6 socket serves IPv4 too (as IPv4-mapped addresses) only
 * when bound to the unspecified address "::": IPV6_V6ONLY is set explicitly, off for "::" and
 * on for every other address, whatever the system's default, so "127.0.0.1" and "::1" can
 * listen side by side on one port.
 */
int ok_listen_addr(const struct sockaddr *sa, socklen_t len, int backlog,
                   struct ok_err *e);

/*
 * A listening, non-blocking, close-on-exec Unix-domain stream socket at path, its file made with
 * mode (through the umask at bind, never a chmod by path afterwards, which a swap of the path
 * could turn against another file; the umask is the process's, so for single-threaded callers).
 * The path must not exist (bind fails with EADDRINUSE otherwise) and must fit sun_path. On a
 * failure after bind the file it created is removed. Messages name the address as shown (NULL:
 * path), for a caller that binds by a name relative to the folder it moved into. The fd, or -1
 * with e.
 */
int ok_listen_unix(const char *path, const char *shown, unsigned mode, int backlog,
                   struct ok_err *e);

/*
 * A connected, non-blocking, close-on-exec stream socket to sa (IPv4, IPv6 or Unix-domain, len
 * bytes); the fd or -1, the message naming the address as ok_format_sockaddr does. timeout_ms
 * < 0 waits as long as the kernel does. A timeout is reported as step OK_STEP_TIMEOUT, err
 * ETIMEDOUT. A Unix socket whose backlog is full fails at once (EAGAIN): it cannot be waited for.
 */
int ok_connect_addr(const struct sockaddr *sa, socklen_t len, int timeout_ms,
                    struct ok_err *e);

/* ok_connect_addr for an IPv4 address. */
int ok_connect_tcp(const struct sockaddr_in *sa, int timeout_ms, struct ok_err *e);

/* Turn O_NONBLOCK on (on != 0) or off. 0, or -1 with errno set. */
int ok_set_nonblock(int fd, int on);

/* Non-blocking and close-on-exec, with fcntl: the one helper for a descriptor made without
 * those flags (a pipe, a socket where the system has no SOCK_NONBLOCK, a listener systemd
 * passed). 0, or -1 with errno set. */
int ok_set_nonblock_cloexec(int fd);

/*
 * socket(domain, type, 0) and accept(fd, sa, len), giving a descriptor that is non-blocking,
 * close-on-exec and, where send() has no MSG_NOSIGNAL but sockets have SO_NOSIGPIPE, never
 * raises SIGPIPE: in one call where the system can (accept4, SOCK_* flags), else just after
 * (platform.h decides). The descriptor, or -1 with errno set.
 */
int ok_socket_nonblock(int domain, int type);
int ok_accept_nonblock(int fd, struct sockaddr *sa, socklen_t *len);

#endif
