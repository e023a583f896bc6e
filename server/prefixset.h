/* prefixset.h - networks with a few bits each: which bits hold an address, in O(log lengths). */
#ifndef OK_PREFIXSET_H
#define OK_PREFIXSET_H

#include "cidr.h"

/*
 * What access rules are made of: each network (IPv4 or IPv6) carries some bits (OK_RULE_ALLOW,
 * OK_RULE_DENY); a lookup answers the OR of the bits of every network that holds an address.
 *
 * Per family, one hash table per prefix length in use. Once finished, a lookup is a binary
 * search over the lengths in use ("Scalable high speed IP routing lookups", Waldvogel, Varghese,
 * Turner, Plattner, SIGCOMM 1997): a probe that finds the address's prefix at length L goes on
 * to longer lengths, one that does not goes to shorter ones. For that to work, each network
 * leaves a marker at the lengths the search passes on its way to it, and every entry, network or
 * marker, carries the OR of the bits of all networks holding it (computed when finishing), so the
 * last entry found is the answer. Cost: at most 6 probes for IPv4 (33 lengths), 8 for IPv6 (129),
 * whatever the number of networks; memory: at most 1 + log2(lengths) entries per network.
 * Before ok_prefixset_finish (or after an add), a lookup probes every length in use instead:
 * the same answer, more slowly.
 */
struct ok_prefixset;

/* A new empty set, or NULL (errno ENOMEM). */
struct ok_prefixset *ok_prefixset_new(void);
void ok_prefixset_free(struct ok_prefixset *s); /* NULL is fine */

/* Adds bits to net's (an IPv4-mapped IPv6 network counts as the IPv4 one, ok_cidr_unmap); *had
 * (if not NULL) gets the bits it had before. 0, or -1 (ENOMEM) with the set unchanged. */
int ok_prefixset_add(struct ok_prefixset *s, const struct ok_cidr *net, unsigned bits,
                     unsigned *had);

/* Lays the markers and the or-ed bits for the fast lookup. 0, or -1 (ENOMEM): lookups stay slow
 * but right. */
int ok_prefixset_finish(struct ok_prefixset *s);

/* The OR of the bits of every network holding addr (an IPv4-mapped one is matched as IPv4); a
 * network addr (a prefix shorter than its family's) is held by the networks no longer than it. */
unsigned ok_prefixset_lookup(const struct ok_prefixset *s, const struct ok_cidr *addr);

#endif
