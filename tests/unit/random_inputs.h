/* random_inputs.h - the seeded generator behind the unit tests' random comparisons with libc. */
#ifndef OK_RANDOM_INPUTS_H
#define OK_RANDOM_INPUTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

/*
 * OK_SEED=N replays a run (its seed is printed); OK_RANDOM_INPUTS=N sets how many inputs
 * (check-asan cuts it, as ASan makes each one dearer).
 */

/* splitmix64: small, fast, and the same sequence for the same seed everywhere. */
static uint64_t rng_state;
static inline uint64_t next_random(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Seeds the generator from OK_SEED, or from the clock; returns the seed to print. */
static inline uint64_t seed_random(void)
{
	const char *seed_env = getenv("OK_SEED");
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : (uint64_t)time(NULL);

	rng_state = seed;
	return seed;
}

/* How many random inputs a test runs: OK_RANDOM_INPUTS, or the test's own default. */
static inline unsigned long random_input_count(unsigned long fallback)
{
	const char *n_env = getenv("OK_RANDOM_INPUTS");

	return n_env ? strtoul(n_env, NULL, 10) : fallback;
}

/* Ends a run: fails naming the seed that replays it, or prints what was compared and the seed. */
static inline void end_random_run(unsigned long differences, uint64_t seed, const char *what)
{
	if (differences != 0)
		fail_msg("%lu differences; reproduce with OK_SEED=%llu", differences,
		         (unsigned long long)seed);
	print_message("# %s, seed %llu\n", what, (unsigned long long)seed);
}

#endif
