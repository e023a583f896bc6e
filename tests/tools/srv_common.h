/* srv_common.h - what the okserver test tools share: connect to loopback, time, dying loudly. */
#ifndef SRV_COMMON_H
#define SRV_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* A connected, non-blocking socket to 127.0.0.1:port, or death. */
static inline int connect_loopback(const char *port_text)
{
	struct sockaddr_in sa;
	struct ok_sock_error e;
	const char *why;
	uint16_t port;
	int fd;

	if (ok_parse_port(port_text, &port, &why) < 0)
		die("bad port %s: %s", port_text, why);
	ok_sockaddr_in(&sa, "127.0.0.1", port);
	fd = ok_connect_tcp(&sa, 10000, &e);
	if (fd < 0)
		die("%s", e.msg);
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
