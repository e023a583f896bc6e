/* netaddr.c - socket address builders, strict number and port parsing, address formatting. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netaddr.h"
#include "platform.h"

/* The white space after which ok_inet_aton stops reading: never part of an IP literal. */
#define C_SPACES " \t\n\v\f\r"

_Static_assert(OK_SOCKADDR_STRLEN >= INET6_ADDRSTRLEN + sizeof "[]:65535",
               "OK_SOCKADDR_STRLEN holds every IP form");

int ok_sockaddr_in(struct sockaddr_in *sa, const char *addr, uint16_t port)
{
	memset(sa, 0, sizeof *sa);
	OK_SET_SIN_LEN(sa);
	sa->sin_family = AF_INET;
	sa->sin_port = ok_htons(port);
	if (addr == NULL || !ok_inet_aton(addr, &sa->sin_addr))
		return -1;
	return 0;
}

int ok_sockaddr_in6(struct sockaddr_in6 *sa, const char *addr, uint16_t port)
{
	memset(sa, 0, sizeof *sa);
	OK_SET_SIN6_LEN(sa);
	sa->sin6_family = AF_INET6;
	sa->sin6_port = ok_htons(port);
	if (addr == NULL || !ok_inet_pton6(addr, &sa->sin6_addr))
		return -1;
	return 0;
}

int ok_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "[ADDR]" with ADDR copied to inner (INET6_ADDRSTRLEN bytes); 0, or -1 if text is not that. */
static int strip_brackets(const char *text, char *inner)
{
	size_t n = strlen(text);

	if (n < 2 || text[0] != '[' || text[n - 1] != ']' || n - 2 >= INET6_ADDRSTRLEN)
		return -1; /* INET6_ADDRSTRLEN - 1 is the longest text inet_pton accepts */
	memcpy(inner, text + 1, n - 2);
	inner[n - 2] = '\0';
	return 0;
}

/* Built apart and copied in, so *ss is only ever written as the storage it is. */
int ok_parse_ip_literal(const char *text, struct sockaddr_storage *ss, socklen_t *len,
                        uint16_t port)
{
	char inner[INET6_ADDRSTRLEN];
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	memset(ss, 0, sizeof *ss);
	if (text == NULL)
		return -1;
	if (strip_brackets(text, inner) == 0) {
		text = inner;
	} else if (text[strcspn(text, C_SPACES)] == '\0' && ok_sockaddr_in(&sin, text, port) == 0) {
		memcpy(ss, &sin, sizeof sin);
		*len = (socklen_t)sizeof sin;
		return 0;
	}
	if (ok_sockaddr_in6(&sin6, text, port) < 0)
		return -1;
	memcpy(ss, &sin6, sizeof sin6);
	*len = (socklen_t)sizeof sin6;
	return 0;
}

/* Digits only: no sign, no space, no base prefix, so "80x", " 80" and "-1" are all refused. */
int ok_parse_number(const char *s, unsigned long min, unsigned long max,
                    unsigned long *out, const char **why)
{
	unsigned long v = 0;
	int saturated = 0;
	const char *p;

	if (s == NULL || *s == '\0') {
		*why = "not a number";
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (d > 9) {
			*why = "not a number";
			return -1;
		}
		if (v > (~0ul - d) / 10)
			saturated = 1;
		else
			v = v * 10 + d;
	}
	if (saturated || v > max) {
		*why = "too large";
		return -1;
	}
	if (v < min) {
		*why = "too small";
		return -1;
	}
	*out = v;
	return 0;
}

int ok_parse_port(const char *s, uint16_t *port, const char **why)
{
	unsigned long v;

	if (ok_parse_number(s, 0, 65535, &v, why) < 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

char *ok_format_addr(const struct sockaddr_in *sa, char *buf, size_t len)
{
	uint32_t a = ok_ntohl(sa->sin_addr.s_addr);

	snprintf(buf, len, "%u.%u.%u.%u:%u", (unsigned)(a >> 24), (unsigned)(a >> 16) & 0xff,
	         (unsigned)(a >> 8) & 0xff, (unsigned)a & 0xff, (unsigned)ok_ntohs(sa->sin_port));
	return buf;
}

int ok_unmap_ipv4(const struct sockaddr_in6 *sin6, struct sockaddr_in *sin)
{
	static const unsigned char prefix[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(sin6->sin6_addr.s6_addr, prefix, sizeof prefix) != 0)
		return 0;
	memset(sin, 0, sizeof *sin);
	OK_SET_SIN_LEN(sin);
	sin->sin_family = AF_INET;
	sin->sin_port = sin6->sin6_port;
	memcpy(&sin->sin_addr, sin6->sin6_addr.s6_addr + 12, 4);
	return 1;
}

static void format_in6(const struct sockaddr_in6 *sin6, char *buf, size_t buflen)
{
	char text[INET6_ADDRSTRLEN];

	snprintf(buf, buflen, "[%s]:%u", ok_inet_ntop6(&sin6->sin6_addr, text, sizeof text),
	         (unsigned)ok_ntohs(sin6->sin6_port));
}

/* The path runs to its NUL or to the end of len; none (an unnamed peer) is plain "unix". */
static void format_unix(const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen)
{
	struct sockaddr_un un;
	size_t path;

	memset(&un, 0, sizeof un);
	memcpy(&un, sa, (size_t)len < sizeof un ? (size_t)len : sizeof un);
	path = (size_t)len > offsetof(struct sockaddr_un, sun_path) ?
	               strnlen(un.sun_path, (size_t)len - offsetof(struct sockaddr_un, sun_path)) : 0;
	if (path == 0)
		snprintf(buf, buflen, "unix");
	else
		snprintf(buf, buflen, "unix:%.*s", (int)path, un.sun_path);
}

/* Copies before reading, so sa may be any socket address structure of len bytes. */
const char *ok_format_sockaddr(const struct sockaddr *sa, socklen_t len, char *buf,
                               size_t buflen)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	sa_family_t family = AF_UNSPEC;

	if ((size_t)len >= offsetof(struct sockaddr, sa_family) + sizeof family)
		family = sa->sa_family;
	if (family == AF_INET && (size_t)len >= sizeof sin) {
		memcpy(&sin, sa, sizeof sin);
		ok_format_addr(&sin, buf, buflen);
	} else if (family == AF_INET6 && (size_t)len >= sizeof sin6) {
		memcpy(&sin6, sa, sizeof sin6);
		format_in6(&sin6, buf, buflen);
	} else if (family == AF_UNIX) {
		format_unix(sa, len, buf, buflen);
	} else {
		snprintf(buf, buflen, "unknown");
	}
	return buf;
}

int ok_looks_numeric(const char *host)
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

const char *ok_split_host_port(const char *arg, size_t *hostlen)
{
	const char *colon = strchr(arg, ':');

	*hostlen = strlen(arg);
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');
		if (close == NULL || close[1] != ':')
			return NULL;
		*hostlen = (size_t)(close + 1 - arg);
		return close + 2;
	}
	if (colon == NULL || strchr(colon + 1, ':') != NULL)
		return NULL;
	*hostlen = (size_t)(colon - arg);
	return colon + 1;
}
