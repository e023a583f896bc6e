/* stats.c - okserver's counters since start, and the one log line SIGUSR1 asks for. */
#include <stdio.h>

#include "log.h"
#include "stats.h"
#include "tls.h" /* ok_tls_available */

void stats_log(const struct server_stats *st, unsigned open, int64_t now_ms)
{
	int64_t up = now_ms > st->started_ms ? (now_ms - st->started_ms) / 1000 : 0;
	char tls[40] = "";

	if (ok_tls_available())
		snprintf(tls, sizeof tls, " tls_failed=%llu", (unsigned long long)st->tls_failed);
	server_log("stats: uptime_s=%lld open=%u accepted=%llu refused=%llu lines=%llu "
	           "bytes_in=%llu bytes_out=%llu%s"
	           " denied=%llu",
	           (long long)up, open, (unsigned long long)st->accepted,
	           (unsigned long long)st->refused, (unsigned long long)st->lines,
	           (unsigned long long)st->bytes_in, (unsigned long long)st->bytes_out, tls,
	           (unsigned long long)st->denied);
}
