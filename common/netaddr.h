/* netaddr.h - okchat's own byte order, IPv4 address parsing and formatting, port parsing. */
#ifndef OK_NETADDR_H
#define OK_NETADDR_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* The public contract: these names and signatures do not change, and no libc htons, inet_aton,
 * inet_addr or inet_pton is behind them. */
uint16_t ok_htons(uint16_t host);            /* host to network byte order, no libc call */
uint16_t ok_ntohs(uint16_t net);
int ok_inet_aton(const char *cp, struct in_addr *inp);
int ok_sockaddr_in(struct sockaddr_in *sa, const char *addr, uint16_t port);

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

/* "255.255.255.255:65535" plus NUL. */
#define OK_ADDRSTRLEN 22

/* Writes "a.b.c.d:port" into buf (OK_ADDRSTRLEN bytes are always enough); returns buf. */
char *ok_format_addr(const struct sockaddr_in *sa, char *buf, size_t len);

#endif
