/* server.h - one okserver's running state: what the loop and the connections share. */
#ifndef OK_SERVER_H
#define OK_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "deadline.h"
#include "framer.h"
#include "oklimits.h"
#include "options.h" /* struct server_config */
#include "stats.h"
#include "util.h" /* ok_now_ms */

struct conn;
struct backend;
struct printer;
struct admit;
struct ok_tls_ctx;

struct server {
	const struct server_config *cfg; /* what the command line asked for: read, never changed */
	struct backend *backend; /* loop.c is its one caller */
	uint8_t *watched;        /* loop.c's: per descriptor, what the backend was told */
	int listen_fds[OK_MAX_LISTENERS]; /* main's listeners, all watched alike */
	bool listen_tls[OK_MAX_LISTENERS]; /* loop.c's: the listener is TCP and TLS is on */
	int n_listen;            /* 0 once the server stops listening (--once done, stopping) */
	struct ok_tls_ctx *tls;  /* --tls-*: what new TCP connections get (SIGHUP replaces it;
	                          * main frees the last one), or NULL: no TLS */
	int *ready;              /* loop.c's: connections to serve before the next wait, whose
	                          * transport holds input no event will announce (conn_has_input) */
	int n_ready;
	int *busy;               /* loop.c's: TLS connections that keep OpenSSL's buffers, looked at
	                          * each OK_TLS_COOL_MS (cool_at) until they are quiet */
	int n_busy;
	int64_t cool_at;
	int signal_fd;
	struct conn *conns;      /* the connection table, cfg->table_size records by descriptor */
	unsigned counted_clients;  /* open connections that count against max_clients */
	unsigned open_conns;     /* every open connection, those refused with "ERR server full"
	                          * (still ending) included: the loop runs until none is left */
	bool once_done, stopping, accept_paused, fd_freed, now_valid;
	int stop_signal;         /* the signal that began the stop (SIGTERM, SIGINT, SIGHUP), 0
	                          * when none did: why main's stop line says it stopped */
	bool reading_paused;     /* --print: the printer is full, open connections are not read
	                          * (conn.c sets it, loop.c clears it once the printer drains) */
	bool conns_parked;       /* loop.c's: the backend was told reading_paused */
	bool stdout_watched;     /* loop.c's: --print, standard output is watched for writing */
	int log_watched;         /* loop.c's: the log's descriptor, watched for writing while
	                          * lines wait for it (log.h); -1 when not */
	struct server_stats stats; /* SIGUSR1's counters */
	struct printer *printer; /* --print, or NULL */
	int64_t now, accept_retry_at, stop_at, emfile_logged_at;
	struct deadline_list idle, ending;
	struct deadline_list handshake; /* a PROXY header's deadline (OK_HANDSHAKE_MS) */
	struct admit *admit;     /* who may connect (admit.h): main's, never NULL while serving */
	char in[OK_READ_CHUNK];                    /* one read of any connection, framed in place */
	char out[OK_FRAMER_OUT_MAX(OK_READ_CHUNK)]; /* the replies to that read */
};

/* Milliseconds on the monotonic clock, read at most once per wake-up: the loop drops the value
 * kept (now_valid) whenever it has waited. */
static inline int64_t server_now(struct server *s)
{
	if (!s->now_valid) {
		s->now = ok_now_ms();
		s->now_valid = true;
	}
	return s->now;
}

#endif
