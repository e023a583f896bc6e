/* cidr.c - networks as users write them, parsed by our own code (no libc parser behind them). */
#include <stdio.h>
#include <string.h>

#include "cidr.h"
#include "netaddr.h"

/* The longest address text either parser accepts, "ffff:...:255.255.255.255", is 45 bytes. */
#define ADDR_TEXT_MAX 45
/* How much of a refused input a message repeats. */
#define ECHO_MAX 80

int ok_inet_pton4(const char *src, struct in_addr *dst)
{
	unsigned char out[4];

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		if (part > 0 && *src++ != '.')
			return 0;
		for (; *src >= '0' && *src <= '9'; src++, digits++) {
			if (digits == 1 && v == 0)
				return 0; /* a leading zero: octal to inet_aton, refused by inet_pton */
			v = v * 10 + (unsigned)(*src - '0');
			if (v > 255)
				return 0;
		}
		if (digits == 0)
			return 0;
		out[part] = (unsigned char)v;
	}
	if (*src != '\0')
		return 0;
	memcpy(&dst->s_addr, out, 4); /* out is already in network order */
	return 1;
}

/* text[0..len) for a message: at most ECHO_MAX bytes, "..." when cut, '?' for unprintables. */
static const char *echo_text(const char *text, size_t len, char *buf)
{
	size_t i;

	for (i = 0; i < len && i < ECHO_MAX; i++)
		buf[i] = (char)(text[i] >= 0x20 && text[i] < 0x7f ? text[i] : '?');
	memcpy(buf + i, i < len ? "..." : "", i < len ? 4 : 1); /* each with its NUL */
	return buf;
}

/* The prefix length after the '/': digits only, no leading zero, at most max. 0, or -1 with e. */
static int read_bits(const char *p, size_t n, unsigned max, unsigned *bits, const char *shown,
                     struct ok_err *e)
{
	unsigned v = 0;

	if (n == 0)
		return ok_err_set(e, 0, 0, "%s: no prefix length after the '/'", shown);
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return ok_err_set(e, 0, 0, "%s: prefix length is not a decimal number", shown);
		if (i == 1 && v == 0)
			return ok_err_set(e, 0, 0, "%s: prefix length has a leading zero", shown);
		v = v * 10 + (unsigned)(p[i] - '0');
		if (v > max)
			return ok_err_set(e, 0, 0, "%s: prefix length over %u", shown, max);
	}
	*bits = v;
	return 0;
}

/* The address before the '/' (or the whole text): IPv6 when it holds a ':', else IPv4. */
static int read_address(const char *p, size_t n, struct ok_cidr *c, const char *shown,
                        struct ok_err *e)
{
	int v6 = memchr(p, ':', n) != NULL;
	struct in_addr a4;
	struct in6_addr a6;

	memset(c, 0, sizeof *c);
	if (n <= ADDR_TEXT_MAX && memchr(p, '\0', n) == NULL) {
		char tmp[ADDR_TEXT_MAX + 1];
		memcpy(tmp, p, n);
		tmp[n] = '\0';
		if (v6 && ok_inet_pton6(tmp, &a6)) {
			c->family = AF_INET6;
			memcpy(c->addr, &a6, 16);
			return 0;
		}
		if (!v6 && ok_inet_pton4(tmp, &a4)) {
			c->family = AF_INET;
			memcpy(c->addr, &a4, 4);
			return 0;
		}
	}
	if (v6)
		return ok_err_set(e, 0, 0, "%s: not an IPv6 address", shown);
	return ok_err_set(e, 0, 0, "%s: not an IPv4 address (four decimal parts of 0-255)", shown);
}

/* 1 when some bit of c->addr past c->bits is set. */
static int has_host_bits(const struct ok_cidr *c)
{
	struct ok_cidr cut = *c;

	ok_cidr_truncate(&cut, c->bits);
	return memcmp(cut.addr, c->addr, sizeof c->addr) != 0;
}

int ok_cidr_parse_mem(const char *text, size_t len, struct ok_cidr *c, struct ok_err *e)
{
	char shown[ECHO_MAX + 4];
	const char *slash = memchr(text, '/', len);
	size_t alen = slash ? (size_t)(slash - text) : len;
	struct ok_cidr out;

	if (len == 0)
		return ok_err_set(e, 0, 0, "an empty network (ADDRESS or ADDRESS/LENGTH)");
	echo_text(text, len, shown);
	if (read_address(text, alen, &out, shown, e) < 0)
		return -1;
	out.bits = out.family == AF_INET ? 32 : 128;
	if (slash != NULL &&
	    read_bits(slash + 1, len - alen - 1, out.bits, &out.bits, shown, e) < 0)
		return -1;
	if (has_host_bits(&out))
		return ok_err_set(e, 0, 0, "%s: bits set beyond the /%u prefix", shown, out.bits);
	*c = out;
	return 0;
}

int ok_cidr_parse(const char *text, struct ok_cidr *c, struct ok_err *e)
{
	return ok_cidr_parse_mem(text, strlen(text), c, e);
}

/* The first 12 bytes of every IPv4-mapped IPv6 address (RFC 4291 section 2.5.5.2). */
static const unsigned char mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int ok_cidr_unmap(struct ok_cidr *c)
{
	if (c->family != AF_INET6 || c->bits < 96 || memcmp(c->addr, mapped_prefix, 12) != 0)
		return 0;
	c->family = AF_INET;
	c->bits -= 96;
	memmove(c->addr, c->addr + 12, 4);
	memset(c->addr + 4, 0, 12);
	return 1;
}

int ok_cidr_of_peer(struct ok_cidr *c, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	memset(c, 0, sizeof *c);
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof sin) {
		memcpy(&sin, sa, sizeof sin);
		c->family = AF_INET;
		c->bits = 32;
		memcpy(c->addr, &sin.sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof sin6) {
		memcpy(&sin6, sa, sizeof sin6);
		c->family = AF_INET6;
		c->bits = 128;
		memcpy(c->addr, &sin6.sin6_addr, 16);
		ok_cidr_unmap(c);
		return 0;
	}
	return -1;
}

void ok_cidr_truncate(struct ok_cidr *c, unsigned bits)
{
	unsigned whole, rest;

	if (bits > c->bits)
		bits = c->bits;
	whole = bits / 8;
	rest = bits % 8;
	if (rest != 0)
		c->addr[whole++] &= (unsigned char)(0xff00u >> rest);
	memset(c->addr + whole, 0, sizeof c->addr - whole);
	c->bits = bits;
}

int ok_cidr_contains(const struct ok_cidr *net, const struct ok_cidr *addr)
{
	struct ok_cidr cut = *addr;

	if (net->family != addr->family || addr->bits < net->bits)
		return 0;
	ok_cidr_truncate(&cut, net->bits);
	return memcmp(cut.addr, net->addr, sizeof net->addr) == 0;
}

char *ok_cidr_format(const struct ok_cidr *c, char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN];
	struct in6_addr a6;

	if (c->family == AF_INET) {
		snprintf(buf, len, "%u.%u.%u.%u/%u", c->addr[0], c->addr[1], c->addr[2], c->addr[3],
		         c->bits);
		return buf;
	}
	memcpy(&a6, c->addr, 16);
	if (c->family != AF_INET6 || ok_inet_ntop6(&a6, text, sizeof text) == NULL)
		strcpy(text, "?");
	snprintf(buf, len, "%s/%u", text, c->bits);
	return buf;
}
