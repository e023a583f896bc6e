/* inet6.c - IPv6 text to address and back, exactly as glibc's inet_pton/inet_ntop(AF_INET6). */
#include <errno.h>
#include <string.h>

#include "netaddr.h"

#define GROUPS 8

/*
 * The dotted IPv4 tail, which must end the string: exactly four decimal parts of 0-255,
 * a part longer than one digit never starting with 0 (glibc refuses "01", unlike inet_aton).
 * Returns 1 and fills out[4], or 0.
 */
static int read_ipv4_tail(const char *p, unsigned char out[4])
{
	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		if (part > 0 && *p++ != '.')
			return 0;
		for (; *p >= '0' && *p <= '9'; p++, digits++) {
			if (digits == 1 && v == 0)
				return 0;
			v = v * 10 + (unsigned)(*p - '0');
			if (v > 255)
				return 0;
		}
		if (digits == 0)
			return 0;
		out[part] = (unsigned char)v;
	}
	return *p == '\0';
}

/* One group of one to four hex digits at p; returns how many digits, 0 for none or too many. */
static size_t read_group(const char *p, unsigned *value)
{
	size_t n;
	int d;

	*value = 0;
	for (n = 0; (d = ok_hex_value(p[n])) >= 0; n++) {
		if (n == 4)
			return 0;
		*value = *value << 4 | (unsigned)d;
	}
	return n;
}

/*
 * Without "::" the groups must fill all 16 bytes; with it they must leave room for one zero
 * group at least, and the bytes written after it move to the end. Returns 1 when b is whole.
 */
static int expand_gap(unsigned char b[16], size_t used, long gap)
{
	size_t tail;

	if (gap < 0)
		return used == 16;
	if (used == 16)
		return 0;
	tail = used - (size_t)gap;
	memmove(b + 16 - tail, b + gap, tail);
	memset(b + gap, 0, 16 - tail - (size_t)gap);
	return 1;
}

/*
 * Groups separated by ':', at most one "::" standing for one or more zero groups, the last
 * two groups optionally written as a dotted IPv4 tail. Nothing else: no white space, no zone
 * id, no brackets. *dst is written only for a valid address. Some 40 lines on purpose: one scan
 * whose few states (used, gap, p) read best in one place, as glibc's own does.
 */
int ok_inet_pton6(const char *src, struct in6_addr *dst)
{
	unsigned char b[16];
	size_t used = 0;     /* bytes of b filled so far */
	long gap = -1;       /* where "::" stands, as a byte offset into b */
	const char *p = src;

	if (p[0] == ':') {   /* a leading colon is only allowed as the first half of "::" */
		if (p[1] != ':')
			return 0;
		gap = 0;
		p += 2;
	}
	while (*p != '\0') {
		unsigned v;
		size_t n = read_group(p, &v);

		if (p[n] == '.') { /* the group was the first part of the IPv4 tail */
			if (used > sizeof b - 4 || !read_ipv4_tail(p, b + used))
				return 0;
			used += 4;
			break;
		}
		if (n == 0 || used == sizeof b)
			return 0;
		b[used++] = (unsigned char)(v >> 8);
		b[used++] = (unsigned char)(v & 0xff);
		p += n;
		if (*p == '\0')
			break;
		if (*p++ != ':' || *p == '\0')
			return 0;  /* not a separator, or a lone trailing ':' */
		if (*p == ':') {
			if (gap >= 0)
				return 0;
			gap = (long)used;
			p++;
		}
	}
	if (!expand_gap(b, used, gap))
		return 0;
	memcpy(dst->s6_addr, b, sizeof b);
	return 1;
}

/* The longest run of zero groups, the first of equal ones; a single zero is not a run. */
static void find_zero_run(const unsigned w[GROUPS], int *start, int *len)
{
	*start = -1;
	*len = 0;
	for (int i = 0; i < GROUPS; i++) {
		int n = 0;
		while (i + n < GROUPS && w[i + n] == 0)
			n++;
		if (n >= 2 && n > *len) {
			*start = i;
			*len = n;
		}
		i += n;
	}
}

/* Lower-case hex without leading zeros. */
static char *put_hex(char *p, unsigned v)
{
	static const char digits[] = "0123456789abcdef";
	int shift = 12;

	while (shift > 0 && (v >> shift) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = digits[(v >> shift) & 0xf];
	return p;
}

/* w[from] to w[to - 1] joined by ':'. */
static char *put_groups(char *p, const unsigned w[GROUPS], int from, int to)
{
	for (int i = from; i < to; i++) {
		if (i > from)
			*p++ = ':';
		p = put_hex(p, w[i]);
	}
	return p;
}

/* Decimal, no leading zeros. */
static char *put_decimal(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

static char *put_ipv4(char *p, const unsigned char a[4])
{
	for (int i = 0; i < 4; i++) {
		if (i > 0)
			*p++ = '.';
		p = put_decimal(p, a[i]);
	}
	return p;
}

/*
 * Writes glibc's text for the address into text (INET6_ADDRSTRLEN bytes), returns its length.
 * glibc uses the dotted tail exactly when the zero run starts the address and is six groups
 * long (IPv4-compatible, so never for "::" or "::1", whose runs are longer) or five groups
 * followed by ffff (IPv4-mapped).
 */
static size_t format_in6(const unsigned char b[16], char *text)
{
	unsigned w[GROUPS];
	int start, len;
	char *p = text;

	for (size_t i = 0; i < GROUPS; i++)
		w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
	find_zero_run(w, &start, &len);
	if (start < 0) {
		p = put_groups(p, w, 0, GROUPS);
	} else {
		p = put_groups(p, w, 0, start);
		*p++ = ':';
		*p++ = ':';
		if (start == 0 && (len == 6 || (len == 5 && w[5] == 0xffff))) {
			if (len == 5) {
				memcpy(p, "ffff:", 5);
				p += 5;
			}
			p = put_ipv4(p, b + 12);
		} else {
			p = put_groups(p, w, start + len, GROUPS);
		}
	}
	*p = '\0';
	return (size_t)(p - text);
}

const char *ok_inet_ntop6(const struct in6_addr *src, char *dst, size_t size)
{
	char text[INET6_ADDRSTRLEN];
	size_t len = format_in6(src->s6_addr, text);

	if (len >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, text, len + 1);
	return dst;
}
