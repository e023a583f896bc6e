/* prefixset.c - networks in hash tables by prefix length, searched by binary search on lengths. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prefixset.h"

/* A network as two 64-bit words, most significant bit first: IPv4 in the top of hi. */
struct words {
	uint64_t hi, lo;
};

/* A network of the table's length (bits: its own, 0 for a marker) and the OR of the bits of
 * every network of the set holding it (acc, valid once finished). */
struct slot {
	struct words net;
	unsigned char present, bits, acc;
};

/* The entries of one family and one prefix length: open addressing, at most half full. */
struct table {
	struct slot *slots;
	unsigned shift; /* 64 - log2(cap): a hash's top bits pick the slot */
	size_t cap, used;
};

struct family {
	struct table by_len[129];
	unsigned char lengths[129]; /* the lengths in use, ascending, n of them */
	unsigned n, max;            /* max: 32 or 128 */
};

struct ok_prefixset {
	struct family v4, v6;
	int finished; /* markers and acc are up to date: the binary search may be used */
};

static struct words words_of(const struct ok_cidr *c)
{
	struct words w = { 0, 0 };

	for (int i = 0; i < 8; i++) {
		w.hi = w.hi << 8 | c->addr[i];
		w.lo = w.lo << 8 | c->addr[i + 8];
	}
	return w;
}

/* The first bits of w (counted over hi, then lo), the rest cleared. */
static struct words cut(struct words w, unsigned bits)
{
	w.hi &= bits == 0 ? 0 : bits >= 64 ? ~0ull : ~0ull << (64 - bits);
	w.lo &= bits <= 64 ? 0 : bits == 128 ? ~0ull : ~0ull << (128 - bits);
	return w;
}

/* Fibonacci hashing: multiplying spreads every bit of the key into the top bits, which pick the
 * slot, so networks whose low bits are all zero (short prefixes) still spread evenly. */
static size_t home_of(const struct table *t, struct words w)
{
	uint64_t h = w.hi * 0x9e3779b97f4a7c15ull ^ w.lo * 0xc2b2ae3d27d4eb4full;

	h ^= h >> 29;
	return (size_t)((h * 0x94d049bb133111ebull) >> t->shift);
}

/* The slot holding w, or the empty one where it would go; NULL for a table never used. */
static struct slot *probe(const struct table *t, struct words w)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	i = home_of(t, w);
	while (t->slots[i].present && (t->slots[i].net.hi != w.hi || t->slots[i].net.lo != w.lo))
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

/* Doubles t (or gives it its first 16 slots). 0, or -1 (ENOMEM) with t unchanged. */
static int grow(struct table *t)
{
	struct table n = { NULL, t->cap ? t->shift - 1 : 60, t->cap ? t->cap * 2 : 16, 0 };

	n.slots = calloc(n.cap, sizeof *n.slots);
	if (n.slots == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (t->slots[i].present) {
			*probe(&n, t->slots[i].net) = t->slots[i];
			n.used++;
		}
	}
	free(t->slots);
	*t = n;
	return 0;
}

/* The entry for w in t, made (bits 0) if missing; NULL (ENOMEM) when there is no room. */
static struct slot *insert(struct table *t, struct words w)
{
	struct slot *s = probe(t, w);

	if (s != NULL && s->present)
		return s;
	if (s == NULL || (t->used + 1) * 2 > t->cap) {
		if (grow(t) < 0)
			return NULL;
		s = probe(t, w);
	}
	s->net = w;
	s->present = 1;
	t->used++;
	return s;
}

struct ok_prefixset *ok_prefixset_new(void)
{
	struct ok_prefixset *s = calloc(1, sizeof *s);

	if (s == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	s->v4.max = 32;
	s->v6.max = 128;
	return s;
}

void ok_prefixset_free(struct ok_prefixset *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < 129; i++) {
		free(s->v4.by_len[i].slots);
		free(s->v6.by_len[i].slots);
	}
	free(s);
}

/* Keeps f's lengths in use sorted, for the binary search. */
static void note_length(struct family *f, unsigned len)
{
	unsigned i = f->n;

	if (memchr(f->lengths, (int)len, f->n) != NULL)
		return;
	for (; i > 0 && f->lengths[i - 1] > len; i--)
		f->lengths[i] = f->lengths[i - 1];
	f->lengths[i] = (unsigned char)len;
	f->n++;
}

int ok_prefixset_add(struct ok_prefixset *s, const struct ok_cidr *net, unsigned bits,
                     unsigned *had)
{
	struct ok_cidr key = *net;
	struct family *f;
	struct slot *e;

	ok_cidr_unmap(&key);
	f = key.family == AF_INET ? &s->v4 : &s->v6;
	e = insert(&f->by_len[key.bits], words_of(&key));
	if (e == NULL)
		return -1;
	if (had != NULL)
		*had = e->bits;
	e->bits = (unsigned char)(e->bits | bits);
	note_length(f, key.bits);
	s->finished = 0;
	return 0;
}

/* Markers for the network w at length index t: one at each shorter length the search probes on
 * its way to t, so that it keeps going longer. 0, or -1 (ENOMEM). */
static int lay_markers(struct family *f, struct words w, unsigned t)
{
	unsigned lo = 0, hi = f->n, mid;

	while (lo < hi && (mid = lo + (hi - lo) / 2) != t) {
		if (mid > t) {
			hi = mid;
			continue;
		}
		if (insert(&f->by_len[f->lengths[mid]], cut(w, f->lengths[mid])) == NULL)
			return -1;
		lo = mid + 1;
	}
	return 0;
}

/* The OR of the bits of the networks of lengths [0, j] holding w: one probe per length. */
static unsigned holders(const struct family *f, struct words w, unsigned j)
{
	unsigned acc = 0;

	for (unsigned i = 0; i <= j && i < f->n; i++) {
		const struct slot *e = probe(&f->by_len[f->lengths[i]], cut(w, f->lengths[i]));
		if (e != NULL && e->present)
			acc |= e->bits;
	}
	return acc;
}

/* Markers are only added (a marker of an older finish, whose acc is recomputed, is harmless:
 * finding it says truly what holds its network). Tables of other lengths may grow meanwhile. */
static int finish_family(struct family *f)
{
	for (unsigned j = 0; j < f->n; j++) {
		const struct table *t = &f->by_len[f->lengths[j]];
		for (size_t i = 0; i < t->cap; i++) {
			if (t->slots[i].bits != 0 && lay_markers(f, t->slots[i].net, j) < 0)
				return -1;
		}
	}
	for (unsigned j = 0; j < f->n; j++) {
		struct table *t = &f->by_len[f->lengths[j]];
		for (size_t i = 0; i < t->cap; i++) {
			if (t->slots[i].present)
				t->slots[i].acc = (unsigned char)holders(f, t->slots[i].net, j);
		}
	}
	return 0;
}

int ok_prefixset_finish(struct ok_prefixset *s)
{
	if (s->finished)
		return 0;
	if (finish_family(&s->v4) < 0 || finish_family(&s->v6) < 0)
		return -1;
	s->finished = 1;
	return 0;
}

/* The search: found at a length, the answer so far is its acc and the rest is longer. */
static unsigned search(const struct family *f, struct words w)
{
	unsigned lo = 0, hi = f->n, acc = 0;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		const struct slot *e = probe(&f->by_len[f->lengths[mid]], cut(w, f->lengths[mid]));
		if (e->present) {
			acc = e->acc;
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return acc;
}

unsigned ok_prefixset_lookup(const struct ok_prefixset *s, const struct ok_cidr *addr)
{
	struct ok_cidr who = *addr;
	const struct family *f;
	unsigned j = 0;

	ok_cidr_unmap(&who);
	if (who.family != AF_INET && who.family != AF_INET6)
		return 0;
	f = who.family == AF_INET ? &s->v4 : &s->v6;
	if (f->n == 0)
		return 0;
	if (s->finished && who.bits == f->max)
		return search(f, words_of(&who));
	/* Unfinished, or a network rather than an address: every length up to its own. */
	while (j < f->n && f->lengths[j] <= who.bits)
		j++;
	return j == 0 ? 0 : holders(f, words_of(&who), j - 1);
}
