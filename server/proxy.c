/* proxy.c - the PROXY protocol header, v1 and v2, judged byte by byte as it arrives. */
#include <string.h>
#include <netinet/in.h>

#include "cidr.h"
#include "netaddr.h"
#include "platform.h"
#include "proxy.h"

/* v1 starts with these 6 bytes; v2 with these 12 (chosen to break HTTP, TLS, SMTP, ... at once). */
static const char v1_prefix[6] = { 'P', 'R', 'O', 'X', 'Y', ' ' };
static const unsigned char v2_signature[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

/* v2's 13th byte: version 2 in the high half, the command in the low half. */
#define V2_VERSION   0x20
#define V2_LOCAL     0x0
#define V2_PROXY     0x1
/* v2's 14th byte: address family (high half) and transport (low half). */
#define V2_TCP4      0x11
#define V2_TCP6      0x21
/* The longest address text the parsers take, "ffff:...:255.255.255.255", plus NUL. */
#define ADDR_TEXT    46

void ok_proxy_init(struct ok_proxy *p)
{
	memset(p, 0, sizeof *p);
	p->status = OK_PROXY_MORE;
}

static void refuse(struct ok_proxy *p, const char *why)
{
	p->status = OK_PROXY_INVALID;
	p->why = why;
}

static void keep_peer(struct ok_proxy *p, int version)
{
	p->header.version = version;
	p->header.keep_peer = 1;
	p->status = OK_PROXY_DONE;
}

static void set_in(struct sockaddr_storage *ss, socklen_t *len, const void *addr4,
                   const void *port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof sin);
	OK_SET_SIN_LEN(&sin);
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, addr4, 4);
	memcpy(&sin.sin_port, port, 2); /* both already in network order */
	memset(ss, 0, sizeof *ss);
	memcpy(ss, &sin, sizeof sin);
	*len = (socklen_t)sizeof sin;
}

static void set_in6(struct sockaddr_storage *ss, socklen_t *len, const void *addr16,
                    const void *port)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof sin6);
	OK_SET_SIN6_LEN(&sin6);
	sin6.sin6_family = AF_INET6;
	memcpy(&sin6.sin6_addr, addr16, 16);
	memcpy(&sin6.sin6_port, port, 2);
	memset(ss, 0, sizeof *ss);
	memcpy(ss, &sin6, sizeof sin6);
	*len = (socklen_t)sizeof sin6;
}

/* --- version 1: "PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n" or "PROXY UNKNOWN...\r\n" --- */

struct word {
	const char *p;
	size_t n;
};

/* Splits [s, end) at single spaces into at most max words; the count, or -1 for an empty word
 * (two spaces, a space at either end) or one word too many. */
static int split_words(const char *s, const char *end, struct word *w, int max)
{
	int count = 0;

	for (;;) {
		const char *sp = memchr(s, ' ', (size_t)(end - s));
		const char *stop = sp ? sp : end;

		if (stop == s || count == max)
			return -1;
		w[count].p = s;
		w[count++].n = (size_t)(stop - s);
		if (sp == NULL)
			return count;
		s = sp + 1;
	}
}

/* A decimal port: 0-65535, no leading zero (it could be read as octal). 0, or -1. */
static int read_port(const struct word *w, unsigned char net[2])
{
	unsigned long v = 0;

	if (w->n == 0 || w->n > 5 || (w->n > 1 && w->p[0] == '0'))
		return -1;
	for (size_t i = 0; i < w->n; i++) {
		if (w->p[i] < '0' || w->p[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(w->p[i] - '0');
	}
	if (v > 65535)
		return -1;
	net[0] = (unsigned char)(v >> 8);
	net[1] = (unsigned char)v;
	return 0;
}

/* An address of the line's family, strictly (ok_inet_pton4 or ok_inet_pton6). 0, or -1. */
static int read_addr(const struct word *w, int v6, unsigned char out[16])
{
	char text[ADDR_TEXT];
	struct in_addr a4;
	struct in6_addr a6;

	if (w->n >= sizeof text || memchr(w->p, '\0', w->n) != NULL)
		return -1;
	memcpy(text, w->p, w->n);
	text[w->n] = '\0';
	if (v6 ? !ok_inet_pton6(text, &a6) : !ok_inet_pton4(text, &a4))
		return -1;
	if (v6)
		memcpy(out, &a6, 16);
	else
		memcpy(out, &a4, 4);
	return 0;
}

/* The whole line, CRLF found: its fields after "PROXY ", each exactly as the specification says.
 * NULL when the header is DONE, else why it is not valid. */
static const char *parse_v1(struct ok_proxy *p)
{
	const char *s = (const char *)p->buf + sizeof v1_prefix;
	const char *end = (const char *)p->buf + p->taken - 2;
	struct word w[5];
	unsigned char src[16], dst[16], sport[2], dport[2];
	struct ok_proxy_header *h = &p->header;
	int v6;

	/* UNKNOWN: whatever follows it up to the CRLF is ignored. */
	if (end - s >= 7 && memcmp(s, "UNKNOWN", 7) == 0 && (end - s == 7 || s[7] == ' ')) {
		keep_peer(p, 1);
		return NULL;
	}
	if (split_words(s, end, w, 5) != 5)
		return "PROXY v1: not five fields apart by single spaces";
	if (w[0].n != 4 || memcmp(w[0].p, "TCP", 3) != 0 || (w[0].p[3] != '4' && w[0].p[3] != '6'))
		return "PROXY v1: protocol is not TCP4, TCP6 or UNKNOWN";
	v6 = w[0].p[3] == '6';
	if (read_addr(&w[1], v6, src) < 0)
		return "PROXY v1: bad source address";
	if (read_addr(&w[2], v6, dst) < 0)
		return "PROXY v1: bad destination address";
	if (read_port(&w[3], sport) < 0)
		return "PROXY v1: bad source port";
	if (read_port(&w[4], dport) < 0)
		return "PROXY v1: bad destination port";
	h->version = 1;
	h->keep_peer = 0;
	(v6 ? set_in6 : set_in)(&h->src, &h->src_len, src, sport);
	(v6 ? set_in6 : set_in)(&h->dst, &h->dst_len, dst, dport);
	p->status = OK_PROXY_DONE;
	return NULL;
}

/* Byte i of a v1 header, c, has just been stored: the prefix byte for byte, the rest at CRLF. */
static void step_v1(struct ok_proxy *p, size_t i, unsigned char c)
{
	const char *why = NULL;

	if (i < sizeof v1_prefix) {
		if (c != (unsigned char)v1_prefix[i])
			why = "not a PROXY protocol header";
	} else if (c == '\n') {
		why = p->buf[i - 1] != '\r' ? "PROXY v1: line ends in LF without CR" : parse_v1(p);
	} else if (p->taken == OK_PROXY_V1_MAX) {
		why = "PROXY v1: no CRLF within 107 bytes";
	}
	if (why != NULL)
		refuse(p, why);
}

/* --- version 2: signature, version and command, family and transport, length, addresses --- */

/* The address block a valid family and transport byte announces, or -1 for an invalid byte. */
static int v2_addrs_len(unsigned char fam)
{
	static const int by_family[4] = { 0, 12, 36, 216 }; /* UNSPEC, INET, INET6, UNIX */

	if (fam == 0x00)
		return 0;
	if ((fam >> 4) > 3 || (fam >> 4) == 0 || (fam & 0xf) == 0 || (fam & 0xf) > 2)
		return -1; /* a family with UNSPEC transport (or the reverse) is not in the list */
	return by_family[fam >> 4];
}

/* The whole header is in: the verdict. */
static void finish_v2(struct ok_proxy *p)
{
	const unsigned char *a = p->buf + OK_PROXY_V2_FIXED;
	struct ok_proxy_header *h = &p->header;

	/* LOCAL (a health check by the proxy itself), and families we do not relay, keep the peer. */
	if ((p->buf[12] & 0xf) == V2_LOCAL || (p->buf[13] != V2_TCP4 && p->buf[13] != V2_TCP6)) {
		keep_peer(p, 2);
		return;
	}
	h->version = 2;
	h->keep_peer = 0;
	if (p->buf[13] == V2_TCP4) {
		set_in(&h->src, &h->src_len, a, a + 8);
		set_in(&h->dst, &h->dst_len, a + 4, a + 10);
	} else {
		set_in6(&h->src, &h->src_len, a, a + 32);
		set_in6(&h->dst, &h->dst_len, a + 16, a + 34);
	}
	p->status = OK_PROXY_DONE;
}

/* Byte i of the fixed 16, c, has just been stored: each is checked as soon as it can be. */
static void step_v2(struct ok_proxy *p, size_t i, unsigned char c)
{
	int command = p->buf[12] & 0xf, need;
	size_t len;

	if (i < sizeof v2_signature) {
		if (c != v2_signature[i])
			refuse(p, "not a PROXY protocol header");
	} else if (i == 12) {
		if ((p->buf[12] & 0xf0) != V2_VERSION)
			refuse(p, "PROXY v2: version is not 2");
		else if (command != V2_LOCAL && command != V2_PROXY)
			refuse(p, "PROXY v2: command is neither LOCAL nor PROXY");
	} else if (i == 13) {
		/* LOCAL ignores the family byte, as the specification says. */
		if (command == V2_PROXY && v2_addrs_len(p->buf[13]) < 0)
			refuse(p, "PROXY v2: unknown address family or transport");
	} else if (i == 15) {
		len = (size_t)p->buf[14] << 8 | p->buf[15];
		need = command == V2_PROXY ? v2_addrs_len(p->buf[13]) : 0;
		if (len < (size_t)need) {
			refuse(p, "PROXY v2: length shorter than its address block");
		} else {
			p->total = OK_PROXY_V2_FIXED + len;
			if (len == 0)
				finish_v2(p);
		}
	}
}

/* After the fixed 16: the address block kept (as much as buf holds), TLVs only counted. */
static size_t take_v2_body(struct ok_proxy *p, const unsigned char *in, size_t n)
{
	size_t k = p->total - p->taken < n ? p->total - p->taken : n;

	if (p->taken < sizeof p->buf) {
		size_t room = sizeof p->buf - p->taken;
		memcpy(p->buf + p->taken, in, k < room ? k : room);
	}
	p->taken += k;
	if (p->taken == p->total)
		finish_v2(p);
	return k;
}

/* One byte of the part judged byte by byte: a v1 line, or v2's fixed 16. */
static void take_byte(struct ok_proxy *p, unsigned char c)
{
	size_t i = p->taken++;

	p->buf[i] = c;
	if (p->buf[0] == (unsigned char)v1_prefix[0])
		step_v1(p, i, c);
	else if (p->buf[0] == v2_signature[0])
		step_v2(p, i, c);
	else
		refuse(p, "not a PROXY protocol header");
}

enum ok_proxy_status ok_proxy_feed(struct ok_proxy *p, const void *in, size_t n, size_t *used)
{
	const unsigned char *b = in;
	size_t i = 0;

	while (i < n && p->status == OK_PROXY_MORE) {
		if (p->total != 0)
			i += take_v2_body(p, b + i, n - i);
		else
			take_byte(p, b[i++]);
	}
	*used = i;
	return p->status;
}
