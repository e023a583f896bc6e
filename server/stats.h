/* stats.h - okserver's counters since start, and the one log line SIGUSR1 asks for. */
#ifndef OK_STATS_H
#define OK_STATS_H

#include <stdint.h>

/*
 * Counted where each thing happens: accepted and refused in loop.c and conn.c as a connection
 * comes in, lines where the framer produces replies (conn.c's read_and_answer), bytes at every
 * recv and send. A reply counted in lines was produced and queued; if its connection then fails,
 * it was never sent, which only an error can cause.
 */
struct server_stats {
	int64_t started_ms;      /* ok_now_ms() when the server started: for the uptime */
	uint64_t accepted;       /* every connection accepted, refused and denied ones included */
	uint64_t refused;        /* those told "ERR server full" or "ERR too many connections" */
	uint64_t lines;          /* replies: OK lines and Q echoes */
	uint64_t bytes_in, bytes_out; /* every byte received and sent, ERR lines included (over
	                               * TLS: the bytes inside it, as the protocol sees them) */
	uint64_t tls_failed;     /* connections on a TLS listener whose handshake did not finish:
	                          * refused by TLS, broken, past the deadline, or cut by a stop */
	uint64_t denied;         /* peers the access rules closed at once (admit.c) */
};

/* Logs "stats: uptime_s=U open=O accepted=A refused=R lines=L bytes_in=I bytes_out=B", in a
 * build with TLS " tls_failed=T" (whether TLS is on or not: one format per build), then
 * " denied=D" (last, SPEC 11);
 * open is the number of connections open now, now_ms the monotonic clock. */
void stats_log(const struct server_stats *st, unsigned open, int64_t now_ms);

#endif
