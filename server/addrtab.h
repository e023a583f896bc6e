/* addrtab.h - a hash table from a network (struct ok_cidr) to a 32-bit value. */
#ifndef OK_ADDRTAB_H
#define OK_ADDRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"

/*
 * Open addressing with linear probing, at most half full, deleted entries moved back rather than
 * marked (no tombstones), so a lookup costs O(1) on average however many keys came and went.
 * It grows by doubling and shrinks by halving when an eighth full, so its memory follows the
 * keys it holds now, not the most it ever held. The hash is keyed by seed, so that a peer cannot
 * choose addresses that all land in one run (peers.c gives it a random seed).
 * A key is a struct ok_cidr as cidr.h keeps it (every bit past the prefix zero).
 */
struct ok_addrtab_slot {
	struct ok_cidr key; /* key.family 0: the slot is empty */
	uint32_t value;
};

struct ok_addrtab {
	struct ok_addrtab_slot *slots;
	size_t cap;  /* a power of two, or 0 before the first insert */
	size_t used;
	uint64_t seed;
};

void ok_addrtab_init(struct ok_addrtab *t, uint64_t seed);
void ok_addrtab_free(struct ok_addrtab *t);

/* The value stored for key, or NULL. Valid until the next insert or remove. */
uint32_t *ok_addrtab_find(const struct ok_addrtab *t, const struct ok_cidr *key);

/* The value for key, a new one (0) if it was missing; NULL with errno ENOMEM when there is no
 * room (the table is unchanged). Valid until the next insert or remove. */
uint32_t *ok_addrtab_insert(struct ok_addrtab *t, const struct ok_cidr *key);

/* Removes key if present; never fails (a shrink that cannot allocate keeps the larger table). */
void ok_addrtab_remove(struct ok_addrtab *t, const struct ok_cidr *key);

#endif
