/* netaddr.h - okchat's own byte order, IPv4/IPv6 address parsing and formatting, port parsing. */
#ifndef OK_NETADDR_H
#define OK_NETADDR_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

/* The public contract: these names and signatures do not change, and no libc htons, inet_aton,
 * inet_addr or inet_pton is behind them. */
uint16_t ok_htons(uint16_t host);            /* host to network byte order, no libc call */
uint16_t ok_ntohs(uint16_t net);
int ok_inet_aton(const char *cp, struct in_addr *inp);
int ok_sockaddr_in(struct sockaddr_in *sa, const char *addr, uint16_t port);

/*
 * IPv6, again without libc's inet_pton/inet_ntop behind them.
 * ok_inet_pton6 returns 1 for an address glibc's inet_pton(AF_INET6) accepts, storing the same
 * 16 bytes, else 0 and leaves *dst alone. ok_inet_ntop6 writes glibc's inet_ntop text
 * (INET6_ADDRSTRLEN bytes are always enough); when size is too small it returns NULL with
 * errno ENOSPC. ok_sockaddr_in6 zeroes *sa, then sets family, port and address (addr as
 * ok_inet_pton6 takes it: no brackets, no zone id); 0, or -1 for an address that is not valid.
 */
int ok_inet_pton6(const char *src, struct in6_addr *dst);
const char *ok_inet_ntop6(const struct in6_addr *src, char *dst, size_t size);
int ok_sockaddr_in6(struct sockaddr_in6 *sa, const char *addr, uint16_t port);

/* 32-bit companions, used to build and print addresses. */
uint32_t ok_htonl(uint32_t host);
uint32_t ok_ntohl(uint32_t net);

/*
 * Strict decimal port: digits only (leading zeros allowed), value 0-65535, nothing before
 * or after.
 * Returns 0 and stores *port, or -1 with *why set to a short reason for the user
 * ("not a number", "too large").
 */
int ok_parse_port(const char *s, uint16_t *port, const char **why);

/*
 * Strict unsigned decimal in [min, max], the one parser behind every numeric option.
 * Returns 0 and stores *out, or -1 with *why: "not a number", "too small", "too large".
 */
int ok_parse_number(const char *s, unsigned long min, unsigned long max,
                    unsigned long *out, const char **why);

/* The value of hex digit c in the C locale (0-9, a-f, A-F), or -1: both address parsers' own. */
int ok_hex_value(char c);

/* "255.255.255.255:65535" plus NUL. */
/* Dot-separated numbers (decimal, octal, or 0x hex), as inet_aton reads them: a host a user
 * meant as an address, so "999.1.1.1" is refused rather than looked up; "1a.de" is a name. */
int ok_looks_numeric(const char *host);

/* Where a port follows the host in one argument: "[IPV6]:PORT", or "HOST:PORT" with exactly one
 * colon (a bare IPv6 address has several); NULL when there is none ("[::1]" alone too). The
 * host's part is arg[0 .. *hostlen), brackets included. */
const char *ok_split_host_port(const char *arg, size_t *hostlen);

#define OK_ADDRSTRLEN 22

/* Writes "a.b.c.d:port" into buf (OK_ADDRSTRLEN bytes are always enough); returns buf. */
char *ok_format_addr(const struct sockaddr_in *sa, char *buf, size_t len);

/*
 * A numeric address as a user types it: IPv4 numbers-and-dots as ok_inet_aton takes it but with
 * nothing after it (no white space), or IPv6 as ok_inet_pton6 takes it, bare or in brackets
 * ("::1", "[::1]"). Fills *ss (zeroed first) with a sockaddr_in or sockaddr_in6 for port and
 * *len with its size; returns 0, or -1 when text is neither.
 */
int ok_parse_ip_literal(const char *text, struct sockaddr_storage *ss, socklen_t *len,
                        uint16_t port);

/* "unix:" and the longest path a sockaddr_un holds, plus NUL; more than any IP form needs. */
#define OK_SOCKADDR_STRLEN (sizeof "unix:" + sizeof ((struct sockaddr_un *)0)->sun_path)

/*
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d), as a dual-stack listener sees an IPv4 peer:
 * 1 with *sin the same address and port in IPv4 form, else 0 and *sin untouched.
 */
int ok_unmap_ipv4(const struct sockaddr_in6 *sin6, struct sockaddr_in *sin);

/*
 * Names a socket address for the user: "127.0.0.1:4242", "[::1]:4242" (IPv6 always in
 * inet_ntop's canonical text, a mapped address too: "[::ffff:127.0.0.1]:4242"; a peer meant to
 * read as IPv4 goes through ok_unmap_ipv4 first), "unix:PATH", "unix" for an unnamed Unix
 * socket, "unknown" for anything else. Cut to fit like snprintf (OK_SOCKADDR_STRLEN bytes are always
 * enough; buflen must not be 0). Returns buf.
 */
const char *ok_format_sockaddr(const struct sockaddr *sa, socklen_t len, char *buf,
                               size_t buflen);

#endif
