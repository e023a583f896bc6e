/* proxy.h - the PROXY protocol header (HAProxy's v1 text, v2 binary): pure, incremental parser. */
#ifndef OK_PROXY_H
#define OK_PROXY_H

#include <stddef.h>
#include <sys/socket.h>

/* The longest v1 line, CRLF included ("PROXY UNKNOWN" and two full IPv6 addresses and ports). */
#define OK_PROXY_V1_MAX 107
/* v2: the fixed part (signature, version and command, family and transport, length) ... */
#define OK_PROXY_V2_FIXED 16
/* ... and the largest address block (two 108-byte Unix paths); TLVs after it are skipped. */
#define OK_PROXY_V2_ADDRS_MAX 216

enum ok_proxy_status {
	OK_PROXY_MORE,    /* no verdict yet: feed the next bytes that arrive */
	OK_PROXY_DONE,    /* a whole, valid header: see header */
	OK_PROXY_INVALID  /* not a valid header: close the connection; why says what was wrong */
};

/* What a valid header says. */
struct ok_proxy_header {
	int version;   /* 1 or 2 */
	int keep_peer; /* 1: the real peer stands (v1 UNKNOWN, v2 LOCAL, v2 UNSPEC/UDP/Unix) */
	/* keep_peer 0: the TCP connection the proxy relays, AF_INET or AF_INET6 (a TCP6 or v2 IPv6
	 * source may be IPv4-mapped: ok_cidr_of_peer matches it as IPv4) */
	struct sockaddr_storage src, dst;
	socklen_t src_len, dst_len;
};

/*
 * The parser's state, one per connection from a --proxy-from peer. Bytes go in as they arrive,
 * in pieces of any size; it takes only the header's own bytes, so whatever follows it in a
 * piece (the first protocol line, a TLS ClientHello) is left for the caller. A wrong byte is
 * refused as soon as it arrives when it can be (a first byte that is neither 'P' nor CR, a
 * wrong signature, version or command), so a client that was not meant to send a header is
 * told apart at once; a v1 line is judged whole at its CRLF. Memory: the struct, ~0.4 KiB;
 * a v2 header's TLVs (up to 64 KiB) are counted and skipped, never stored.
 */
struct ok_proxy {
	enum ok_proxy_status status;
	const char *why;   /* INVALID: a short reason, a string constant ("bad source port") */
	size_t taken;      /* header bytes consumed so far */
	size_t total;      /* v2: 16 + its length field once known, else 0 */
	unsigned char buf[OK_PROXY_V2_FIXED + OK_PROXY_V2_ADDRS_MAX]; /* the bytes judged */
	struct ok_proxy_header header; /* DONE: the verdict */
};

void ok_proxy_init(struct ok_proxy *p);

/*
 * Takes in[0..n) up to the end of the header at most: *used (never more than n) says how many
 * bytes were taken, the rest belongs to what follows the header. Returns the status, which stays
 * DONE or INVALID once reached (later calls take nothing). On DONE, p->taken is the header's
 * whole length and p->header the result.
 */
enum ok_proxy_status ok_proxy_feed(struct ok_proxy *p, const void *in, size_t n, size_t *used);

#endif
