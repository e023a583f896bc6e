/* hist.h - okbench's latency histogram: log-linear buckets, at most 1% relative error, fixed size. */
#ifndef OKB_HIST_H
#define OKB_HIST_H

#include <stdint.h>

/*
 * As HdrHistogram: values below 2^(SUB_BITS+1) have a bucket each; above, every power of two
 * is cut into 2^SUB_BITS buckets of equal width, so a bucket is never wider than 2^-SUB_BITS of
 * its lowest value (0.78% with 7 bits). A bucket stands for its middle value, which is within
 * 2^-(SUB_BITS+1) (0.39%) of every value in it. Any uint64_t fits; the memory never grows.
 */
#define OKB_HIST_SUB_BITS 7
#define OKB_HIST_SUB (1u << OKB_HIST_SUB_BITS)
#define OKB_HIST_BUCKETS ((64u - OKB_HIST_SUB_BITS + 1u) * OKB_HIST_SUB)

struct okb_hist {
	uint64_t count[OKB_HIST_BUCKETS];
	uint64_t total;         /* samples recorded */
	uint64_t min, max;      /* exact; min is UINT64_MAX while empty */
};

void okb_hist_reset(struct okb_hist *h);
/* Records n samples of value v. */
void okb_hist_record(struct okb_hist *h, uint64_t v, uint64_t n);

/*
 * The percentile p, given in parts per million (p99.9 is 999000), by the nearest-rank
 * definition: the smallest recorded value v such that at least p of the samples are <= v, i.e.
 * the sample of rank ceil(p * total) (at least 1) in sorted order. Returned as the middle of
 * that sample's bucket, kept within [min, max], so p = 1000000 is max exactly and the error is
 * at most 2^-(SUB_BITS+1) of the exact value. 0 when empty.
 */
uint64_t okb_hist_percentile(const struct okb_hist *h, uint32_t per_million);

/* The bucket of v, and the lowest and highest values a bucket holds (both included). */
unsigned okb_hist_bucket(uint64_t v);
uint64_t okb_hist_bucket_low(unsigned b);
uint64_t okb_hist_bucket_high(unsigned b);

#endif
