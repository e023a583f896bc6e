/* test_cidr.c - common/cidr: ok_inet_pton4 against glibc, every corner of a network's text. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <cmocka.h>

#include "cidr.h"
#include "netaddr.h"
#include "random_inputs.h"

/* Ours and glibc's inet_pton(AF_INET) agree on s: the verdict, and the bytes when valid. */
static int pton4_agrees(const char *s)
{
	struct in_addr ours, glibc;
	int r_ours, r_glibc;

	memset(&ours, 0x5a, sizeof ours);
	memset(&glibc, 0x5a, sizeof glibc);
	r_ours = ok_inet_pton4(s, &ours);
	r_glibc = inet_pton(AF_INET, s, &glibc);
	return r_ours == r_glibc && memcmp(&ours, &glibc, sizeof ours) == 0;
}

static void pton4_corners_match_glibc(void **state)
{
	static const char *const inputs[] = {
		"0.0.0.0", "255.255.255.255", "1.2.3.4", "127.0.0.1", "10.0.0.1",
		"01.2.3.4", "1.02.3.4", "1.2.3.00", "0.0.0.00", "00.0.0.0", "256.0.0.0", "1.2.3.256",
		"1.2.3", "1.2", "1", "", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4 ",
		" 1.2.3.4", "0x1.2.3.4", "1.2.3.4x", "+1.2.3.4", "-1.2.3.4", "1.2.3.-4", "1.2.3.4\n",
		"999.1.1.1", "1000.1.1.1", "4294967295", "0177.0.0.1", "1.2.3.4/8", "::1",
		"::ffff:1.2.3.4", "1.2.3.4%eth0", "12345678901234567890.1.1.1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		if (!pton4_agrees(inputs[i]))
			fail_msg("ok_inet_pton4 and inet_pton disagree on \"%s\"", inputs[i]);
	}
}

/* Random strings over the bytes that matter ("0-9", '.', and a few strangers), against glibc. */
static void pton4_random_inputs_match_glibc(void **state)
{
	static const char alphabet[] = "0123456789.....0012x /-";
	uint64_t seed = seed_random();
	unsigned long n = random_input_count(1000000) / 4 + 1, differences = 0;
	char s[24];

	(void)state;
	for (unsigned long i = 0; i < n; i++) {
		size_t len = next_random() % 20;
		for (size_t k = 0; k < len; k++)
			s[k] = alphabet[next_random() % (sizeof alphabet - 1)];
		s[len] = '\0';
		if (!pton4_agrees(s) && differences++ < 5)
			print_error("differs: \"%s\"\n", s);
	}
	end_random_run(differences, seed, "ok_inet_pton4 agreed with inet_pton on random inputs");
}

/* text parses to family, bits and the address text (ok_cidr_format's). */
static void expect_cidr(const char *text, int family, unsigned bits, const char *formatted)
{
	struct ok_cidr c;
	struct ok_err e = { 0 };
	char buf[OK_CIDR_STRLEN];

	if (ok_cidr_parse(text, &c, &e) != 0)
		fail_msg("\"%s\" refused: %s", text, e.msg);
	assert_int_equal(c.family, family);
	assert_int_equal(c.bits, bits);
	assert_string_equal(ok_cidr_format(&c, buf, sizeof buf), formatted);
}

static void expect_refused(const char *text, const char *msg)
{
	struct ok_cidr c;
	struct ok_err e = { 0 };

	memset(&c, 0x5a, sizeof c);
	assert_int_equal(ok_cidr_parse(text, &c, &e), -1);
	assert_string_equal(e.msg, msg);
	assert_int_equal(c.family, 0x5a5a5a5a); /* untouched */
}

static void ipv4_networks_parse(void **state)
{
	(void)state;
	expect_cidr("10.0.0.0/8", AF_INET, 8, "10.0.0.0/8");
	expect_cidr("0.0.0.0/0", AF_INET, 0, "0.0.0.0/0");
	expect_cidr("1.2.3.4", AF_INET, 32, "1.2.3.4/32");
	expect_cidr("1.2.3.4/32", AF_INET, 32, "1.2.3.4/32");
	expect_cidr("255.255.255.255", AF_INET, 32, "255.255.255.255/32");
	expect_cidr("192.168.128.0/17", AF_INET, 17, "192.168.128.0/17");
	expect_cidr("10.0.0.0/7", AF_INET, 7, "10.0.0.0/7"); /* 10 is 0000 1010: bit 8 is clear */
	expect_cidr("0.0.0.0", AF_INET, 32, "0.0.0.0/32");
}

static void ipv6_networks_parse(void **state)
{
	(void)state;
	expect_cidr("::/0", AF_INET6, 0, "::/0");
	expect_cidr("::1", AF_INET6, 128, "::1/128");
	expect_cidr("2001:db8::/32", AF_INET6, 32, "2001:db8::/32");
	expect_cidr("2001:DB8::/32", AF_INET6, 32, "2001:db8::/32");
	expect_cidr("fe80::/10", AF_INET6, 10, "fe80::/10");
	expect_cidr("2001:db8:0:1::/64", AF_INET6, 64, "2001:db8:0:1::/64");
	expect_cidr("::ffff:10.0.0.0/104", AF_INET6, 104, "::ffff:10.0.0.0/104"); /* as written */
	expect_cidr("::ffff:0:0/96", AF_INET6, 96, "::ffff:0.0.0.0/96");
	expect_cidr("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", AF_INET6, 128,
	            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	expect_cidr("::/128", AF_INET6, 128, "::/128");
	expect_cidr("8000::/1", AF_INET6, 1, "8000::/1");
}

static void bits_beyond_the_prefix_are_an_error(void **state)
{
	(void)state;
	expect_refused("10.0.0.1/8", "10.0.0.1/8: bits set beyond the /8 prefix");
	expect_refused("11.0.0.0/7", "11.0.0.0/7: bits set beyond the /7 prefix");
	expect_refused("1.2.3.4/0", "1.2.3.4/0: bits set beyond the /0 prefix");
	expect_refused("192.168.1.1/31", "192.168.1.1/31: bits set beyond the /31 prefix");
	expect_refused("2001:db8::1/64", "2001:db8::1/64: bits set beyond the /64 prefix");
	expect_refused("::1/127", "::1/127: bits set beyond the /127 prefix");
	expect_refused("8000::/0", "8000::/0: bits set beyond the /0 prefix");
	expect_refused("::ffff:10.0.0.1/104", "::ffff:10.0.0.1/104: bits set beyond the /104 prefix");
}

static void bad_addresses_are_refused(void **state)
{
	static const char v4[] = ": not an IPv4 address (four decimal parts of 0-255)";
	static const char *const ipv4[] = {
		"01.2.3.4", "1.2.3.04", "1.2.3", "1", "1.2.3.4.5", "256.0.0.0", "0x7f.0.0.1",
		" 1.2.3.4", "1.2.3.4 ", "+1.2.3.4", "1.2.3.4x", "localhost", "1..2.3", "/8",
	};
	char want[160];

	(void)state;
	for (size_t i = 0; i < sizeof ipv4 / sizeof ipv4[0]; i++) {
		snprintf(want, sizeof want, "%s%s", ipv4[i], v4);
		expect_refused(ipv4[i], want);
	}
	expect_refused("[::1]/64", "[::1]/64: not an IPv6 address");
	expect_refused("[::1]", "[::1]: not an IPv6 address");
	expect_refused("fe80::1%eth0", "fe80::1%eth0: not an IPv6 address");
	expect_refused(":::/0", ":::/0: not an IPv6 address");
	expect_refused("1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:9: not an IPv6 address");
	expect_refused("::1 /64", "::1 /64: not an IPv6 address");
	expect_refused("", "an empty network (ADDRESS or ADDRESS/LENGTH)");
}

static void bad_prefix_lengths_are_refused(void **state)
{
	(void)state;
	expect_refused("1.2.3.4/33", "1.2.3.4/33: prefix length over 32");
	expect_refused("1.2.3.4/4294967328", "1.2.3.4/4294967328: prefix length over 32");
	expect_refused("::/129", "::/129: prefix length over 128");
	expect_refused("::/1000", "::/1000: prefix length over 128");
	expect_refused("1.2.3.4/", "1.2.3.4/: no prefix length after the '/'");
	expect_refused("10.0.0.0/08", "10.0.0.0/08: prefix length has a leading zero");
	expect_refused("::/00", "::/00: prefix length has a leading zero");
	expect_refused("1.2.3.4/-1", "1.2.3.4/-1: prefix length is not a decimal number");
	expect_refused("1.2.3.4/+8", "1.2.3.4/+8: prefix length is not a decimal number");
	expect_refused("1.2.3.4/ 8", "1.2.3.4/ 8: prefix length is not a decimal number");
	expect_refused("1.2.3.4/8 ", "1.2.3.4/8 : prefix length is not a decimal number");
	expect_refused("1.2.3.4/0x8", "1.2.3.4/0x8: prefix length is not a decimal number");
	expect_refused("10.0.0.0/8/8", "10.0.0.0/8/8: prefix length is not a decimal number");
}

/* What a message repeats of its input: 80 bytes at most, unprintable bytes as '?'. */
static void messages_repeat_the_input_safely(void **state)
{
	struct ok_cidr c;
	struct ok_err e = { 0 };
	char text[200], want[200];

	(void)state;
	memset(text, '1', 150);
	text[150] = '\0';
	assert_int_equal(ok_cidr_parse(text, &c, &e), -1);
	snprintf(want, sizeof want, "%.80s...: not an IPv4 address (four decimal parts of 0-255)", text);
	assert_string_equal(e.msg, want);
	expect_refused("1.2.3.4/\x1b[2J", "1.2.3.4/?[2J: prefix length is not a decimal number");
	expect_refused("\t1.2.3.4", "?1.2.3.4: not an IPv4 address (four decimal parts of 0-255)");
}

static void parse_mem_reads_only_its_bytes(void **state)
{
	struct ok_cidr c;
	struct ok_err e = { 0 };
	char buf[OK_CIDR_STRLEN];

	(void)state;
	assert_int_equal(ok_cidr_parse_mem("10.0.0.0/8 and more", 10, &c, &e), 0);
	assert_string_equal(ok_cidr_format(&c, buf, sizeof buf), "10.0.0.0/8");
	assert_int_equal(ok_cidr_parse_mem("1.2.3.4", 5, &c, &e), -1); /* "1.2.3" */
	assert_int_equal(ok_cidr_parse_mem("1.2.3.4\0/8", 10, &c, &e), -1);
	assert_string_equal(e.msg, "1.2.3.4?/8: not an IPv4 address (four decimal parts of 0-255)");
	assert_int_equal(ok_cidr_parse_mem("::\0", 3, &c, &e), -1);
	assert_int_equal(ok_cidr_parse_mem("::1", 3, &c, &e), 0);
}

static void mapped_networks_unmap_to_ipv4(void **state)
{
	struct ok_cidr c;
	struct ok_err e = { 0 };
	char buf[OK_CIDR_STRLEN];

	(void)state;
	assert_int_equal(ok_cidr_parse("::ffff:10.0.0.0/104", &c, &e), 0);
	assert_int_equal(ok_cidr_unmap(&c), 1);
	assert_string_equal(ok_cidr_format(&c, buf, sizeof buf), "10.0.0.0/8");
	assert_int_equal(ok_cidr_parse("::ffff:0:0/96", &c, &e), 0);
	assert_int_equal(ok_cidr_unmap(&c), 1);
	assert_string_equal(ok_cidr_format(&c, buf, sizeof buf), "0.0.0.0/0");
	assert_int_equal(ok_cidr_parse("::ffff:1.2.3.4", &c, &e), 0);
	assert_int_equal(ok_cidr_unmap(&c), 1);
	assert_string_equal(ok_cidr_format(&c, buf, sizeof buf), "1.2.3.4/32");
	assert_int_equal(ok_cidr_unmap(&c), 0); /* IPv4 already */
	/* Wider than the mapped range (::fffe:0:0/95 holds it), or beside it: left alone. */
	assert_int_equal(ok_cidr_parse("::/80", &c, &e), 0);
	assert_int_equal(ok_cidr_unmap(&c), 0);
	assert_int_equal(ok_cidr_parse("::fffe:0:0/95", &c, &e), 0);
	assert_int_equal(ok_cidr_unmap(&c), 0);
	assert_int_equal(ok_cidr_parse("::fffe:0:0/96", &c, &e), 0);
	assert_int_equal(ok_cidr_unmap(&c), 0);
	assert_int_equal(ok_cidr_parse("64:ff9b::1.2.3.4", &c, &e), 0); /* NAT64: not mapped */
	assert_int_equal(ok_cidr_unmap(&c), 0);
}

static void peers_become_networks_of_one(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	struct ok_cidr c;
	char buf[OK_CIDR_STRLEN];

	(void)state;
	assert_int_equal(ok_sockaddr_in(&sin, "192.0.2.7", 4242), 0);
	assert_int_equal(ok_cidr_of_peer(&c, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_string_equal(ok_cidr_format(&c, buf, sizeof buf), "192.0.2.7/32");
	assert_int_equal(ok_sockaddr_in6(&sin6, "2001:db8::7", 4242), 0);
	assert_int_equal(ok_cidr_of_peer(&c, (struct sockaddr *)&sin6, sizeof sin6), 0);
	assert_string_equal(ok_cidr_format(&c, buf, sizeof buf), "2001:db8::7/128");
	assert_int_equal(ok_sockaddr_in6(&sin6, "::ffff:192.0.2.7", 4242), 0);
	assert_int_equal(ok_cidr_of_peer(&c, (struct sockaddr *)&sin6, sizeof sin6), 0);
	assert_int_equal(c.family, AF_INET);
	assert_string_equal(ok_cidr_format(&c, buf, sizeof buf), "192.0.2.7/32");
	/* Too short for its family, or not IP at all. */
	assert_int_equal(ok_cidr_of_peer(&c, (struct sockaddr *)&sin6, sizeof sin), -1);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	assert_int_equal(ok_cidr_of_peer(&c, (struct sockaddr *)&sun, sizeof sun), -1);
}

static struct ok_cidr cidr(const char *text)
{
	struct ok_cidr c;
	struct ok_err e = { 0 };

	if (ok_cidr_parse(text, &c, &e) != 0)
		fail_msg("%s", e.msg);
	return c;
}

static void contains_and_truncate(void **state)
{
	struct ok_cidr c = cidr("2001:db8:ffff:ffff::1"), n10 = cidr("10.0.0.0/8");
	struct ok_cidr a = cidr("10.200.3.4"), b = cidr("11.0.0.1");
	char buf[OK_CIDR_STRLEN];

	(void)state;
	assert_true(ok_cidr_contains(&n10, &a));
	assert_false(ok_cidr_contains(&n10, &b));
	assert_true(ok_cidr_contains(&n10, &n10));
	assert_false(ok_cidr_contains(&a, &n10));    /* a /32 never holds a /8 */
	assert_false(ok_cidr_contains(&n10, &c));    /* families differ */
	ok_cidr_truncate(&c, 33);
	assert_string_equal(ok_cidr_format(&c, buf, sizeof buf), "2001:db8:8000::/33");
	ok_cidr_truncate(&c, 200);                   /* never longer than it is */
	assert_int_equal(c.bits, 33);
	ok_cidr_truncate(&a, 12);
	assert_string_equal(ok_cidr_format(&a, buf, sizeof buf), "10.192.0.0/12");
	ok_cidr_truncate(&a, 0);
	assert_string_equal(ok_cidr_format(&a, buf, sizeof buf), "0.0.0.0/0");
	assert_string_equal(ok_cidr_format(&n10, buf, 5), "10.0"); /* cut like snprintf */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pton4_corners_match_glibc),
		cmocka_unit_test(pton4_random_inputs_match_glibc),
		cmocka_unit_test(ipv4_networks_parse),
		cmocka_unit_test(ipv6_networks_parse),
		cmocka_unit_test(bits_beyond_the_prefix_are_an_error),
		cmocka_unit_test(bad_addresses_are_refused),
		cmocka_unit_test(bad_prefix_lengths_are_refused),
		cmocka_unit_test(messages_repeat_the_input_safely),
		cmocka_unit_test(parse_mem_reads_only_its_bytes),
		cmocka_unit_test(mapped_networks_unmap_to_ipv4),
		cmocka_unit_test(peers_become_networks_of_one),
		cmocka_unit_test(contains_and_truncate),
	};

	return cmocka_run_group_tests_name("cidr", tests, NULL, NULL);
}
