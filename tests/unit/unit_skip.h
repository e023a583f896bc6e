/* unit_skip.h - how a unit test skips: a skip locally, a failure under OK_STRICT_SKIPS=1 (CI). */
#ifndef OK_UNIT_SKIP_H
#define OK_UNIT_SKIP_H

/* Include after <cmocka.h> (which needs <stdarg.h>, <stddef.h>, <stdint.h>, <setjmp.h>). */
#include <stdlib.h>
#include <string.h>

/* CI sets OK_STRICT_SKIPS=1 so that a test that did not run cannot pass for green; the bats
 * tests read the same variable (tests/helpers.bash), and tests/run.sh fails any skip left. */
static inline int unit_strict_skips(void)
{
	const char *v = getenv("OK_STRICT_SKIPS");

	return v != NULL && strcmp(v, "1") == 0;
}

/* UNIT_SKIP("why"): ends the current test as skipped, or as failed in strict mode. A macro,
 * so that cmocka reports the caller's file and line. */
#define UNIT_SKIP(reason) \
	do { \
		if (unit_strict_skips()) \
			fail_msg("skipped in strict mode: %s", (reason)); \
		skip(); \
	} while (0)

#endif
