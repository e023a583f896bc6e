/* fuzz_proxy.c - libFuzzer: the PROXY header parser, whole and cut anywhere, against its rules. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "netaddr.h"
#include "../../server/proxy.h" /* the Makefile adds only -Icommon */

/* What one way of feeding the input produced. */
struct outcome {
	enum ok_proxy_status status;
	size_t used;
	const char *why;
	size_t taken;
	struct ok_proxy_header h;
};

_Noreturn static void fail(const char *what)
{
	fprintf(stderr, "fuzz_proxy: %s\n", what);
	abort();
}

static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Feeds in[0..n) in random pieces (seed 0: at once); each call keeps the feed contract. */
static struct outcome feed(const uint8_t *in, size_t n, uint32_t seed)
{
	struct ok_proxy p;
	struct outcome o;
	size_t off = 0, used;

	ok_proxy_init(&p);
	memset(&o, 0, sizeof o);
	while (off < n) {
		size_t piece = seed == 0 ? n - off : 1 + next_rand(&seed) % (n - off);
		enum ok_proxy_status st = ok_proxy_feed(&p, in + off, piece, &used);
		if (used > piece || (st == OK_PROXY_MORE && used != piece))
			fail("feed took more than it was given, or less while still wanting more");
		o.used += used;
		off += used;
		if (st != OK_PROXY_MORE)
			break;
	}
	if (ok_proxy_feed(&p, in + off, n - off, &used) != p.status ||
	    (p.status != OK_PROXY_MORE && used != 0))
		fail("a verdict changed, or bytes were taken after it");
	o.status = p.status;
	o.why = p.why;
	o.taken = p.taken;
	o.h = p.header;
	return o;
}

/* "PROXY TCP4 a.b.c.d a.b.c.d p p\r\n" from the result: the only text that may give it. */
static void check_tcp4_line(const uint8_t *in, const struct outcome *o)
{
	struct sockaddr_in s, d;
	const uint8_t *a, *b;
	char line[OK_PROXY_V1_MAX + 1];
	int n;

	memcpy(&s, &o->h.src, sizeof s);
	memcpy(&d, &o->h.dst, sizeof d);
	a = (const uint8_t *)&s.sin_addr;
	b = (const uint8_t *)&d.sin_addr;
	n = snprintf(line, sizeof line, "PROXY TCP4 %u.%u.%u.%u %u.%u.%u.%u %u %u\r\n", a[0], a[1],
	             a[2], a[3], b[0], b[1], b[2], b[3], ok_ntohs(s.sin_port), ok_ntohs(d.sin_port));
	if ((size_t)n != o->used || memcmp(line, in, o->used) != 0)
		fail("a TCP4 line other than the one its result prints was taken");
}

/* A v1 verdict: a line ending at its first LF, after a CR, within 107 bytes. */
static void check_v1(const uint8_t *in, const struct outcome *o)
{
	const uint8_t *lf = memchr(in, '\n', o->used);

	if (o->used > OK_PROXY_V1_MAX || lf == NULL || lf != in + o->used - 1 || lf[-1] != '\r')
		fail("a v1 header that is not one line ended by CRLF within 107 bytes");
	if (o->h.keep_peer) {
		if (memcmp(in, "PROXY UNKNOWN", 13) != 0 || (in[13] != '\r' && in[13] != ' '))
			fail("a v1 header kept the peer without saying UNKNOWN");
	} else if (memcmp(in, "PROXY TCP4 ", 11) == 0) {
		if (o->h.src.ss_family != AF_INET || o->h.dst.ss_family != AF_INET)
			fail("a TCP4 line gave another family");
		check_tcp4_line(in, o);
	} else if (memcmp(in, "PROXY TCP6 ", 11) != 0 || o->h.src.ss_family != AF_INET6 ||
	           o->h.dst.ss_family != AF_INET6) {
		fail("a v1 header relayed a peer without TCP4 or TCP6 of that family");
	}
}

/* A v2 verdict: the signature, version 2, exactly 16 + length bytes, addresses as sent. */
static void check_v2(const uint8_t *in, const struct outcome *o)
{
	static const uint8_t sig[12] = { 13, 10, 13, 10, 0, 13, 10, 'Q', 'U', 'I', 'T', 10 };
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;

	if (o->used < 16 || memcmp(in, sig, 12) != 0 || (in[12] >> 4) != 2)
		fail("a v2 header without its signature or version");
	if (o->used != 16 + ((size_t)in[14] << 8 | in[15]))
		fail("a v2 header whose length is not 16 + its length field");
	if ((in[12] & 15) > 1)
		fail("a v2 header with a command other than LOCAL or PROXY");
	if (o->h.keep_peer != ((in[12] & 15) == 0 || (in[13] != 0x11 && in[13] != 0x21)))
		fail("a v2 header kept or replaced the peer against its command and family");
	if (o->h.keep_peer)
		return;
	if (in[13] == 0x11) {
		memcpy(&s4, &o->h.src, sizeof s4);
		if (s4.sin_family != AF_INET || memcmp(&s4.sin_addr, in + 16, 4) != 0 ||
		    memcmp(&s4.sin_port, in + 24, 2) != 0)
			fail("a v2 IPv4 source other than the one sent");
	} else {
		memcpy(&s6, &o->h.src, sizeof s6);
		if (s6.sin6_family != AF_INET6 || memcmp(&s6.sin6_addr, in + 16, 16) != 0 ||
		    memcmp(&s6.sin6_port, in + 48, 2) != 0)
			fail("a v2 IPv6 source other than the one sent");
	}
}

static void check(const uint8_t *in, size_t n, const struct outcome *o)
{
	switch (o->status) {
	case OK_PROXY_MORE:
		if (o->used != n)
			fail("MORE without taking every byte");
		if (n >= OK_PROXY_V1_MAX && in[0] == 'P')
			fail("MORE after 107 bytes of a v1 line");
		break;
	case OK_PROXY_INVALID:
		if (o->why == NULL || o->used == 0 || o->used > n)
			fail("INVALID without a reason, or past the input");
		break;
	case OK_PROXY_DONE:
		if (o->taken != o->used || (o->h.version != 1 && o->h.version != 2))
			fail("DONE with a length or version that disagrees");
		if (o->h.version == 1)
			check_v1(in, o);
		else
			check_v2(in, o);
		break;
	default:
		fail("an unknown status");
	}
}

/* Byte 0 and 1 seed the cuts; the rest is what the proxy (or anyone) sent. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome whole, cut;
	uint32_t seed;

	if (size < 2)
		return 0;
	seed = 0x9e3779b9u ^ (uint32_t)(data[0] << 8 | data[1]);
	data += 2;
	size -= 2;
	whole = feed(data, size, 0);
	check(data, size, &whole);
	cut = feed(data, size, seed);
	if (cut.status != whole.status || cut.used != whole.used || cut.why != whole.why ||
	    memcmp(&cut.h, &whole.h, sizeof cut.h) != 0)
		fail("the verdict depends on how the input was cut");
	return 0;
}
