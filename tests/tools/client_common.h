/* client_common.h - what okserver's test clients share: connect to loopback, time, dying loudly. */
#ifndef CLIENT_COMMON_H
#define CLIENT_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "netaddr.h"
#include "sock.h"
#include "util.h"

_Noreturn static inline void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* True when target names a Unix socket ("unix:PATH"), where TCP options do not apply. */
static inline int target_is_unix(const char *target)
{
	return strncmp(target, "unix:", 5) == 0;
}

/*
 * The server a tool talks to: a port on 127.0.0.1 ("4242"), on ::1 ("[::1]:4242") or a Unix
 * socket ("unix:/tmp/ok.sock"), as okserver's ready line names them. Fills *ss, or dies.
 */
static inline socklen_t parse_target(const char *target, struct sockaddr_storage *ss)
{
	const char *port_text = strncmp(target, "[::1]:", 6) == 0 ? target + 6 : target, *why;
	struct sockaddr_un *un = (struct sockaddr_un *)ss;
	uint16_t port;

	memset(ss, 0, sizeof *ss);
	if (target_is_unix(target)) {
		if (strlen(target + 5) >= sizeof un->sun_path)
			die("unix path too long: %s", target + 5);
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, target + 5, strlen(target + 5));
		return sizeof *un;
	}
	if (ok_parse_port(port_text, &port, &why) < 0)
		die("bad port %s: %s", port_text, why);
	if (port_text != target) {
		ok_sockaddr_in6((struct sockaddr_in6 *)ss, "::1", port);
		return sizeof(struct sockaddr_in6);
	}
	ok_sockaddr_in((struct sockaddr_in *)ss, "127.0.0.1", port);
	return sizeof(struct sockaddr_in);
}

/* A connected, non-blocking socket to the target (parse_target), or death. */
static inline int connect_loopback(const char *target)
{
	struct sockaddr_storage ss;
	socklen_t len = parse_target(target, &ss);
	struct ok_err e;
	int fd;

	if (ss.ss_family == AF_INET) {
		fd = ok_connect_tcp((struct sockaddr_in *)&ss, 10000, &e);
		if (fd < 0)
			die("%s", e.msg);
		return fd;
	}
	/* Loopback and local sockets connect at once (or fail at once): no timeout needed. */
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0 || ok_set_nonblock(fd, 1) < 0)
		die("connect %s: %s", target, strerror(errno));
	return fd;
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static inline unsigned long number_arg(const char *s)
{
	unsigned long v;
	const char *why;

	if (ok_parse_number(s, 0, ~0ul, &v, &why) < 0)
		die("bad number %s: %s", s, why);
	return v;
}

#endif
