/* hist.c - a log-linear latency histogram: percentiles without keeping every sample. */
#include <math.h>

#include "okload.h"

/*
 * Values below 2^(SUB_BITS+1) get a bucket each; above, each power of two is cut into
 * 2^SUB_BITS equal buckets, so a bucket is never wider than about 3% of its values.
 */
#define SUB (1u << HIST_SUB_BITS)

static unsigned bucket_of(uint64_t v)
{
	unsigned e;

	if (v < 2ull * SUB)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v);
	return (e - HIST_SUB_BITS + 1) * SUB + (unsigned)((v >> (e - HIST_SUB_BITS)) & (SUB - 1));
}

/* The middle of a bucket, the value reported for every sample in it. */
static uint64_t value_of(unsigned b)
{
	unsigned e = b / SUB + HIST_SUB_BITS - 1;
	uint64_t lo, width;

	if (b < 2 * SUB)
		return b;
	width = 1ull << (e - HIST_SUB_BITS);
	lo = (1ull << e) + (uint64_t)(b % SUB) * width;
	return lo + width / 2;
}

void hist_add(struct hist *h, uint64_t us, uint64_t n)
{
	h->count[bucket_of(us)] += n;
	h->total += n;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned b;

	if (h->total == 0)
		return 0;
	rank = (uint64_t)ceil(q * (double)h->total);
	if (rank == 0)
		rank = 1;
	for (b = 0; b < HIST_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= rank)
			return value_of(b);
	}
	return value_of(HIST_BUCKETS - 1);
}
