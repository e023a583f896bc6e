/* test_netaddr.c - common/netaddr against libc: byte order, inet_aton, sockaddr_in, ports. */
#define _DEFAULT_SOURCE /* inet_aton, the reference we compare with */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "netaddr.h"
#include "random_inputs.h"

static void htons_matches_libc_for_every_value(void **state)
{
	(void)state;
	for (uint32_t v = 0; v <= 0xffff; v++) {
		assert_int_equal(ok_htons((uint16_t)v), htons((uint16_t)v));
		assert_int_equal(ok_ntohs((uint16_t)v), ntohs((uint16_t)v));
		assert_int_equal(ok_ntohs(ok_htons((uint16_t)v)), v);
	}
}

static void htonl_matches_libc(void **state)
{
	(void)state;
	for (uint64_t v = 0; v <= 0xffffffffu; v += 0x10001u) {
		assert_int_equal(ok_htonl((uint32_t)v), htonl((uint32_t)v));
		assert_int_equal(ok_ntohl((uint32_t)v), ntohl((uint32_t)v));
	}
	assert_int_equal(ok_htonl(0x01020304u), htonl(0x01020304u));
}

/* Fails the test, naming the input, unless ours and glibc's agree on validity and value. */
static int same_as_libc(const char *s, size_t len, const char *why)
{
	struct in_addr ours = { 0x5a5a5a5a }, theirs = { 0x5a5a5a5a };
	int r_ours = ok_inet_aton(s, &ours);
	int r_theirs = inet_aton(s, &theirs);

	if (r_ours == r_theirs && (r_ours == 0 || ours.s_addr == theirs.s_addr) &&
	    ok_inet_aton(s, NULL) == r_theirs)
		return 1;
	print_error("inet_aton differs (%s) on %zu bytes:", why, len);
	for (size_t i = 0; i < len; i++)
		print_error(" %02x", (unsigned char)s[i]);
	print_error(" \"%s\": ours %d 0x%08x, glibc %d 0x%08x\n", s, r_ours,
	            (unsigned)ours.s_addr, r_theirs, (unsigned)theirs.s_addr);
	return 0;
}

static const char *const tricky[] = {
	"", " ", ".", "..", "0", "1", "0x", "0X", "0x0", "0xg", "0x.1", "08", "09", "0377", "0400",
	"00000000000000000000000000001", "0x00000000000000000000ff", "4294967295", "4294967296",
	"0xffffffff", "0x100000000", "037777777777", "040000000000", "18446744073709551615",
	"18446744073709551616", "99999999999999999999999999", "1.2", "1.16777215", "1.16777216",
	"1.2.3", "1.2.65535", "1.2.65536", "1.2.3.4", "1.2.3.255", "1.2.3.256", "255.255.255.255",
	"256.1.1.1", "1.256.1.1", "1.2.256.1", "0x7f.1", "0x7f.0.0.1", "017700000001", "127.1",
	"127.0.0.1 ", "127.0.0.1\t", "127.0.0.1\n", "127.0.0.1\v", "127.0.0.1\f", "127.0.0.1\r",
	"127.0.0.1 junk", "127.0.0.1junk", "127.0.0.1.", "127.0.0.1..", "1..2", "1.2..3", ".1.2.3",
	"1.2.3.4.5", "1.2.3.4.5.6", " 1.2.3.4", "\t1.2.3.4", "+1.2.3.4", "-1.2.3.4", "1.-2.3.4",
	"1.+2.3.4", "1.2.3.-4", "1.2.3.0x", "1.2.3.0xff", "1.2.3.0x100", "1.2.3.0377", "1.2.3.0400",
	"0x1.0x2.0x3.0x4", "01.02.03.04", "1.2.3.4x", "1.2.3.4 x", "1 2", "1\t2", "0.0.0.0",
	"00.00.00.00", "1.2.3.08", "1.2.3.4\x80", "1.2.3.4\xa0", "1.2.3.\xff", "localhost", "a.b.c.d",
	"0xa.0xb.0xc.0xd", "0XA.0XB.0XC.0XD", "1e3", "1.2.3.4/24", "1.2.3.4:80", "::1",
};

static void inet_aton_matches_libc_on_tricky_inputs(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++)
		bad += !same_as_libc(tricky[i], strlen(tricky[i]), "table");
	assert_int_equal(bad, 0);
}

static void inet_aton_known_values(void **state)
{
	struct in_addr a;
	(void)state;
	assert_int_equal(ok_inet_aton("127.1", &a), 1);
	assert_int_equal(a.s_addr, htonl(0x7f000001u));
	assert_int_equal(ok_inet_aton("1.2.3.4 trailing", &a), 1);
	assert_int_equal(a.s_addr, htonl(0x01020304u));
	assert_int_equal(ok_inet_aton("0x7f.0.0.010", &a), 1);
	assert_int_equal(a.s_addr, htonl(0x7f000008u));
	assert_int_equal(ok_inet_aton("1.2.3.256", &a), 0);
	assert_int_equal(ok_inet_aton("1.2.3.4.5", NULL), 0);
}

/* One random input: mostly the address alphabet, sometimes any byte but NUL. */
static size_t random_input(char *buf, size_t cap)
{
	static const char alphabet[] = "0123456789abcdefxX. \t";
	static const char address_like[] = "0123456789.....xX";
	uint64_t r = next_random();
	size_t len = (size_t)(r % cap);
	unsigned kind = (unsigned)(r >> 32) % 8;

	for (size_t i = 0; i < len; i++) {
		uint64_t c = next_random();
		if (kind == 0)
			buf[i] = (char)(1 + c % 255);
		else if (kind < 4)
			buf[i] = address_like[c % (sizeof address_like - 1)];
		else if ((c & 0xff) == 0)
			buf[i] = (char)(1 + (c >> 8) % 255);
		else
			buf[i] = alphabet[(c >> 8) % (sizeof alphabet - 1)];
	}
	buf[len] = '\0';
	return len;
}

static void inet_aton_matches_libc_on_random_inputs(void **state)
{
	unsigned long n = random_input_count(10000000ul);
	uint64_t seed = seed_random();
	char buf[24];
	unsigned long bad = 0, valid = 0;
	char what[80];
	(void)state;

	for (unsigned long i = 0; i < n && bad < 10; i++) {
		size_t len = random_input(buf, sizeof buf);
		if (!same_as_libc(buf, len, "random"))
			bad++;
		valid += (unsigned long)ok_inet_aton(buf, NULL);
	}
	snprintf(what, sizeof what, "%lu random inputs, %lu valid", n, valid);
	end_random_run(bad, seed, what);
}

static void sockaddr_in_fills_every_field(void **state)
{
	struct sockaddr_in sa;
	static const unsigned char zero[sizeof sa.sin_zero];
	(void)state;

	memset(&sa, 0xAA, sizeof sa);
	assert_int_equal(ok_sockaddr_in(&sa, "10.1.2.3", 4242), 0);
	assert_int_equal(sa.sin_family, AF_INET);
	assert_int_equal(sa.sin_port, htons(4242));
	assert_int_equal(sa.sin_addr.s_addr, htonl(0x0a010203u));
	assert_memory_equal(sa.sin_zero, zero, sizeof zero);

	memset(&sa, 0xAA, sizeof sa);
	assert_int_equal(ok_sockaddr_in(&sa, "127.1", 0), 0);
	assert_int_equal(sa.sin_addr.s_addr, htonl(0x7f000001u));
	assert_int_equal(sa.sin_port, 0);
}

static void sockaddr_in_rejects_bad_addresses(void **state)
{
	struct sockaddr_in sa;
	(void)state;
	assert_int_equal(ok_sockaddr_in(&sa, "1.2.3.256", 80), -1);
	assert_int_equal(ok_sockaddr_in(&sa, "", 80), -1);
	assert_int_equal(ok_sockaddr_in(&sa, "localhost", 80), -1);
	assert_int_equal(ok_sockaddr_in(&sa, NULL, 80), -1);
}

static void port_parser_accepts_the_range(void **state)
{
	uint16_t p = 1;
	const char *why = NULL;
	(void)state;
	assert_int_equal(ok_parse_port("0", &p, &why), 0);
	assert_int_equal(p, 0);
	assert_int_equal(ok_parse_port("4242", &p, &why), 0);
	assert_int_equal(p, 4242);
	assert_int_equal(ok_parse_port("65535", &p, &why), 0);
	assert_int_equal(p, 65535);
	assert_int_equal(ok_parse_port("080", &p, &why), 0);
	assert_int_equal(p, 80);
}

static void port_parser_rejects_everything_else(void **state)
{
	static const struct { const char *in, *why; } cases[] = {
		{ "", "not a number" },        { "-1", "not a number" },  { "+80", "not a number" },
		{ "80x", "not a number" },     { " 80", "not a number" }, { "80 ", "not a number" },
		{ "0x50", "not a number" },    { "8 0", "not a number" }, { "65536", "too large" },
		{ "70000", "too large" },      { "99999999999999999999999999", "too large" },
	};
	uint16_t p = 7;
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *why = NULL;
		assert_int_equal(ok_parse_port(cases[i].in, &p, &why), -1);
		assert_string_equal(why, cases[i].why);
		assert_int_equal(p, 7);
	}
	assert_int_equal(ok_parse_port(NULL, &p, &(const char *){ NULL }), -1);
}

/* The decimal text of ULONG_MAX and of ULONG_MAX + 1: the edge is 2^32 on ILP32, 2^64 on LP64. */
static void ulong_max_text(char *max, char *over, size_t size)
{
	size_t i;

	snprintf(max, size, "%lu", ~0ul);
	snprintf(over, size, "0%lu", ~0ul);
	for (i = strlen(over); i-- > 0 && over[i] == '9';)
		over[i] = '0';
	over[i]++;
	if (over[0] == '0')
		memmove(over, over + 1, strlen(over));
}

static void number_parser_checks_min_and_max(void **state)
{
	unsigned long v = 0;
	const char *why = NULL;
	char max[32], over[32];
	(void)state;
	assert_int_equal(ok_parse_number("5", 1, 10, &v, &why), 0);
	assert_int_equal(v, 5);
	assert_int_equal(ok_parse_number("0", 1, 10, &v, &why), -1);
	assert_string_equal(why, "too small");
	assert_int_equal(ok_parse_number("11", 1, 10, &v, &why), -1);
	assert_string_equal(why, "too large");
	ulong_max_text(max, over, sizeof max);
	if (sizeof(unsigned long) == 8)
		assert_string_equal(over, "18446744073709551616");
	else
		assert_string_equal(over, "4294967296");
	assert_int_equal(ok_parse_number(max, 0, ~0ul, &v, &why), 0);
	assert_true(v == ~0ul);
	assert_int_equal(ok_parse_number(over, 0, ~0ul, &v, &why), -1);
	assert_string_equal(why, "too large");
}

static void address_formatter_edges(void **state)
{
	struct sockaddr_in sa;
	char buf[OK_ADDRSTRLEN], small[8];
	(void)state;
	ok_sockaddr_in(&sa, "127.0.0.1", 4242);
	assert_string_equal(ok_format_addr(&sa, buf, sizeof buf), "127.0.0.1:4242");
	ok_sockaddr_in(&sa, "255.255.255.255", 65535);
	assert_string_equal(ok_format_addr(&sa, buf, sizeof buf), "255.255.255.255:65535");
	ok_sockaddr_in(&sa, "0", 0);
	assert_string_equal(ok_format_addr(&sa, buf, sizeof buf), "0.0.0.0:0");
	ok_sockaddr_in(&sa, "10.20.30.40", 80);
	assert_string_equal(ok_format_addr(&sa, small, sizeof small), "10.20.3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(htons_matches_libc_for_every_value),
		cmocka_unit_test(htonl_matches_libc),
		cmocka_unit_test(inet_aton_matches_libc_on_tricky_inputs),
		cmocka_unit_test(inet_aton_known_values),
		cmocka_unit_test(inet_aton_matches_libc_on_random_inputs),
		cmocka_unit_test(sockaddr_in_fills_every_field),
		cmocka_unit_test(sockaddr_in_rejects_bad_addresses),
		cmocka_unit_test(port_parser_accepts_the_range),
		cmocka_unit_test(port_parser_rejects_everything_else),
		cmocka_unit_test(number_parser_checks_min_and_max),
		cmocka_unit_test(address_formatter_edges),
	};
	return cmocka_run_group_tests_name("netaddr", tests, NULL, NULL);
}
