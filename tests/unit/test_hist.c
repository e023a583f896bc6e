/* test_hist.c - okbench's histogram against the exact percentiles of known samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../okbench/hist.h" /* the Makefile gives only -Icommon */

#define PER_MILLION_N 8
/* The percentiles okbench reports, and a few more, in parts per million. */
static const uint32_t per_million[PER_MILLION_N] = {
	1, 500000, 900000, 990000, 999000, 999900, 999999, 1000000
};

static struct okb_hist h;

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile of sorted v[0, n): the sample of rank ceil(p * n), at least 1. */
static uint64_t exact_percentile(const uint64_t *v, size_t n, uint32_t p)
{
	uint64_t rank = ((uint64_t)n * p + 999999u) / 1000000u;

	return v[(rank == 0 ? 1 : rank) - 1];
}

/* Records v[0, n), then checks every percentile against the exact one: within 1%, and within
 * the 0.39% the bucket layout promises. */
static void check_samples(uint64_t *v, size_t n)
{
	okb_hist_reset(&h);
	for (size_t i = 0; i < n; i++)
		okb_hist_record(&h, v[i], 1);
	qsort(v, n, sizeof *v, compare_u64);
	assert_int_equal(h.total, n);
	assert_int_equal(h.min, v[0]);
	assert_int_equal(h.max, v[n - 1]);
	for (int k = 0; k < PER_MILLION_N; k++) {
		double exact = (double)exact_percentile(v, n, per_million[k]);
		double got = (double)okb_hist_percentile(&h, per_million[k]);
		double err = exact > 0 ? (got > exact ? got - exact : exact - got) / exact : got;
		if (err > 0.0039)
			print_error("p=%u/1e6: exact %.0f, histogram %.0f, error %.4f\n",
			            (unsigned)per_million[k], exact, got, err);
		assert_true(err <= 0.0039);
		assert_true(err <= 0.01);
	}
}

/* A fixed 64-bit generator (splitmix64), so every run sees the same samples. */
static uint64_t next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* ln(x) for x in (0, 1], without libm: x = m * 2^-k, m in [1, 2), then the atanh series. */
static double ln(double x)
{
	double y, y2, term, sum = 0;
	int k = 0;

	while (x < 1) {
		x *= 2;
		k++;
	}
	y = (x - 1) / (x + 1);
	y2 = y * y;
	term = y;
	for (int i = 1; i < 60; i += 2) {
		sum += term / i;
		term *= y2;
	}
	return 2 * sum - k * 0.69314718055994530942;
}

static void uniform_samples(void **state)
{
	size_t n = 100000;
	uint64_t *v = malloc(n * sizeof *v);
	(void)state;

	assert_non_null(v);
	for (size_t i = 0; i < n; i++)
		v[i] = 1 + i * 997 % n; /* 1 ... n, each once, shuffled */
	check_samples(v, n);
	free(v);
}

static void uniform_random_samples(void **state)
{
	size_t n = 200000;
	uint64_t *v = malloc(n * sizeof *v), s = 1;
	(void)state;

	assert_non_null(v);
	for (size_t i = 0; i < n; i++)
		v[i] = 20000 + next_random(&s) % 5000000; /* 20 µs to 5 ms, in ns */
	check_samples(v, n);
	free(v);
}

static void exponential_samples(void **state)
{
	size_t n = 200000;
	uint64_t *v = malloc(n * sizeof *v), s = 7;
	(void)state;

	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		double u = (double)((next_random(&s) >> 11) + 1) / 9007199254740992.0; /* (0, 1] */
		v[i] = (uint64_t)(-ln(u) * 50000.0) + 1; /* mean 50 µs, in ns */
	}
	check_samples(v, n);
	free(v);
}

static void constant_samples_are_exact(void **state)
{
	uint64_t v[1000];
	(void)state;

	for (size_t i = 0; i < 1000; i++)
		v[i] = 123457;
	check_samples(v, 1000);
	for (int k = 0; k < PER_MILLION_N; k++)
		assert_int_equal(okb_hist_percentile(&h, per_million[k]), 123457);
}

/* 9990 samples near 30 µs and ten of a second: p99.9 is still near 30 µs, p99.99 a second. */
static void a_few_outliers(void **state)
{
	size_t n = 10000;
	uint64_t v[10000], s = 3;
	(void)state;

	for (size_t i = 0; i < n; i++)
		v[i] = i < 10 ? 1000000000 + i : 29000 + next_random(&s) % 2000;
	check_samples(v, n);
	assert_true(okb_hist_percentile(&h, 999000) < 31100);
	assert_true(okb_hist_percentile(&h, 999100) >= 1000000000 * 0.99);
	assert_int_equal(okb_hist_percentile(&h, 1000000), 1000000009);
}

static void small_values_are_exact(void **state)
{
	uint64_t v[256];
	(void)state;

	for (size_t i = 0; i < 256; i++)
		v[i] = i;
	check_samples(v, 256);
	for (uint64_t x = 0; x < (uint64_t)2 * OKB_HIST_SUB; x++) {
		assert_int_equal(okb_hist_bucket_low(okb_hist_bucket(x)), x);
		assert_int_equal(okb_hist_bucket_high(okb_hist_bucket(x)), x);
	}
}

/* The buckets tile every uint64_t without a gap, and none is wider than 1/128 of its start. */
static void buckets_tile_the_range(void **state)
{
	(void)state;

	assert_int_equal(okb_hist_bucket_low(0), 0);
	for (unsigned b = 0; b + 1 < OKB_HIST_BUCKETS; b++) {
		uint64_t low = okb_hist_bucket_low(b), high = okb_hist_bucket_high(b);
		assert_int_equal(okb_hist_bucket_low(b + 1), high + 1);
		assert_int_equal(okb_hist_bucket(low), b);
		assert_int_equal(okb_hist_bucket(high), b);
		assert_true(high - low <= (low >> OKB_HIST_SUB_BITS));
	}
	assert_int_equal(okb_hist_bucket_high(OKB_HIST_BUCKETS - 1), UINT64_MAX);
	assert_int_equal(okb_hist_bucket(UINT64_MAX), OKB_HIST_BUCKETS - 1);
}

static void empty_and_weighted(void **state)
{
	(void)state;

	okb_hist_reset(&h);
	assert_int_equal(okb_hist_percentile(&h, 500000), 0);
	assert_int_equal(h.total, 0);
	okb_hist_record(&h, 5000, 0); /* no samples: nothing changes */
	assert_int_equal(h.total, 0);
	okb_hist_record(&h, 1000, 99);
	okb_hist_record(&h, UINT64_MAX, 1);
	assert_int_equal(h.total, 100);
	/* 1000's bucket is [1000, 1003]: it stands for its middle, 1001 (0.1% off). */
	assert_int_equal(okb_hist_percentile(&h, 990000), 1001);
	/* The 100th sample is in the top bucket, [255 * 2^56, 2^64 - 1]: its middle. */
	assert_int_equal(okb_hist_percentile(&h, 990001), 0xFF7FFFFFFFFFFFFFull);
	assert_int_equal(okb_hist_percentile(&h, 1000000), UINT64_MAX);
	assert_int_equal(h.min, 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uniform_samples),
		cmocka_unit_test(uniform_random_samples),
		cmocka_unit_test(exponential_samples),
		cmocka_unit_test(constant_samples_are_exact),
		cmocka_unit_test(a_few_outliers),
		cmocka_unit_test(small_values_are_exact),
		cmocka_unit_test(buckets_tile_the_range),
		cmocka_unit_test(empty_and_weighted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
