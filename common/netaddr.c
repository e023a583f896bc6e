/* netaddr.c - the sockaddr_in builder, strict number and port parsing, address formatting. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netaddr.h"

int ok_sockaddr_in(struct sockaddr_in *sa, const char *addr, uint16_t port)
{
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = ok_htons(port);
	if (addr == NULL || !ok_inet_aton(addr, &sa->sin_addr))
		return -1;
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
