/* test_proxy.c - server/proxy: every example of the PROXY protocol specification, cut anywhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../server/proxy.h" /* the Makefile adds only -Icommon */
#include "netaddr.h"

/* What feeding a whole input produced. */
struct outcome {
	enum ok_proxy_status status;
	size_t used;
	const char *why;
	struct ok_proxy_header h;
};

/* Feeds in[0..n) in pieces of step bytes (0: at once), as reads would bring them. */
static struct outcome feed(const unsigned char *in, size_t n, size_t step)
{
	struct ok_proxy p;
	struct outcome o = { OK_PROXY_MORE, 0, NULL, { 0 } };
	size_t off = 0, used;

	ok_proxy_init(&p);
	while (off < n) {
		size_t piece = step == 0 || n - off < step ? n - off : step;
		enum ok_proxy_status st = ok_proxy_feed(&p, in + off, piece, &used);
		assert_true(used <= piece);
		o.used += used;
		off += used;
		if (st != OK_PROXY_MORE) {
			assert_int_equal(ok_proxy_feed(&p, in + off, n - off, &used), st); /* sticky */
			assert_int_equal(used, 0);
			break;
		}
		assert_int_equal(used, piece); /* MORE takes everything it was given */
	}
	o.status = p.status;
	o.why = p.why;
	o.h = p.header;
	if (o.status == OK_PROXY_DONE)
		assert_int_equal(p.taken, o.used);
	return o;
}

static void assert_same(const struct outcome *a, const struct outcome *b, const char *how)
{
	if (a->status != b->status || a->used != b->used || a->why != b->why ||
	    memcmp(&a->h, &b->h, sizeof a->h) != 0)
		fail_msg("fed %s: status %d used %zu, whole: status %d used %zu", how, b->status,
		         b->used, a->status, a->used);
}

/* The outcome of in fed whole; fed byte by byte and cut in two at every point, it is the same. */
static struct outcome run(const void *in, size_t n)
{
	struct outcome whole = feed(in, n, 0), other;

	other = feed(in, n, 1);
	assert_same(&whole, &other, "byte by byte");
	for (size_t cut = 1; cut < n && n <= 400; cut++) {
		struct ok_proxy p;
		size_t u1, u2 = 0;
		enum ok_proxy_status st;

		ok_proxy_init(&p);
		st = ok_proxy_feed(&p, in, cut, &u1);
		if (st == OK_PROXY_MORE)
			ok_proxy_feed(&p, (const unsigned char *)in + cut, n - cut, &u2);
		other.status = p.status;
		other.used = u1 + u2;
		other.why = p.why;
		other.h = p.header;
		assert_same(&whole, &other, "in two pieces");
	}
	return whole;
}

static const char *name(const struct sockaddr_storage *ss, socklen_t len, char *buf)
{
	return ok_format_sockaddr((const struct sockaddr *)ss, len, buf, OK_SOCKADDR_STRLEN);
}

/* in (n bytes, or a string) is a header of used bytes relaying src to dst. */
static void expect_relayed(const void *in, size_t n, size_t used, int version, const char *src,
                           const char *dst)
{
	struct outcome o = run(in, n);
	char buf[OK_SOCKADDR_STRLEN];

	if (o.status != OK_PROXY_DONE)
		fail_msg("status %d (%s), not DONE", o.status, o.why ? o.why : "");
	assert_int_equal(o.used, used);
	assert_int_equal(o.h.version, version);
	assert_int_equal(o.h.keep_peer, 0);
	assert_string_equal(name(&o.h.src, o.h.src_len, buf), src);
	assert_string_equal(name(&o.h.dst, o.h.dst_len, buf), dst);
}

static void expect_kept(const void *in, size_t n, size_t used, int version)
{
	struct outcome o = run(in, n);

	if (o.status != OK_PROXY_DONE)
		fail_msg("status %d (%s), not DONE", o.status, o.why ? o.why : "");
	assert_int_equal(o.used, used);
	assert_int_equal(o.h.version, version);
	assert_int_equal(o.h.keep_peer, 1);
}

static void expect_invalid(const void *in, size_t n, size_t used, const char *why)
{
	struct outcome o = run(in, n);

	if (o.status != OK_PROXY_INVALID)
		fail_msg("status %d, not INVALID (%s)", o.status, why);
	assert_int_equal(o.used, used);
	assert_string_equal(o.why, why);
}

static void expect_more(const void *in, size_t n)
{
	struct outcome o = run(in, n);

	assert_int_equal(o.status, OK_PROXY_MORE);
	assert_int_equal(o.used, n);
}

/* Copies the bytes of s, without its NUL, to dst. */
static void put(void *dst, const char *s)
{
	unsigned char *d = dst;

	while (*s != '\0')
		*d++ = (unsigned char)*s++;
}

#define S(text) (text), sizeof (text) - 1

/* --- version 1 --- */

/* The specification's example: a TCP4 line before an HTTP request, which is left alone. */
static void v1_example_before_an_http_request(void **state)
{
	static const char in[] = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"
	                         "GET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n";

	(void)state;
	expect_relayed(S(in), 47, 1, "192.168.0.1:56324", "192.168.0.11:443");
}

/* The specification's longest lines: 56, 104, 15 and 107 bytes. */
static void v1_longest_lines_of_each_kind(void **state)
{
	static const char tcp4[] = "PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n";
	static const char tcp6[] = "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	                           "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";
	static const char unknown_short[] = "PROXY UNKNOWN\r\n";
	static const char unknown_long[] = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	                                   "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";

	(void)state;
	assert_int_equal(sizeof tcp4 - 1, 56);
	assert_int_equal(sizeof tcp6 - 1, 104);
	assert_int_equal(sizeof unknown_short - 1, 15);
	assert_int_equal(sizeof unknown_long - 1, OK_PROXY_V1_MAX);
	expect_relayed(S(tcp4), 56, 1, "255.255.255.255:65535", "255.255.255.255:65535");
	expect_relayed(S(tcp6), 104, 1, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
	               "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	expect_kept(S(unknown_short), 15, 1);
	expect_kept(S(unknown_long), 107, 1);
}

/* No CRLF in the first 107 bytes: refused at the 107th, whatever follows. */
static void v1_without_crlf_in_107_bytes(void **state)
{
	char in[200];

	(void)state;
	memset(in, 'x', sizeof in);
	put(in, "PROXY UNKNOWN ");
	expect_invalid(in, sizeof in, 107, "PROXY v1: no CRLF within 107 bytes");
	put(in + 105, "\r\n"); /* the CRLF as bytes 106 and 107: just fits */
	expect_kept(in, sizeof in, 107, 1);
	put(in + 105, "x\r\n"); /* one byte later: too late */
	expect_invalid(in, sizeof in, 107, "PROXY v1: no CRLF within 107 bytes");
	expect_more(in, 106);
}

static void v1_needs_crlf_exactly(void **state)
{
	(void)state;
	expect_invalid(S("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"), 31,
	               "PROXY v1: line ends in LF without CR");
	expect_invalid(S("PROXY UNKNOWN\n"), 14, "PROXY v1: line ends in LF without CR");
	/* A lone CR is no end: it stays in the last field, which is then not a port. */
	expect_invalid(S("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rGET\r\n"), 36,
	               "PROXY v1: bad destination port");
	expect_more(S("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r"));
	expect_more(S("PROXY TCP4 1.2.3.4 5.6.7.8 1 2"));
}

static void v1_unknown_ignores_the_rest_of_its_line(void **state)
{
	(void)state;
	expect_kept(S("PROXY UNKNOWN\r\nPING\n"), 15, 1);
	expect_kept(S("PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n"), 35, 1);
	expect_kept(S("PROXY UNKNOWN anything at all, even \r in it\r\n"), 45, 1);
	expect_invalid(S("PROXY UNKNOWNX\r\n"), 16, "PROXY v1: not five fields apart by single spaces");
	expect_invalid(S("PROXY unknown\r\n"), 15, "PROXY v1: not five fields apart by single spaces");
}

static void v1_fields_are_exact(void **state)
{
	(void)state;
	expect_relayed(S("PROXY TCP4 0.0.0.0 10.0.0.1 0 1\r\n"), 33, 1, "0.0.0.0:0", "10.0.0.1:1");
	expect_relayed(S("PROXY TCP6 ::1 2001:DB8::1 1 65535\r\n"), 36, 1, "[::1]:1",
	               "[2001:db8::1]:65535");
	/* A mapped source stays IPv6 here; ok_cidr_of_peer matches it as IPv4. */
	expect_relayed(S("PROXY TCP6 ::ffff:10.0.0.1 ::1 1 2\r\n"), 36, 1, "[::ffff:10.0.0.1]:1",
	               "[::1]:2");
	expect_invalid(S("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n"), 33,
	               "PROXY v1: not five fields apart by single spaces");
	expect_invalid(S("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n"), 33,
	               "PROXY v1: not five fields apart by single spaces");
	expect_invalid(S("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"), 30,
	               "PROXY v1: not five fields apart by single spaces");
	expect_invalid(S("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n"), 34,
	               "PROXY v1: not five fields apart by single spaces");
	expect_invalid(S("PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n"), 32,
	               "PROXY v1: not five fields apart by single spaces");
	expect_invalid(S("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n"), 32,
	               "PROXY v1: protocol is not TCP4, TCP6 or UNKNOWN");
	expect_invalid(S("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n"), 32,
	               "PROXY v1: protocol is not TCP4, TCP6 or UNKNOWN");
	expect_invalid(S("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n"), 32,
	               "PROXY v1: protocol is not TCP4, TCP6 or UNKNOWN");
}

static void v1_addresses_match_their_family_strictly(void **state)
{
	(void)state;
	/* Leading zeros could be octal: refused, in addresses and ports alike. */
	expect_invalid(S("PROXY TCP4 192.168.000.1 5.6.7.8 1 2\r\n"), 38,
	               "PROXY v1: bad source address");
	expect_invalid(S("PROXY TCP4 1.2.3.4 05.6.7.8 1 2\r\n"), 33,
	               "PROXY v1: bad destination address");
	expect_invalid(S("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"), 33, "PROXY v1: bad source port");
	expect_invalid(S("PROXY TCP4 1.2.3.4 5.6.7.8 1 0443\r\n"), 35,
	               "PROXY v1: bad destination port");
	expect_invalid(S("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n"), 36, "PROXY v1: bad source port");
	expect_invalid(S("PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n"), 33, "PROXY v1: bad source port");
	expect_invalid(S("PROXY TCP4 1.2.3.4 5.6.7.8 1 100000\r\n"), 37,
	               "PROXY v1: bad destination port");
	/* Shorthand, the other family, brackets, zone ids. */
	expect_invalid(S("PROXY TCP4 127.1 5.6.7.8 1 2\r\n"), 30, "PROXY v1: bad source address");
	expect_invalid(S("PROXY TCP4 ::1 ::1 1 2\r\n"), 24, "PROXY v1: bad source address");
	expect_invalid(S("PROXY TCP6 1.2.3.4 ::1 1 2\r\n"), 28, "PROXY v1: bad source address");
	expect_invalid(S("PROXY TCP6 [::1] ::1 1 2\r\n"), 26, "PROXY v1: bad source address");
	expect_invalid(S("PROXY TCP6 ::1 fe80::1%lo 1 2\r\n"), 31,
	               "PROXY v1: bad destination address");
	expect_invalid(S("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n"), 38,
	               "PROXY v1: bad source address");
	expect_invalid(S("PROXY TCP4 1.2.3.4\0 5.6.7.8 1 2\r\n"), 33, "PROXY v1: bad source address");
}

/* The detection rule: "PROXY" and a space, or v2's signature; anything else is refused at once. */
static void other_protocols_are_refused_at_their_first_wrong_byte(void **state)
{
	static const char tls[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";

	(void)state;
	expect_invalid(S("GET / HTTP/1.1\r\n"), 1, "not a PROXY protocol header");
	expect_invalid(S("PING\n"), 2, "not a PROXY protocol header");
	expect_invalid(S("PROXYTCP4 1.2.3.4 5.6.7.8 1 2\r\n"), 6, "not a PROXY protocol header");
	expect_invalid(S("proxy TCP4\r\n"), 1, "not a PROXY protocol header");
	expect_invalid(S(tls), 1, "not a PROXY protocol header");
	expect_invalid(S("\r\n\r\nGET"), 5, "not a PROXY protocol header");
	expect_invalid(S("\n"), 1, "not a PROXY protocol header");
	expect_invalid(S("QUIT\r\n"), 1, "not a PROXY protocol header");
	expect_more(S("PROX"));
	expect_more(S(""));
}

/* --- version 2 --- */

static const unsigned char sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

/* A v2 header: the signature, ver_cmd, fam, the length of body, body; then tail. Its size. */
static size_t v2(unsigned char *out, unsigned ver_cmd, unsigned fam, const void *body,
                 size_t body_len, const char *tail)
{
	memcpy(out, sig, 12);
	out[12] = (unsigned char)ver_cmd;
	out[13] = (unsigned char)fam;
	out[14] = (unsigned char)(body_len >> 8);
	out[15] = (unsigned char)body_len;
	memcpy(out + 16, body, body_len);
	put(out + 16 + body_len, tail);
	return 16 + body_len + strlen(tail);
}

/* The address blocks of the specification's union proxy_addr. */
static const unsigned char ipv4_block[12] = {
	192, 168, 0, 1, 192, 168, 0, 11, 0xdc, 0x04, 0x01, 0xbb /* 56324, 443 */
};
static const unsigned char ipv6_block[36] = {
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	0x30, 0x39, 0x00, 0x50 /* 12345, 80 */
};

static void v2_tcp_over_ipv4_and_ipv6(void **state)
{
	unsigned char in[600];
	size_t n;

	(void)state;
	n = v2(in, 0x21, 0x11, ipv4_block, sizeof ipv4_block, "PING\r\n");
	expect_relayed(in, n, 28, 2, "192.168.0.1:56324", "192.168.0.11:443");
	n = v2(in, 0x21, 0x21, ipv6_block, sizeof ipv6_block, "PING\r\n");
	expect_relayed(in, n, 52, 2, "[2001:db8::1]:12345", "[2001:db8::2]:80");
	expect_more(in, 51);
}

/* LOCAL: a health check of the proxy's own; the address block, if any, is skipped unread, and
 * the family byte is ignored. */
static void v2_local_keeps_the_real_peer(void **state)
{
	unsigned char in[600];
	size_t n;

	(void)state;
	n = v2(in, 0x20, 0x00, "", 0, "PING\n");
	expect_kept(in, n, 16, 2);
	n = v2(in, 0x20, 0x11, ipv4_block, sizeof ipv4_block, "PING\n");
	expect_kept(in, n, 28, 2);
	n = v2(in, 0x20, 0xff, ipv4_block, 5, "");
	expect_kept(in, n, 21, 2);
}

/* The families a receiver need not support: UNSPEC, UDP, Unix sockets. Each keeps the peer. */
static void v2_other_families_keep_the_real_peer(void **state)
{
	unsigned char in[600], unix_block[216];
	size_t n;

	(void)state;
	memset(unix_block, 0, sizeof unix_block);
	put(unix_block, "/run/client.sock");
	put(unix_block + 108, "/run/server.sock");
	n = v2(in, 0x21, 0x00, "", 0, "x");
	expect_kept(in, n, 16, 2);
	n = v2(in, 0x21, 0x12, ipv4_block, sizeof ipv4_block, "x");
	expect_kept(in, n, 28, 2);
	n = v2(in, 0x21, 0x22, ipv6_block, sizeof ipv6_block, "x");
	expect_kept(in, n, 52, 2);
	n = v2(in, 0x21, 0x31, unix_block, sizeof unix_block, "x");
	expect_kept(in, n, 232, 2);
	n = v2(in, 0x21, 0x32, unix_block, sizeof unix_block, "x");
	expect_kept(in, n, 232, 2);
}

/* TLVs after the addresses, as HAProxy sends them: counted in the length, skipped. */
static void v2_tlvs_are_skipped(void **state)
{
	static const unsigned char tlvs[] = {
		0x01, 0x00, 0x02, 'h', '2',                                     /* ALPN */
		0x02, 0x00, 0x0b, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm', /* AUTHORITY */
		0x03, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,                       /* CRC32C, unchecked */
		0x04, 0x00, 0x03, 0, 0, 0,                                      /* NOOP */
		0x05, 0x00, 0x02, 0x12, 0x34,                                   /* UNIQUE_ID */
		0x20, 0x00, 0x0d, 0x01, 0, 0, 0, 0,                             /* SSL: client, verify */
		0x21, 0x00, 0x05, 'T', 'L', 'S', 'v', '3',                      /*  SSL_VERSION */
		0x30, 0x00, 0x02, 'n', 's',                                     /* NETNS */
		0xe0, 0x00, 0x00,                                               /* custom, empty */
	};
	unsigned char body[sizeof ipv4_block + sizeof tlvs], in[600];
	size_t n;

	(void)state;
	memcpy(body, ipv4_block, sizeof ipv4_block);
	memcpy(body + sizeof ipv4_block, tlvs, sizeof tlvs);
	n = v2(in, 0x21, 0x11, body, sizeof body, "PING\r\n");
	expect_relayed(in, n, 16 + sizeof body, 2, "192.168.0.1:56324", "192.168.0.11:443");
	/* Bytes after the addresses need not even be well-formed TLVs: skipped all the same. */
	n = v2(in, 0x21, 0x11, body, sizeof ipv4_block + 2, "");
	expect_relayed(in, n, 30, 2, "192.168.0.1:56324", "192.168.0.11:443");
}

/* The longest header there is: 16 + 65535 bytes, addresses then TLVs, fed in pieces. */
static void v2_longest_header_is_skipped_without_storing_it(void **state)
{
	size_t n = 16 + 65535 + 4;
	unsigned char *in = malloc(n);
	struct outcome o;
	char buf[OK_SOCKADDR_STRLEN];

	(void)state;
	assert_non_null(in);
	memset(in, 0xab, n);
	memcpy(in, sig, 12);
	put(in + 12, "\x21\x21\xff\xff");
	memcpy(in + 16, ipv6_block, sizeof ipv6_block);
	for (size_t step = 0; step <= 4096; step = step ? step * 4 : 1) {
		o = feed(in, n, step);
		assert_int_equal(o.status, OK_PROXY_DONE);
		assert_int_equal(o.used, 16 + 65535);
		assert_string_equal(name(&o.h.src, o.h.src_len, buf), "[2001:db8::1]:12345");
	}
	free(in);
}

static void v2_wrong_version_command_family_or_length(void **state)
{
	unsigned char in[600];
	size_t n;

	(void)state;
	n = v2(in, 0x11, 0x11, ipv4_block, sizeof ipv4_block, "");
	expect_invalid(in, n, 13, "PROXY v2: version is not 2");
	n = v2(in, 0x31, 0x11, ipv4_block, sizeof ipv4_block, "");
	expect_invalid(in, n, 13, "PROXY v2: version is not 2");
	n = v2(in, 0x22, 0x11, ipv4_block, sizeof ipv4_block, "");
	expect_invalid(in, n, 13, "PROXY v2: command is neither LOCAL nor PROXY");
	n = v2(in, 0x2f, 0x11, ipv4_block, sizeof ipv4_block, "");
	expect_invalid(in, n, 13, "PROXY v2: command is neither LOCAL nor PROXY");
	static const unsigned char bad_fam[] = { 0x01, 0x02, 0x10, 0x13, 0x20, 0x23, 0x30, 0x41, 0xff };
	for (size_t i = 0; i < sizeof bad_fam; i++) {
		n = v2(in, 0x21, bad_fam[i], ipv6_block, sizeof ipv6_block, "");
		expect_invalid(in, n, 14, "PROXY v2: unknown address family or transport");
	}
	n = v2(in, 0x21, 0x11, ipv4_block, 11, "");
	expect_invalid(in, n, 16, "PROXY v2: length shorter than its address block");
	n = v2(in, 0x21, 0x21, ipv6_block, 35, "");
	expect_invalid(in, n, 16, "PROXY v2: length shorter than its address block");
	n = v2(in, 0x21, 0x31, ipv6_block, 36, "");
	expect_invalid(in, n, 16, "PROXY v2: length shorter than its address block");
	n = v2(in, 0x21, 0x11, "", 0, "");
	expect_invalid(in, n, 16, "PROXY v2: length shorter than its address block");
}

/* A wrong byte anywhere in the signature is refused as it arrives. */
static void v2_signature_byte_by_byte(void **state)
{
	unsigned char in[600];
	size_t n = v2(in, 0x21, 0x11, ipv4_block, sizeof ipv4_block, "");

	(void)state;
	for (size_t i = 1; i < 12; i++) {
		in[i] ^= 0x40;
		expect_invalid(in, n, i + 1, "not a PROXY protocol header");
		in[i] ^= 0x40;
	}
	for (size_t i = 1; i < n; i++)
		expect_more(in, i); /* a partial header waits (the caller's deadline ends it) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v1_example_before_an_http_request),
		cmocka_unit_test(v1_longest_lines_of_each_kind),
		cmocka_unit_test(v1_without_crlf_in_107_bytes),
		cmocka_unit_test(v1_needs_crlf_exactly),
		cmocka_unit_test(v1_unknown_ignores_the_rest_of_its_line),
		cmocka_unit_test(v1_fields_are_exact),
		cmocka_unit_test(v1_addresses_match_their_family_strictly),
		cmocka_unit_test(other_protocols_are_refused_at_their_first_wrong_byte),
		cmocka_unit_test(v2_tcp_over_ipv4_and_ipv6),
		cmocka_unit_test(v2_local_keeps_the_real_peer),
		cmocka_unit_test(v2_other_families_keep_the_real_peer),
		cmocka_unit_test(v2_tlvs_are_skipped),
		cmocka_unit_test(v2_longest_header_is_skipped_without_storing_it),
		cmocka_unit_test(v2_wrong_version_command_family_or_length),
		cmocka_unit_test(v2_signature_byte_by_byte),
	};

	return cmocka_run_group_tests_name("proxy", tests, NULL, NULL);
}
