/* peers.h - connections open per peer address (IPv4 address, IPv6 /64), for --max-per-address. */
#ifndef OK_PEERS_H
#define OK_PEERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "addrtab.h"
#include "cidr.h"

/*
 * One entry per address with a connection open, freed when its last one ends, so memory follows
 * the open connections; add and remove cost O(1) on average. The hash is seeded (give it a
 * random seed) so that peers cannot pick addresses that collide.
 * The key is computed once, when a connection is let in (after its PROXY header, which may change
 * who the peer is), and kept with the connection: its end removes exactly what its start added.
 */
struct ok_peers {
	struct ok_addrtab counts; /* ok_peer_key -> connections open */
	size_t open;              /* connections counted, all addresses together */
};

/* What a connection counts against: IPv4 as a.b.c.d/32 (an IPv4-mapped peer too), IPv6 as its
 * /64. family 0 (AF_UNSPEC): not counted (a Unix-domain peer). */
struct ok_peer_key {
	struct ok_cidr net;
};

void ok_peers_init(struct ok_peers *p, uint64_t seed);
void ok_peers_free(struct ok_peers *p);

/* The key of a peer's socket address; one of family 0 for a peer that is not IPv4 or IPv6. */
void ok_peer_key(struct ok_peer_key *k, const struct sockaddr *sa, socklen_t len);

enum ok_peers_verdict {
	OK_PEERS_IN = 0,      /* counted: ok_peers_remove must follow, once, when it ends */
	OK_PEERS_REFUSED = 1, /* max were open already: nothing counted ("ERR too many connections") */
	OK_PEERS_NOMEM = -1   /* no memory for a new entry: nothing counted, errno ENOMEM */
};

/* Counts one more connection from k unless max (0: no limit) are open from it already. A key of
 * family 0 is always OK_PEERS_IN and counted nowhere (removing it is a no-op too). */
enum ok_peers_verdict ok_peers_add(struct ok_peers *p, const struct ok_peer_key *k,
                                   unsigned long max);

/* One connection from k ended: the count drops, the entry goes at zero. A key never added is
 * ignored. */
void ok_peers_remove(struct ok_peers *p, const struct ok_peer_key *k);

/* Connections open from k now. */
unsigned long ok_peers_count(const struct ok_peers *p, const struct ok_peer_key *k);

/* Addresses with a connection open now (entries in the table). */
size_t ok_peers_addresses(const struct ok_peers *p);

#endif
