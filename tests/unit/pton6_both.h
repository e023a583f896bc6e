/* pton6_both.h - one string through ok_inet_pton6 and glibc's inet_pton(AF_INET6), side by side. */
#ifndef OK_PTON6_BOTH_H
#define OK_PTON6_BOTH_H

#include <arpa/inet.h>
#include <string.h>

#include "netaddr.h"

struct pton6_both {
	int r_ours, r_glibc;
	struct in6_addr ours, glibc;
};

/*
 * Both destinations start as the same 0x5a filling, so a write for an invalid address shows.
 * Returns 1 when ours and glibc agree on the result and on all 16 bytes, else 0.
 */
static inline int pton6_both(const char *s, struct pton6_both *b)
{
	memset(b, 0x5a, sizeof *b);
	b->r_ours = ok_inet_pton6(s, &b->ours);
	b->r_glibc = inet_pton(AF_INET6, s, &b->glibc);
	return b->r_ours == b->r_glibc && memcmp(&b->ours, &b->glibc, sizeof b->ours) == 0;
}

#endif
