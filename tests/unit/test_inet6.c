/* test_inet6.c - ok_inet_pton6/ok_inet_ntop6 against glibc, and the IPv6 address helpers. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <cmocka.h>

#include "netaddr.h"
#include "pton6_both.h"
#include "random_inputs.h"

/* Prints an input byte for byte, so an unprintable difference can still be replayed. */
static void print_input(const char *what, const char *s)
{
	print_error("%s \"", what);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		print_error(*p >= 0x20 && *p < 0x7f ? "%c" : "\\x%02x", *p);
	print_error("\"");
}

static void print_bytes(const char *who, int r, const struct in6_addr *a)
{
	print_error(" %s %d ", who, r);
	for (int i = 0; i < 16; i++)
		print_error("%02x", a->s6_addr[i]);
}

/*
 * Ours and glibc's validity (1 or 0) when they agree on it and on the bytes (neither writing
 * for an invalid one); -1 when they differ.
 */
static int pton_same_as_libc(const char *s, const char *why)
{
	struct pton6_both b;

	if (pton6_both(s, &b))
		return b.r_ours;
	print_input(why, s);
	print_bytes("ours", b.r_ours, &b.ours);
	print_bytes("glibc", b.r_glibc, &b.glibc);
	print_error("\n");
	return -1;
}

/* 1 when ours writes glibc's text for a, or fails as glibc does, for a buffer of size bytes. */
static int ntop_same_as_libc(const struct in6_addr *a, size_t size)
{
	char ours[INET6_ADDRSTRLEN + 8], theirs[INET6_ADDRSTRLEN + 8];
	const char *r_ours, *r_theirs;
	int e_ours, e_theirs;

	memset(ours, '#', sizeof ours);
	memset(theirs, '#', sizeof theirs);
	errno = 0;
	r_ours = ok_inet_ntop6(a, ours, size);
	e_ours = errno;
	errno = 0;
	r_theirs = inet_ntop(AF_INET6, a, theirs, (socklen_t)size);
	e_theirs = errno;
	if ((r_ours == NULL) == (r_theirs == NULL) && (r_ours != NULL || e_ours == e_theirs) &&
	    memcmp(ours, theirs, sizeof ours) == 0 && (r_ours == NULL || r_ours == ours))
		return 1;
	print_bytes("inet_ntop differs on", 0, a);
	print_error(" size %zu: ours %s \"%.*s\" errno %d, glibc %s \"%.*s\" errno %d\n", size,
	            r_ours ? "text" : "NULL", (int)sizeof ours, ours, e_ours,
	            r_theirs ? "text" : "NULL", (int)sizeof theirs, theirs, e_theirs);
	return 0;
}

static const char *const tricky[] = {
	/* "::" in every position, and its misuses */
	"::", "::1", "1::", "1::2", "::1:2:3:4:5:6:7", "1::3:4:5:6:7:8", "1:2::4:5:6:7:8",
	"1:2:3::5:6:7:8", "1:2:3:4::6:7:8", "1:2:3:4:5::7:8", "1:2:3:4:5:6::8", "1:2:3:4:5:6:7::",
	"::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8",
	":::", "1:::2", ":1::", "1::2:", "::1::", "1::2::3", ":::1", "1:::", ":", "", " ", "::0",
	":1", "1:", "1:2", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", ":1:2:3:4:5:6:7",
	"1:2:3:4:5:6:7:", "1:2:3:4:5:6:7:8:", ":1:2:3:4:5:6:7:8", "0:0:0:0:0:0:0:0",
	/* group widths and case */
	"12345::", "::12345", "1:2:3:4:5:6:7:12345", "00001::", "0000:0000:0000:0000:0000:0000:0000:0000",
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF",
	"AbCd::eF01", "fffg::", "g::", "0x1::", "1::x", "2001:DB8::1", "2001:db8:0:0:1:0:0:1",
	/* embedded IPv4 */
	"::1.2.3.4", "::ffff:1.2.3.4", "::FFFF:1.2.3.4", "::ffff:127.0.0.1", "1:2:3:4:5:6:1.2.3.4",
	"1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5::1.2.3.4", "1::1.2.3.4", "::1.2.3", "::1.2.3.4.5",
	"::1.2.3.4.", "::.1.2.3.4", "::1..2.3", "::256.1.1.1", "::1.2.3.255", "::1.2.3.256",
	"::01.2.3.4", "::1.02.3.4", "::1.2.3.00", "::0.0.0.0", "::00.0.0.0", "::1.2.3.0x4",
	"::1.2.3.4:5", "::1.2.3.4::", "1.2.3.4::", "1.2.3.4", "::1.2.3.4:1:2", "::a.b.c.d",
	"::ffff:1.2.3", "::ffff:1.2.3.4.5", "::ffff:0001.2.3.4", "::1234.1.2.3", "::12.34.56.78",
	"::ffff:255.255.255.255", "::255.255.255.255", "1:2:3:4:5:6:7:8.1.2.3", "::1:1.2.3.4",
	"0:0:0:0:0:ffff:1.2.3.4", "::ffff:0:1.2.3.4", "1.2.3.4:1::", "::1.2.3.-4", "::1.2.3.+4",
	"::1 .2.3.4", "::1. 2.3.4", "::1.2.3.4 ",
	/* zone ids, brackets, white space and other strangers */
	"fe80::1%eth0", "fe80::1%1", "::%", "[::1]", "[::1", "::1]", " ::1", "::1 ", ":: 1", "::\t1",
	"::1\n", "\t::1", "1: :2", "::1/128", "::1#", "::-1", "::+1", "::\xff", "\xff::",
	"fe80::1%", "::1x", "x::1",
};

static void pton6_matches_libc_on_tricky_inputs(void **state)
{
	int bad = 0;
	(void)state;
	for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++)
		bad += pton_same_as_libc(tricky[i], "table") < 0;
	assert_int_equal(bad, 0);
}

static void pton6_known_values(void **state)
{
	struct in6_addr a;
	static const unsigned char loopback[16] = { [15] = 1 };
	static const unsigned char mapped[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };
	static const unsigned char doc[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
	(void)state;
	assert_int_equal(ok_inet_pton6("::1", &a), 1);
	assert_memory_equal(a.s6_addr, loopback, 16);
	assert_int_equal(ok_inet_pton6("::FFFF:127.0.0.1", &a), 1);
	assert_memory_equal(a.s6_addr, mapped, 16);
	assert_int_equal(ok_inet_pton6("2001:DB8:0:0::0:1", &a), 1);
	assert_memory_equal(a.s6_addr, doc, 16);
	assert_int_equal(ok_inet_pton6("fe80::1%eth0", &a), 0);
	assert_int_equal(ok_inet_pton6("::01.2.3.4", &a), 0);
}

/* A group with, one time in four, leading zeros up to 4 digits; each digit in either case. */
static char *put_group(char *p, unsigned v)
{
	static const char *const cases[2] = { "0123456789abcdef", "0123456789ABCDEF" };
	uint64_t r = next_random();
	int width = 1 + (v > 0xf) + (v > 0xff) + (v > 0xfff);

	if (r % 4 == 0)
		width += (int)((r >> 2) % (unsigned)(5 - width));
	while (width-- > 0)
		*p++ = cases[r >> (8 + width) & 1][v >> (4 * width) & 0xf];
	return p;
}

static char *put_ipv4(char *p, const unsigned char *b)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];
		if (i > 0)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	return p;
}

/* Each group zero half the time, often below 0x100, often the mapped or compatible prefix. */
static void random_address(struct in6_addr *a)
{
	const uint64_t flags = next_random(), values[2] = { next_random(), next_random() };

	for (size_t i = 0; i < 8; i++) {
		unsigned v = (unsigned)(values[i / 4] >> (16 * (i % 4))) & 0xffff;
		if (flags >> i & 1)
			v = 0;
		else if (flags >> (8 + i) & 1)
			v &= 0xff;
		a->s6_addr[2 * i] = (unsigned char)(v >> 8);
		a->s6_addr[2 * i + 1] = (unsigned char)v;
	}
	switch (flags >> 16 & 7) {
	case 0: /* ::a.b.c.d */
		memset(a->s6_addr, 0, 12);
		break;
	case 1: /* ::ffff:a.b.c.d */
		memset(a->s6_addr, 0, 10);
		a->s6_addr[10] = a->s6_addr[11] = 0xff;
		break;
	}
}

/*
 * A valid text for a random address in any form inet_pton takes: leading zeros, mixed case,
 * any run of zero groups (not just the longest) compressed or not, the last 32 bits dotted.
 */
static char *valid_text(char *p)
{
	struct in6_addr a;
	unsigned w[8];
	uint64_t r = next_random();
	int dotted = r % 4 == 0, groups = dotted ? 6 : 8;
	int from = (int)((r >> 8) % 9), len = 0;

	random_address(&a);
	for (size_t i = 0; i < 8; i++)
		w[i] = (unsigned)a.s6_addr[2 * i] << 8 | a.s6_addr[2 * i + 1];
	while (from + len < groups && w[from + len] == 0 && (r >> 16) % 8 != 0)
		len++;
	for (int i = 0; i < groups; i++) {
		if (len > 0 && i == from)
			*p++ = ':';
		if (len > 0 && i >= from && i < from + len)
			continue;
		if (i > 0)
			*p++ = ':';
		p = put_group(p, w[i]);
	}
	if (len > 0 && from + len == groups)
		*p++ = ':';
	if (dotted) {
		if (len == 0 || from + len < groups)
			*p++ = ':';
		p = put_ipv4(p, a.s6_addr + 12);
	}
	*p = '\0';
	return p;
}

/* Deletes, inserts or replaces one character, or repeats or drops a "group:" piece. */
static void mutate(char *s, size_t cap)
{
	static const char alphabet[] = "0123456789abcdefABCDEF:.%x ";
	size_t len = strlen(s), at = len ? (size_t)(next_random() % len) : 0;
	char c = alphabet[next_random() % (sizeof alphabet - 1)];
	char *colon = strchr(s + at, ':');

	switch (next_random() % 5) {
	case 0:
		memmove(s + at, s + at + 1, len - at);
		break;
	case 1:
		if (len + 2 > cap)
			break;
		memmove(s + at + 1, s + at, len - at + 1);
		s[at] = c;
		break;
	case 2:
		if (len > 0)
			s[at] = c;
		break;
	case 3:
		if (colon != NULL && len + (size_t)(colon - s - at) + 2 <= cap) {
			size_t piece = (size_t)(colon + 1 - (s + at));
			memmove(s + at + piece, s + at, len - at + 1);
		}
		break;
	default:
		if (colon != NULL)
			memmove(s + at, colon + 1, strlen(colon + 1) + 1);
	}
}

static void pton6_matches_libc_on_random_inputs(void **state)
{
	unsigned long n = random_input_count(10000000ul);
	uint64_t seed = seed_random();
	unsigned long bad = 0, valid = 0;
	char what[80];
	char base[64], buf[128];
	(void)state;

	/* Each valid text as it is, then three mutants of it with one to three changes each. */
	for (unsigned long i = 0; i < n && bad < 10; i++) {
		if (i % 4 == 0) {
			valid_text(base);
			snprintf(buf, sizeof buf, "%s", base);
		} else {
			snprintf(buf, sizeof buf, "%s", base);
			for (uint64_t m = 1 + next_random() % 3; m > 0; m--)
				mutate(buf, sizeof buf);
		}
		int r = pton_same_as_libc(buf, "random");
		bad += r < 0;
		valid += r > 0;
	}
	snprintf(what, sizeof what, "%lu random inputs, %lu valid", n, valid);
	end_random_run(bad, seed, what);
}

static void ntop6_matches_libc_on_the_table(void **state)
{
	int bad = 0;
	(void)state;
	for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++) {
		struct in6_addr a;
		if (inet_pton(AF_INET6, tricky[i], &a) == 1)
			bad += !ntop_same_as_libc(&a, INET6_ADDRSTRLEN);
	}
	assert_int_equal(bad, 0);
}

static void ntop6_known_texts(void **state)
{
	static const char *const canonical[] = {
		"::", "::1", "::2", "1::", "::1:0:0:0", "1:0:0:2::", "1::2:0:0", "::0.1.0.0",
		"::1.2.3.4", "::ffff:1.2.3.4", "::ffff:0.0.0.0", "::ffff:0:0:1", "::fffe:102:304",
		"::1:ffff:102:304", "1::ffff:102:304", "::ffff:0:102:304", "1:0:1:0:1:0:1:0", "2001:db8::1",
		"fe80::ab:cd", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "0:1:2:3:4:5:6:7",
	};
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;
	(void)state;
	for (size_t i = 0; i < sizeof canonical / sizeof canonical[0]; i++) {
		assert_int_equal(ok_inet_pton6(canonical[i], &a), 1);
		assert_string_equal(ok_inet_ntop6(&a, buf, sizeof buf), canonical[i]);
	}
}

/* Every size from 0 to one past the need, for one address in 1000: NULL/ENOSPC or the text. */
static void ntop6_matches_libc_on_random_addresses(void **state)
{
	unsigned long n = random_input_count(10000000ul);
	uint64_t seed = seed_random();
	unsigned long bad = 0, sized = 0;
	char what[80];
	(void)state;

	for (unsigned long i = 0; i < n && bad < 10; i++) {
		struct in6_addr a;
		random_address(&a);
		bad += !ntop_same_as_libc(&a, INET6_ADDRSTRLEN);
		if (i % 1000 != 0)
			continue;
		char text[INET6_ADDRSTRLEN];
		size_t need = strlen(inet_ntop(AF_INET6, &a, text, sizeof text)) + 1;
		for (size_t size = 0; size <= need + 1; size++, sized++)
			bad += !ntop_same_as_libc(&a, size);
	}
	snprintf(what, sizeof what, "%lu random addresses, %lu buffer sizes", n, sized);
	end_random_run(bad, seed, what);
}

static void ntop6_refuses_a_small_buffer(void **state)
{
	struct in6_addr a;
	char buf[8];
	(void)state;
	ok_inet_pton6("2001:db8::1", &a);
	memset(buf, '#', sizeof buf);
	errno = 0;
	assert_null(ok_inet_ntop6(&a, buf, 4));
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(buf[0], '#');
	assert_null(ok_inet_ntop6(&a, buf, 0));
	assert_null(ok_inet_ntop6(&a, buf, 11)); /* 11 characters, no room for the NUL */
	assert_string_equal(ok_inet_ntop6(&a, (char[12]){ 0 }, 12), "2001:db8::1");
}

static void sockaddr_in6_fills_every_field(void **state)
{
	struct sockaddr_in6 sa;
	static const unsigned char loopback[16] = { [15] = 1 };
	(void)state;

	memset(&sa, 0xAA, sizeof sa);
	assert_int_equal(ok_sockaddr_in6(&sa, "::1", 4242), 0);
	assert_int_equal(sa.sin6_family, AF_INET6);
	assert_int_equal(sa.sin6_port, htons(4242));
	assert_int_equal(sa.sin6_flowinfo, 0);
	assert_int_equal(sa.sin6_scope_id, 0);
	assert_memory_equal(sa.sin6_addr.s6_addr, loopback, 16);

	memset(&sa, 0xAA, sizeof sa);
	assert_int_equal(ok_sockaddr_in6(&sa, "fe80::1%eth0", 80), -1);
	assert_int_equal(sa.sin6_family, AF_INET6);
	assert_int_equal(sa.sin6_port, htons(80));
	assert_int_equal(sa.sin6_scope_id, 0);
	assert_int_equal(ok_sockaddr_in6(&sa, "[::1]", 80), -1);
	assert_int_equal(ok_sockaddr_in6(&sa, "127.0.0.1", 80), -1);
	assert_int_equal(ok_sockaddr_in6(&sa, NULL, 80), -1);
}

/* Parses text; returns its family, or -1; the storage past the address must stay zero. */
static int literal_family(const char *text, uint16_t port)
{
	struct sockaddr_storage ss;
	static const struct sockaddr_storage zero;
	socklen_t len = 0;
	int r;

	memset(&ss, 0xAA, sizeof ss);
	r = ok_parse_ip_literal(text, &ss, &len, port);
	if (r < 0) {
		assert_memory_equal(&ss, &zero, sizeof ss);
		return -1;
	}
	assert_int_equal(len, ss.ss_family == AF_INET ? sizeof(struct sockaddr_in)
	                                              : sizeof(struct sockaddr_in6));
	assert_memory_equal((char *)&ss + len, (const char *)&zero + len, sizeof ss - len);
	return ss.ss_family;
}

static void ip_literal_takes_either_family(void **state)
{
	static const struct { const char *text; int family; } cases[] = {
		{ "127.0.0.1", AF_INET }, { "127.1", AF_INET }, { "0x7f.1", AF_INET },
		{ "10.1.2.3", AF_INET }, { "::1", AF_INET6 }, { "[::1]", AF_INET6 },
		{ "::", AF_INET6 }, { "[::]", AF_INET6 }, { "[::ffff:1.2.3.4]", AF_INET6 },
		{ "[0000:0000:0000:0000:0000:0000:255.255.255.255]", AF_INET6 },
		{ "127.0.0.1 ", -1 }, { "127.0.0.1\tx", -1 }, { " 127.0.0.1", -1 }, { "", -1 },
		{ "[127.0.0.1]", -1 }, { "[]", -1 }, { "[", -1 }, { "]", -1 }, { "[::1", -1 },
		{ "::1]", -1 }, { "[[::1]]", -1 }, { "[ ::1]", -1 }, { "[::1] ", -1 },
		{ "fe80::1%eth0", -1 }, { "[fe80::1%eth0]", -1 }, { "localhost", -1 },
		{ "1.2.3.256", -1 }, { "[0000:0000:0000:0000:0000:0000:0255.255.255.255]", -1 },
	};
	int bad = 0;
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int family = literal_family(cases[i].text, 4242);
		if (family != cases[i].family) {
			print_input("ok_parse_ip_literal", cases[i].text);
			print_error(": family %d, want %d\n", family, cases[i].family);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_int_equal(literal_family(NULL, 4242), -1);
}

static void ip_literal_sets_address_and_port(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	socklen_t len;
	(void)state;

	assert_int_equal(ok_parse_ip_literal("[2001:db8::7]", &ss, &len, 65535), 0);
	memcpy(&sin6, &ss, sizeof sin6);
	assert_int_equal(sin6.sin6_port, htons(65535));
	assert_int_equal(sin6.sin6_addr.s6_addr[15], 7);
	assert_int_equal(ok_parse_ip_literal("127.1", &ss, &len, 80), 0);
	memcpy(&sin, &ss, sizeof sin);
	assert_int_equal(sin.sin_port, htons(80));
	assert_int_equal(sin.sin_addr.s_addr, htonl(0x7f000001u));
}

static const char *format_literal(const char *text, uint16_t port, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len;

	assert_int_equal(ok_parse_ip_literal(text, &ss, &len, port), 0);
	return ok_format_sockaddr((struct sockaddr *)&ss, len, buf, size);
}

static void sockaddr_formatter_names_each_family(void **state)
{
	char buf[OK_SOCKADDR_STRLEN], small[6];
	(void)state;
	assert_string_equal(format_literal("127.0.0.1", 4242, buf, sizeof buf), "127.0.0.1:4242");
	assert_string_equal(format_literal("::1", 4242, buf, sizeof buf), "[::1]:4242");
	assert_string_equal(format_literal("[2001:DB8:0::1]", 0, buf, sizeof buf), "[2001:db8::1]:0");
	assert_string_equal(format_literal("::ffff:127.0.0.1", 51234, buf, sizeof buf),
	                    "[::ffff:127.0.0.1]:51234");
	assert_string_equal(format_literal("::1.2.3.4", 1, buf, sizeof buf), "[::1.2.3.4]:1");
	assert_string_equal(format_literal("::", 65535, buf, sizeof buf), "[::]:65535");
	assert_string_equal(format_literal("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535, buf,
	                                   sizeof buf),
	                    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	assert_string_equal(format_literal("::1", 4242, small, sizeof small), "[::1]");
}

static void sockaddr_formatter_names_unix_and_unknown(void **state)
{
	struct sockaddr_un un;
	struct sockaddr_storage ss;
	char buf[OK_SOCKADDR_STRLEN];
	socklen_t base = (socklen_t)offsetof(struct sockaddr_un, sun_path);
	(void)state;

	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	strcpy(un.sun_path, "/run/ok.sock");
	assert_string_equal(ok_format_sockaddr((struct sockaddr *)&un, sizeof un, buf, sizeof buf),
	                    "unix:/run/ok.sock");
	assert_string_equal(ok_format_sockaddr((struct sockaddr *)&un, base + 4, buf, sizeof buf),
	                    "unix:/run");
	assert_string_equal(ok_format_sockaddr((struct sockaddr *)&un, base, buf, sizeof buf), "unix");
	memset(un.sun_path, 'p', sizeof un.sun_path); /* full, without a NUL */
	ok_format_sockaddr((struct sockaddr *)&un, sizeof un, buf, sizeof buf);
	assert_int_equal(strlen(buf), strlen("unix:") + sizeof un.sun_path);
	un.sun_path[0] = '\0';
	assert_string_equal(ok_format_sockaddr((struct sockaddr *)&un, sizeof un, buf, sizeof buf),
	                    "unix");

	memset(&ss, 0, sizeof ss);
	ss.ss_family = AF_UNSPEC;
	assert_string_equal(ok_format_sockaddr((struct sockaddr *)&ss, sizeof ss, buf, sizeof buf),
	                    "unknown");
	ss.ss_family = AF_INET6;
	assert_string_equal(ok_format_sockaddr((struct sockaddr *)&ss, 8, buf, sizeof buf), "unknown");
	assert_string_equal(ok_format_sockaddr((struct sockaddr *)&ss, 0, buf, sizeof buf), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pton6_matches_libc_on_tricky_inputs),
		cmocka_unit_test(pton6_known_values),
		cmocka_unit_test(pton6_matches_libc_on_random_inputs),
		cmocka_unit_test(ntop6_matches_libc_on_the_table),
		cmocka_unit_test(ntop6_known_texts),
		cmocka_unit_test(ntop6_matches_libc_on_random_addresses),
		cmocka_unit_test(ntop6_refuses_a_small_buffer),
		cmocka_unit_test(sockaddr_in6_fills_every_field),
		cmocka_unit_test(ip_literal_takes_either_family),
		cmocka_unit_test(ip_literal_sets_address_and_port),
		cmocka_unit_test(sockaddr_formatter_names_each_family),
		cmocka_unit_test(sockaddr_formatter_names_unix_and_unknown),
	};
	return cmocka_run_group_tests_name("inet6", tests, NULL, NULL);
}
