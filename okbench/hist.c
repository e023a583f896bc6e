/* hist.c - the log-linear latency histogram: a bucket from a value and a value from a rank. */
#include <string.h>

#include "hist.h"

/* The position of v's highest set bit (v > 0), without a compiler builtin. */
static unsigned highest_bit(uint64_t v)
{
	unsigned e = 0;

	if (v >> 32) { v >>= 32; e += 32; }
	if (v >> 16) { v >>= 16; e += 16; }
	if (v >> 8) { v >>= 8; e += 8; }
	if (v >> 4) { v >>= 4; e += 4; }
	if (v >> 2) { v >>= 2; e += 2; }
	if (v >> 1) e += 1;
	return e;
}

unsigned okb_hist_bucket(uint64_t v)
{
	unsigned e;

	if (v < (uint64_t)2 * OKB_HIST_SUB)
		return (unsigned)v;
	e = highest_bit(v); /* >= SUB_BITS + 1 */
	return (e - OKB_HIST_SUB_BITS + 1u) * OKB_HIST_SUB +
	       (unsigned)((v >> (e - OKB_HIST_SUB_BITS)) & (OKB_HIST_SUB - 1u));
}

/* A bucket's width: 1 in the exact range, then 2^(e - SUB_BITS) in the power of two 2^e. */
static unsigned width_shift(unsigned b)
{
	return b < 2u * OKB_HIST_SUB ? 0u : b / OKB_HIST_SUB - 1u;
}

uint64_t okb_hist_bucket_low(unsigned b)
{
	unsigned s = width_shift(b);

	if (s == 0)
		return b;
	return ((uint64_t)OKB_HIST_SUB + b % OKB_HIST_SUB) << s;
}

uint64_t okb_hist_bucket_high(unsigned b)
{
	return okb_hist_bucket_low(b) + ((uint64_t)1 << width_shift(b)) - 1u;
}

void okb_hist_reset(struct okb_hist *h)
{
	memset(h, 0, sizeof *h);
	h->min = UINT64_MAX;
}

void okb_hist_record(struct okb_hist *h, uint64_t v, uint64_t n)
{
	if (n == 0)
		return;
	h->count[okb_hist_bucket(v)] += n;
	h->total += n;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* ceil(total * per_million / 10^6), at least 1, without overflow for any total. */
static uint64_t rank_of(uint64_t total, uint32_t per_million)
{
	uint64_t whole = total / 1000000u, part = total % 1000000u;
	uint64_t r = whole * per_million + (part * per_million + 999999u) / 1000000u;

	return r == 0 ? 1 : r > total ? total : r;
}

uint64_t okb_hist_percentile(const struct okb_hist *h, uint32_t per_million)
{
	uint64_t rank, seen = 0, mid;
	unsigned b;

	if (h->total == 0)
		return 0;
	if (per_million >= 1000000u)
		return h->max;
	rank = rank_of(h->total, per_million);
	for (b = 0; b < OKB_HIST_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= rank)
			break;
	}
	if (b == OKB_HIST_BUCKETS)
		return h->max;
	mid = okb_hist_bucket_low(b) + (okb_hist_bucket_high(b) - okb_hist_bucket_low(b)) / 2u;
	return mid < h->min ? h->min : mid > h->max ? h->max : mid;
}
