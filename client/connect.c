/* connect.c - HOST and PORT to a connected socket: our inet_aton first, the resolver otherwise. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "client.h"
#include "sock.h"

/*
 * Dot-separated numbers (decimal, octal, or 0x hex), as inet_aton reads them: meant as an
 * address, so "999.1.1.1" is refused rather than looked up; "1a.de" is a name.
 */
static int looks_numeric(const char *host)
{
	const char *p = host;

	for (;;) {
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			p += 2 + strspn(p + 2, "0123456789abcdefABCDEF");
		else if (*p >= '0' && *p <= '9')
			p += strspn(p, "0123456789");
		else
			return 0;
		if (*p == '\0')
			return 1;
		if (*p++ != '.')
			return 0;
	}
}

/* Fills *sa from a name through getaddrinfo (IPv4); 0, or -1 with msg set. */
static int resolve_name(const char *host, struct sockaddr_in *sa, char *msg, size_t msglen)
{
	struct addrinfo hints, *res = NULL;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || res == NULL) {
		snprintf(msg, msglen, "host not found: %s: %s", host,
		         rc != 0 ? gai_strerror(rc) : "no IPv4 address");
		if (res)
			freeaddrinfo(res);
		return -1;
	}
	/* The first IPv4 address, as most clients do for a loopback-first tool. */
	memcpy(&sa->sin_addr, &((const struct sockaddr_in *)(const void *)res->ai_addr)->sin_addr,
	       sizeof sa->sin_addr);
	freeaddrinfo(res);
	return 0;
}

/* The address to connect to; 0, or -1 with msg set (exit 3). */
static int find_address(const struct okc_options *o, struct sockaddr_in *sa, char *msg,
                        size_t msglen)
{
	if (ok_sockaddr_in(sa, o->host, o->port) == 0)
		return 0;
	if (looks_numeric(o->host)) {
		snprintf(msg, msglen, "address not valid: %s", o->host);
		return -1;
	}
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = ok_htons(o->port);
	return resolve_name(o->host, sa, msg, msglen);
}

int okc_connect_server(const struct okc_options *o, struct sockaddr_in *peer, int *status,
                       char *msg, size_t msglen)
{
	struct ok_sock_error e;
	int fd;

	if (find_address(o, peer, msg, msglen) < 0) {
		*status = OKC_EXIT_ADDRESS;
		return -1;
	}
	fd = ok_connect_tcp(peer, o->timeout_s > 0 ? o->timeout_s * 1000 : -1, &e);
	if (fd >= 0)
		return fd;
	snprintf(msg, msglen, "%s", e.msg);
	switch (e.step) {
	case OK_STEP_SOCKET:
	case OK_STEP_OPTION: *status = OKC_EXIT_LOCAL; break;
	case OK_STEP_TIMEOUT: *status = OKC_EXIT_TIMEOUT; break;
	default: *status = OKC_EXIT_CONNECT; break;
	}
	return -1;
}
