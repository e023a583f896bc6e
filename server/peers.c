/* peers.c - connections open per IPv4 address or IPv6 /64, entries freed when they reach zero. */
#include <string.h>

#include "peers.h"

/* One IPv6 /64 is what one site or one host is usually given, so it counts as one address. */
#define IPV6_PEER_BITS 64

void ok_peers_init(struct ok_peers *p, uint64_t seed)
{
	ok_addrtab_init(&p->counts, seed);
	p->open = 0;
}

void ok_peers_free(struct ok_peers *p)
{
	ok_addrtab_free(&p->counts);
	p->open = 0;
}

void ok_peer_key(struct ok_peer_key *k, const struct sockaddr *sa, socklen_t len)
{
	if (ok_cidr_of_peer(&k->net, sa, len) < 0) {
		memset(k, 0, sizeof *k);
		return;
	}
	if (k->net.family == AF_INET6)
		ok_cidr_truncate(&k->net, IPV6_PEER_BITS);
}

enum ok_peers_verdict ok_peers_add(struct ok_peers *p, const struct ok_peer_key *k,
                                   unsigned long max)
{
	uint32_t *count;

	if (k->net.family == 0)
		return OK_PEERS_IN;
	count = ok_addrtab_find(&p->counts, &k->net);
	if (count != NULL && max != 0 && *count >= max)
		return OK_PEERS_REFUSED;
	if (count != NULL && *count == UINT32_MAX)
		return OK_PEERS_REFUSED; /* more than any descriptor table holds: cannot happen */
	if (count == NULL) {
		count = ok_addrtab_insert(&p->counts, &k->net); /* errno ENOMEM when NULL */
		if (count == NULL)
			return OK_PEERS_NOMEM;
	}
	(*count)++;
	p->open++;
	return OK_PEERS_IN;
}

void ok_peers_remove(struct ok_peers *p, const struct ok_peer_key *k)
{
	uint32_t *count;

	if (k->net.family == 0)
		return;
	count = ok_addrtab_find(&p->counts, &k->net);
	if (count == NULL)
		return;
	p->open--;
	if (--*count == 0)
		ok_addrtab_remove(&p->counts, &k->net);
}

unsigned long ok_peers_count(const struct ok_peers *p, const struct ok_peer_key *k)
{
	const uint32_t *count;

	if (k->net.family == 0)
		return 0;
	count = ok_addrtab_find(&p->counts, &k->net);
	return count ? *count : 0;
}

size_t ok_peers_addresses(const struct ok_peers *p)
{
	return p->counts.used;
}
