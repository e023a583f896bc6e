/* cidr.h - IPv4 and IPv6 networks as users write them (a.b.c.d/n, ADDR/n), peers as networks. */
#ifndef OK_CIDR_H
#define OK_CIDR_H

#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "err.h"

/*
 * A network: family AF_INET (addr[0..3], bits 0-32) or AF_INET6 (addr[0..15], bits 0-128).
 * Every bit past the prefix is zero, bytes 4-15 of an IPv4 network too, so two equal networks
 * are equal byte for byte (access.c and peers.c hash them as they are).
 */
struct ok_cidr {
	int family;
	unsigned bits;
	unsigned char addr[16];
};

/* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128" plus NUL, rounded up. */
#define OK_CIDR_STRLEN 56

/*
 * glibc's inet_pton(AF_INET), without calling it: exactly four decimal parts of 0-255, a part
 * longer than one digit never starting with 0 ("01" could be read as octal, so it is refused),
 * nothing before or after. 1 and *dst set, or 0 and *dst untouched. The strict sibling of
 * ok_inet_aton, which takes every shorthand glibc's inet_aton does.
 */
int ok_inet_pton4(const char *src, struct in_addr *dst);

/*
 * A network as SPEC section 11 has users write it: IPv4 "a.b.c.d[/n]" (ok_inet_pton4, n 0-32)
 * or IPv6 "ADDR[/n]" (ok_inet_pton6, n 0-128); the family is IPv6 exactly when the address holds
 * a ':'. A bare address is /32 or /128. n is decimal digits only, without a leading zero; no
 * brackets ("[::1]/64": brackets set a port apart, and a network has none), no zone id, no white
 * space anywhere. Bits set beyond the prefix are an error, not silently cleared: "10.0.0.1/8"
 * was most likely meant as a host or a typo. The text is read as written: an IPv4-mapped IPv6
 * network stays IPv6 here (see ok_cidr_unmap).
 * 0 and *c filled, or -1 with e's message "TEXT: reason" (TEXT cut to 80 bytes, unprintable
 * bytes shown as '?'), e.g. "10.0.0.1/8: bits set beyond the /8 prefix".
 */
int ok_cidr_parse(const char *text, struct ok_cidr *c, struct ok_err *e);

/* The same for text[0..len), which needs no NUL (a word of a line); a NUL inside is refused. */
int ok_cidr_parse_mem(const char *text, size_t len, struct ok_cidr *c, struct ok_err *e);

/*
 * A peer as a network of one: AF_INET as a.b.c.d/32, AF_INET6 as ADDR/128 except that an
 * IPv4-mapped one (::ffff:a.b.c.d, an IPv4 peer of a dual-stack listener) becomes a.b.c.d/32.
 * 0, or -1 for any other family (a Unix-domain peer) or a length too short for its family.
 */
int ok_cidr_of_peer(struct ok_cidr *c, const struct sockaddr *sa, socklen_t len);

/* An IPv6 network inside ::ffff:0:0/96 becomes the IPv4 network it maps (::ffff:10.0.0.0/104
 * is 10.0.0.0/8); anything else is left alone. Returns 1 when it changed c. */
int ok_cidr_unmap(struct ok_cidr *c);

/* Clears every bit of c past its first bits (at most c->bits) and makes bits its length. */
void ok_cidr_truncate(struct ok_cidr *c, unsigned bits);

/* 1 when net holds addr: same family, addr's prefix at least as long, equal in net's bits. */
int ok_cidr_contains(const struct ok_cidr *net, const struct ok_cidr *addr);

/* "10.0.0.0/8", "2001:db8::/32" (IPv6 in ok_inet_ntop6's text); OK_CIDR_STRLEN bytes are always
 * enough, a smaller buffer gets as much as fits (len must not be 0). Returns buf. */
char *ok_cidr_format(const struct ok_cidr *c, char *buf, size_t len);

#endif
