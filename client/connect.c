/* connect.c - HOST and PORT (or -U PATH) to a connected socket: each address in turn, one deadline. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "client.h"
#include "netaddr.h" /* ok_looks_numeric */
#include "platform.h" /* OK_SET_SUN_LEN */
#include "sock.h"

/*
 * HOST as an address: 1 with *ss and *len filled, 0 when it is a name to look up, -1 with e
 * set (exit 3) when it is meant as an address but is none (a colon or a bracket marks IPv6), or
 * is of the family -4 or -6 excludes.
 */
static int parse_literal(const struct okc_options *o, struct sockaddr_storage *ss,
                         socklen_t *len, struct ok_err *e)
{
	struct sockaddr_in sin;

	/* IPv4 first, by ok_inet_aton's rules, text after a blank included (version 1's). */
	if (ok_sockaddr_in(&sin, o->host, o->port) == 0) {
		memset(ss, 0, sizeof *ss);
		memcpy(ss, &sin, sizeof sin);
		*len = sizeof sin;
	} else if (ok_parse_ip_literal(o->host, ss, len, o->port) < 0) {
		if (!ok_looks_numeric(o->host) && strpbrk(o->host, ":[]") == NULL)
			return 0;
		return ok_err_set(e, OKC_EXIT_ADDRESS, 0, "address not valid: %s", o->host);
	}
	if (o->family != AF_UNSPEC && ss->ss_family != o->family)
		return ok_err_set(e, OKC_EXIT_ADDRESS, 0, "-%c: not an %s address: %s",
		                  o->family == AF_INET ? '4' : '6',
		                  o->family == AF_INET ? "IPv4" : "IPv6", o->host);
	return 1;
}

/* A name's addresses, of -4/-6's family or both, in the resolver's order; 0, or -1 with e
 * (exit 3). */
static int resolve_name(const struct okc_options *o, struct addrinfo **res, struct ok_err *e)
{
	struct addrinfo hints;
	char port[8];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = o->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof port, "%u", (unsigned)o->port);
	*res = NULL;
	rc = getaddrinfo(o->host, port, &hints, res);
	if (rc == 0 && *res != NULL)
		return 0;
	if (*res != NULL)
		freeaddrinfo(*res);
	return ok_err_set(e, OKC_EXIT_ADDRESS, 0, "host not found: %s: %s", o->host,
	                  rc != 0 ? gai_strerror(rc) : "no address");
}

/* -U's path as a socket address; options.c has checked that it fits. */
static socklen_t unix_address(const char *path, struct sockaddr_storage *ss)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)(void *)ss;

	memset(ss, 0, sizeof *ss);
	OK_SET_SUN_LEN(sun, sizeof *sun);
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, strlen(path));
	return (socklen_t)sizeof *sun;
}

/* The exit status of a failed connect step (sock.h): ours, not the connection's, for socket()
 * and its options. */
static int exit_status(int step)
{
	switch (step) {
	case OK_STEP_SOCKET:
	case OK_STEP_OPTION: return OKC_EXIT_LOCAL;
	case OK_STEP_TIMEOUT: return OKC_EXIT_TIMEOUT;
	default: return OKC_EXIT_CONNECT;
	}
}

/*
 * Tries each address until one connects, all within one deadline (-t, kept in *until for what
 * follows); the fd with *peer set, or -1 with the last attempt's failure in *e, its code the
 * exit status. A timeout means the deadline is spent: no time is left for the addresses after it.
 */
static int connect_each(const struct addrinfo *ai, int timeout_s, struct sockaddr_storage *peer,
                        socklen_t *peerlen, int64_t *until, struct ok_err *e)
{
	int64_t deadline = ok_now_ms() + (int64_t)timeout_s * 1000;

	*until = timeout_s > 0 ? deadline : -1;
	for (; ai != NULL; ai = ai->ai_next) {
		int64_t left = deadline - ok_now_ms();
		int fd = ok_connect_addr(ai->ai_addr, ai->ai_addrlen,
		                         timeout_s > 0 ? (int)(left > 0 ? left : 0) : -1, e);
		if (fd >= 0) {
			memcpy(peer, ai->ai_addr, ai->ai_addrlen);
			*peerlen = ai->ai_addrlen;
			return fd;
		}
		if (e->code == OK_STEP_TIMEOUT)
			break;
	}
	e->code = exit_status(e->code);
	return -1;
}

/* The candidate addresses: -U's path or a literal as a list of one, else the resolver's. */
static int find_addresses(const struct okc_options *o, struct addrinfo *one,
                          struct addrinfo **list, struct ok_err *e)
{
	struct sockaddr_storage *ss = (struct sockaddr_storage *)(void *)one->ai_addr;
	int literal;

	if (o->unix_path != NULL) {
		one->ai_addrlen = unix_address(o->unix_path, ss);
		*list = one;
		return 0;
	}
	literal = parse_literal(o, ss, &one->ai_addrlen, e);
	if (literal != 0) {
		*list = one;
		return literal;
	}
	return resolve_name(o, list, e);
}

int okc_connect_server(const struct okc_options *o, struct sockaddr_storage *peer,
                       socklen_t *peerlen, int64_t *deadline, struct ok_err *e)
{
	struct sockaddr_storage ss;
	struct addrinfo one = { .ai_addr = (struct sockaddr *)(void *)&ss }, *list;
	int fd;

	*deadline = -1;
	if (find_addresses(o, &one, &list, e) < 0)
		return -1;
	fd = connect_each(list, o->timeout_s, peer, peerlen, deadline, e);
	if (list != &one)
		freeaddrinfo(list);
	return fd;
}
