/* okload.h - the parts of okload, the benchmark's load generator for any line server. */
#ifndef OKLOAD_H
#define OKLOAD_H

#include <stdint.h>
#include <netinet/in.h>

/* duration: warm up, then measure for a time; count: exactly N lines; idle: one line, then hold. */
enum load_mode { MODE_DURATION, MODE_COUNT, MODE_IDLE };

struct load_opts {
	enum load_mode mode;
	struct sockaddr_in addr;
	const char *unix_path;  /* "unix:PATH" given instead of HOST PORT; else NULL */
	unsigned long conns;    /* C connections */
	unsigned long pipeline; /* P lines per batch; the next batch goes when all P are answered */
	unsigned long seconds;  /* measuring time, or holding time in idle mode */
	unsigned long warmup;   /* seconds before measuring starts (duration mode) */
	unsigned long lines;    /* total lines in count mode */
	unsigned long timeout;  /* seconds allowed to connect, to drain, and for a whole count run */
	const char *message;    /* one line's content; LF is appended */
};

struct load_result {
	uint64_t sent;          /* lines sent over the whole run */
	uint64_t replies;       /* reply lines received over the whole run */
	uint64_t measured;      /* replies received inside the measuring window */
	double seconds;         /* length of the measuring window */
	uint64_t p50_us, p99_us, p999_us;
	unsigned long closed;   /* connections the server closed before we were done */
	uint64_t excess;        /* reply lines beyond the lines sent: the server is not line-for-line */
	int interrupted;        /* stopped by SIGINT/SIGTERM or by the time limit */
};

/* Latency histogram: about 3% resolution from 1 us to days, constant memory and cost. */
#define HIST_SUB_BITS 5
#define HIST_BUCKETS (64 * (1 << HIST_SUB_BITS))

struct hist {
	uint64_t count[HIST_BUCKETS];
	uint64_t total;
};

void hist_add(struct hist *h, uint64_t us, uint64_t n);
/* The value at or below which a fraction q (0 < q <= 1) of the samples lie; 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double q);

/* Runs the load the options describe; 0, or -1 after printing why it could not run. */
int load_run(const struct load_opts *o, struct load_result *r);

/* Set by SIGINT/SIGTERM: the loop stops, what was measured is still reported. */
extern volatile int load_stop;

#endif
