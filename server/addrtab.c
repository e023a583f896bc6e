/* addrtab.c - networks to values: open addressing, linear probing, backward-shift deletion. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addrtab.h"

/* The smallest table allocated; below it a shrink is not worth the copying. */
#define MIN_CAP 16

/* splitmix64's finaliser: every input bit reaches every output bit. */
static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t hash_key(const struct ok_addrtab *t, const struct ok_cidr *k)
{
	uint64_t lo, hi, h;

	memcpy(&lo, k->addr, 8);
	memcpy(&hi, k->addr + 8, 8);
	h = mix(t->seed ^ ((uint64_t)(unsigned)k->family << 8 | k->bits));
	h = mix(h ^ lo);
	h = mix(h ^ hi);
	return (size_t)h & (t->cap - 1);
}

static int same_key(const struct ok_cidr *a, const struct ok_cidr *b)
{
	return a->family == b->family && a->bits == b->bits &&
	       memcmp(a->addr, b->addr, sizeof a->addr) == 0;
}

void ok_addrtab_init(struct ok_addrtab *t, uint64_t seed)
{
	memset(t, 0, sizeof *t);
	t->seed = seed;
}

void ok_addrtab_free(struct ok_addrtab *t)
{
	free(t->slots);
	ok_addrtab_init(t, t->seed);
}

/* The slot holding key, or the empty slot where it would go. cap must not be 0. */
static struct ok_addrtab_slot *probe(const struct ok_addrtab *t, const struct ok_cidr *key)
{
	size_t i = hash_key(t, key);

	while (t->slots[i].key.family != 0 && !same_key(&t->slots[i].key, key))
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

uint32_t *ok_addrtab_find(const struct ok_addrtab *t, const struct ok_cidr *key)
{
	struct ok_addrtab_slot *s;

	if (t->used == 0)
		return NULL;
	s = probe(t, key);
	return s->key.family != 0 ? &s->value : NULL;
}

/* Moves every entry into a new table of cap slots. 0, or -1 (ENOMEM) with t unchanged. */
static int resize(struct ok_addrtab *t, size_t cap)
{
	struct ok_addrtab n = { NULL, cap, 0, t->seed };

	n.slots = calloc(cap, sizeof *n.slots);
	if (n.slots == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (t->slots[i].key.family != 0) {
			*probe(&n, &t->slots[i].key) = t->slots[i];
			n.used++;
		}
	}
	free(t->slots);
	*t = n;
	return 0;
}

uint32_t *ok_addrtab_insert(struct ok_addrtab *t, const struct ok_cidr *key)
{
	struct ok_addrtab_slot *s;

	if (t->cap != 0) {
		s = probe(t, key);
		if (s->key.family != 0)
			return &s->value;
	}
	/* At most half full keeps linear probing's runs short. */
	if ((t->used + 1) * 2 > t->cap && resize(t, t->cap ? t->cap * 2 : MIN_CAP) < 0)
		return NULL;
	s = probe(t, key);
	s->key = *key;
	s->value = 0;
	t->used++;
	return &s->value;
}

/*
 * Empties slot i, then walks the run after it: an entry whose home is not cyclically in
 * (hole, itself] would no longer be found past the hole, so it moves into the hole.
 */
static void delete_slot(struct ok_addrtab *t, size_t hole)
{
	size_t mask = t->cap - 1;

	for (size_t i = (hole + 1) & mask; t->slots[i].key.family != 0; i = (i + 1) & mask) {
		size_t home = hash_key(t, &t->slots[i].key);

		if (((i - home) & mask) >= ((i - hole) & mask)) {
			t->slots[hole] = t->slots[i];
			hole = i;
		}
	}
	memset(&t->slots[hole], 0, sizeof t->slots[hole]);
}

void ok_addrtab_remove(struct ok_addrtab *t, const struct ok_cidr *key)
{
	struct ok_addrtab_slot *s;

	if (t->used == 0)
		return;
	s = probe(t, key);
	if (s->key.family == 0)
		return;
	delete_slot(t, (size_t)(s - t->slots));
	t->used--;
	if (t->used == 0) {
		ok_addrtab_free(t);
	} else if (t->cap > MIN_CAP && t->used * 8 <= t->cap) {
		(void)resize(t, t->cap / 2); /* a failed shrink keeps the larger table: still correct */
	}
}
