/* okbench.h - what okbench's parts share: options, exit statuses, the target, the run's result. */
#ifndef OKBENCH_H
#define OKBENCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "err.h"
#include "hist.h"
#include "netaddr.h"
#include "tls.h"

/* Every constant a user can observe, named once; --help and okbench(1) document them. The
 * default host and port are common/util.h's OK_DEFAULT_ADDR and OK_DEFAULT_PORT. */
#define OKB_DEFAULT_CONNS 50
#define OKB_CONNS_MAX 100000UL
#define OKB_DEFAULT_DEPTH 1
#define OKB_DEPTH_MAX 1024UL
#define OKB_DEFAULT_SECS 10
#define OKB_SECS_MAX 86400UL
#define OKB_DEFAULT_WARMUP 1
#define OKB_WARMUP_MAX 3600UL
#define OKB_LINES_MAX 4000000000UL       /* -n; fits a 32-bit unsigned long */
#define OKB_RATE_MAX 10000000UL          /* -R, lines per second */
#define OKB_DEFAULT_LINE "PING"
#define OKB_LINE_MAX 65536UL             /* --line's bytes: okserver's default --max-line */
#define OKB_CONNECT_MS 10000             /* each connection's connect, at most */
#define OKB_HANDSHAKE_MS 10000           /* TLS: the handshakes, at most, since the last done */
#define OKB_HANDSHAKES_AT_ONCE 64        /* TLS: handshakes in progress at once, at most */
#define OKB_DRAIN_MS 5000                /* after the last line is sent, waiting for replies */
#define OKB_STATUS_MS 1000               /* the status line's redraw */
/* -U's longest path: what sun_path holds with its NUL (107 bytes on Linux). */
#define OKB_UNIX_PATH_MAX (sizeof ((struct sockaddr_un *)0)->sun_path - 1)
#define OKB_HOST_MAX 255                 /* a DNS name's longest text, and then some */

/* Exit status, okbench(1). */
enum okb_exit {
	OKB_EXIT_OK = 0,       /* the run completed: no error, nothing lost */
	OKB_EXIT_FAILED = 1,   /* errors, lost replies, a connection the server closed; or a local failure */
	OKB_EXIT_CONNECT = 2,  /* a connection could not be opened */
	OKB_EXIT_TLS = 8,      /* TLS failed: a file of --tls-..., a handshake, a refused certificate */
	OKB_EXIT_USAGE = 64
};

enum okb_format { OKB_FORMAT_TEXT, OKB_FORMAT_CSV, OKB_FORMAT_JSON };

struct okb_options {
	int family;                 /* -4 AF_INET, -6 AF_INET6, else AF_UNSPEC */
	const char *unix_path;      /* -U, or NULL */
	char host[OKB_HOST_MAX + 1];/* HOST, brackets and ":PORT" taken off */
	uint16_t port;
	unsigned long conns;        /* -c */
	unsigned long depth;        /* -P: lines in flight on a connection, at most */
	unsigned long seconds;      /* -d; 0 with -n */
	unsigned long lines;        /* -n; 0 with -d */
	unsigned long rate;         /* -R: lines per second in all; 0: as fast as replies come */
	unsigned long warmup;       /* --warmup, seconds */
	const char *line;           /* --line: each line's content; LF is added */
	int idle;                   /* --idle: one line a connection, then hold them */
	enum okb_format format;
	int tls;                    /* --tls, or any --tls-... option */
	const char *tls_first;      /* the first TLS option given, without its "--" */
	struct ok_tls_client_conf tls_conf; /* --tls-ca, --tls-cert ... as tls.h takes them */
};

/* What okb_parse_options asks main to do. */
enum okb_action { OKB_RUN, OKB_HELP, OKB_VERSION, OKB_USAGE_ERROR };

/* options.c: pure parsing; on OKB_USAGE_ERROR, e holds the message (no program name). */
enum okb_action okb_parse_options(int argc, char **argv, struct okb_options *o,
                                  struct ok_err *e);
void okb_print_usage(void);
void okb_print_version(void);

/* Where the connections go: one address, found once. */
struct okb_target {
	struct sockaddr_storage addr;
	socklen_t len;
	char name[OK_SOCKADDR_STRLEN];  /* "127.0.0.1:4242", "[::1]:4242", "unix:PATH" */
	char peer[OKB_HOST_MAX + 1];    /* what a TLS server's certificate must be for: HOST when it
	                                   is a name, else the address ("::1", no brackets) */
};

/*
 * target.c: the first connection. -U's path, a numeric HOST, or a name resolved for -4/-6's
 * family (each of its addresses tried in turn until one connects); t names the address that
 * worked. The fd, or -1 with e->code the exit status (64: HOST is meant as an address but is
 * none, or is of the other family; 2: not found, or no address connects) and e->msg.
 */
int okb_connect_first(const struct okb_options *o, struct okb_target *t, struct ok_err *e);
/* Another connection to t's address (a full Unix backlog is waited for); fd or -1 with e. */
int okb_connect_again(const struct okb_target *t, struct ok_err *e);

/* What a run measured. Counts are of the measured lines: those sent (without -R) or due
 * (with -R) after the warm-up. */
struct okb_result {
	uint64_t replies;           /* reply lines received, ERR lines included */
	uint64_t errors;            /* replies starting "ERR", and lines with no line to answer */
	uint64_t lost;              /* sent and never answered when the run ended */
	uint64_t unsent;            /* -R: due, but no connection was free to send it by the end */
	unsigned long failed;       /* connections not opened, or closed by the server */
	unsigned long unopened;     /* of those, the ones that could not be opened */
	unsigned long skipped;      /* not opened (or their TLS handshake cut short) because a stop
	                               came first: not failures */
	double duration_s;          /* from the end of the warm-up to the last reply */
	struct okb_hist hist;       /* latency in nanoseconds */
	struct okb_target target;
	struct ok_err connect_err;  /* the first connection that could not be opened */
	unsigned long tls_failed;   /* of the failed: a handshake, or a TLS alert or bad record */
	struct ok_err tls_err;      /* the first of those: "TLS handshake with ADDR: why" */
	char tls_session[384];      /* "TLSv1.3 TLS_AES_256_GCM_SHA384, certificate verified for
	                               NAME" (the first connection's), "" without TLS */
};

/* run.c: the load, one poll loop over every connection. Opens o->conns connections (the first
 * already open: fd), each made a TLS stream from tls when it is not NULL, its handshake done
 * before the load starts; runs, fills r. 0, or -1 with e: e->code OKB_EXIT_TLS when the first
 * connection's handshake failed (nothing was run), else a local failure (memory, poll). */
int okb_run(const struct okb_options *o, struct ok_tls_ctx *tls, int fd, struct okb_result *r,
            struct ok_err *e);

/* Set by SIGINT/SIGTERM (main.c): the first ends the run early, the second stops waiting. */
extern volatile sig_atomic_t okb_stop;

/* report.c: the result on standard output, in o->format. */
void okb_report(const struct okb_options *o, const struct okb_result *r);
/* The status line on standard error (a terminal): drawn over itself; cleared by okb_status_clear. */
void okb_status_show(double elapsed_s, int warming, double per_s, uint64_t p99_ns);
void okb_status_clear(void);

#endif
