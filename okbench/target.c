/* target.c - HOST and PORT (or -U PATH) to a connected socket: the first found, then again. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "okbench.h"
#include "netaddr.h" /* ok_looks_numeric */
#include "platform.h" /* OK_SET_SUN_LEN */
#include "sock.h"
#include "util.h"

/*
 * HOST as an address: 1 with t's address filled, 0 when it is a name to look up, -1 with e
 * (usage) when it is meant as an address but is none, or is of the family -4/-6 excludes.
 */
static int parse_literal(const struct okb_options *o, struct okb_target *t, struct ok_err *e)
{
	struct sockaddr_in sin;

	memset(&t->addr, 0, sizeof t->addr);
	if (ok_sockaddr_in(&sin, o->host, o->port) == 0) {
		memcpy(&t->addr, &sin, sizeof sin);
		t->len = sizeof sin;
	} else if (ok_parse_ip_literal(o->host, &t->addr, &t->len, o->port) < 0) {
		if (!ok_looks_numeric(o->host) && strpbrk(o->host, ":[]") == NULL)
			return 0;
		return ok_err_set(e, OKB_EXIT_USAGE, 0, "address not valid: %s", o->host);
	}
	if (o->family != AF_UNSPEC && t->addr.ss_family != o->family)
		return ok_err_set(e, OKB_EXIT_USAGE, 0, "-%c: not an %s address: %s",
		                  o->family == AF_INET ? '4' : '6',
		                  o->family == AF_INET ? "IPv4" : "IPv6", o->host);
	return 1;
}

/* -U's path as a socket address; options.c has checked that it fits. */
static void unix_address(const char *path, struct okb_target *t)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)(void *)&t->addr;

	memset(&t->addr, 0, sizeof t->addr);
	OK_SET_SUN_LEN(sun, sizeof *sun);
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, strlen(path));
	t->len = (socklen_t)sizeof *sun;
}

/* t's name, and what a TLS certificate must be for: the name looked up, or the address (its
 * name without ":PORT" and brackets: a literal of any form, "127.1" too, becomes the address
 * the certificate can hold). */
static void name_target(const struct okb_options *o, struct okb_target *t, int literal)
{
	const char *colon;
	size_t len;

	ok_format_sockaddr((const struct sockaddr *)&t->addr, t->len, t->name, sizeof t->name);
	if (!literal || o->unix_path != NULL) {
		snprintf(t->peer, sizeof t->peer, "%s", o->unix_path != NULL ? "" : o->host);
		return;
	}
	colon = strrchr(t->name, ':');
	len = colon != NULL ? (size_t)(colon - t->name) : strlen(t->name);
	if (t->name[0] == '[' && len >= 2)
		snprintf(t->peer, sizeof t->peer, "%.*s", (int)(len - 2), t->name + 1);
	else
		snprintf(t->peer, sizeof t->peer, "%.*s", (int)len, t->name);
}

/* A name's addresses, of -4/-6's family or both, each tried in turn; fd or -1 with e. */
static int connect_name(const struct okb_options *o, struct okb_target *t, struct ok_err *e)
{
	struct addrinfo hints, *res = NULL, *ai;
	char port[8];
	int rc, fd = -1;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = o->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof port, "%u", (unsigned)o->port);
	rc = getaddrinfo(o->host, port, &hints, &res);
	if (rc != 0 || res == NULL) {
		if (res != NULL)
			freeaddrinfo(res);
		return ok_err_set(e, OKB_EXIT_CONNECT, 0, "host not found: %s: %s", o->host,
		                  rc != 0 ? gai_strerror(rc) : "no address");
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof t->addr)
			continue;
		memcpy(&t->addr, ai->ai_addr, ai->ai_addrlen);
		t->len = ai->ai_addrlen;
		fd = okb_connect_again(t, e);
	}
	freeaddrinfo(res);
	return fd;
}

int okb_connect_first(const struct okb_options *o, struct okb_target *t, struct ok_err *e)
{
	int fd, literal = 1;

	if (o->unix_path != NULL)
		unix_address(o->unix_path, t);
	else if ((literal = parse_literal(o, t, e)) < 0)
		return -1;
	fd = literal ? okb_connect_again(t, e) : connect_name(o, t, e);
	if (fd >= 0)
		name_target(o, t, literal);
	return fd;
}

/* A full Unix socket backlog fails at once (EAGAIN): waited for here, a millisecond a try. */
int okb_connect_again(const struct okb_target *t, struct ok_err *e)
{
	int64_t deadline = ok_now_ms() + OKB_CONNECT_MS;
	struct timespec pause = { 0, 1000000L };

	for (;;) {
		int fd = ok_connect_addr((const struct sockaddr *)&t->addr, t->len, OKB_CONNECT_MS, e);
		if (fd >= 0)
			return fd;
		e->code = OKB_EXIT_CONNECT;
		if (t->addr.ss_family != AF_UNIX || e->err != EAGAIN || ok_now_ms() >= deadline ||
		    okb_stop)
			return -1;
		nanosleep(&pause, NULL);
	}
}
