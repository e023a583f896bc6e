/* main.c - okload's command line: options, limits, signals, and the one-line report. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "netaddr.h"
#include "okload.h"

#define EXIT_LOST 2
#define EXIT_USAGE 64

static const char usage_text[] =
	"usage: okload [-c CONNS] [-P LINES] [-d SECS] [-w SECS] [-t SECS] [-m TEXT]\n"
	"              [-n LINES | -i] HOST PORT | unix:PATH\n"
	"  -c CONNS  connections (default 1)\n"
	"  -P LINES  lines in flight per connection, sent as one batch (default 1: ping-pong)\n"
	"  -d SECS   measure for SECS after the warm-up (default 5); with -i, hold SECS (default 60)\n"
	"  -w SECS   warm-up before measuring (default 1)\n"
	"  -n LINES  send exactly LINES lines in all, stop when all are answered\n"
	"  -i        idle: one round trip per connection, print \"holding N connections\", hold\n"
	"  -t SECS   limit on connecting, on draining, and on a whole -n or -i run (default 60)\n"
	"  -m TEXT   the line's content (default PING); every newline-terminated reply counts\n"
	"Prints one line: key=value pairs. Exit 0, 2 if replies were lost, 1 error, 64 usage.\n";

/* The problem (WHAT, and the input ARG when not NULL) on one line, then the usage; -1. */
static int usage(const char *what, const char *arg)
{
	if (what != NULL)
		fprintf(stderr, "okload: %s%s%s\n", what, arg != NULL ? ": " : "", arg != NULL ? arg : "");
	fputs(usage_text, stderr);
	return -1;
}

/* One numeric option through the project's one parser; the message names option and input. */
static int number(int opt, const char *s, unsigned long min, unsigned long max,
                  unsigned long *out)
{
	const char *why;

	if (ok_parse_number(s, min, max, out, &why) == 0)
		return 0;
	fprintf(stderr, "okload: -%c %s: %s\n", opt, why, s);
	return -1;
}

static int parse_option(int opt, const char *arg, struct load_opts *o, int *hold_given)
{
	switch (opt) {
	case 'c': return number(opt, arg, 1, 1000000, &o->conns);
	case 'P': return number(opt, arg, 1, 65536, &o->pipeline);
	case 'd': *hold_given = 1; return number(opt, arg, 1, 86400, &o->seconds);
	case 'w': return number(opt, arg, 0, 3600, &o->warmup);
	case 't': return number(opt, arg, 1, 86400, &o->timeout);
	case 'n': o->mode = MODE_COUNT; return number(opt, arg, 1, 1ul << 40, &o->lines);
	case 'i': o->mode = MODE_IDLE; return 0;
	case 'm': o->message = arg; return strchr(arg, '\n') ? usage("-m: no newline", NULL) : 0;
	case 'h': fputs(usage_text, stdout); return 1;
	default: return usage(NULL, NULL);
	}
}

/* 0 to run, 1 when help was shown, -1 after a usage error was printed. */
static int parse_args(int argc, char **argv, struct load_opts *o)
{
	int opt, hold_given = 0;
	uint16_t port;
	const char *why;

	*o = (struct load_opts){ .mode = MODE_DURATION, .conns = 1, .pipeline = 1, .seconds = 5,
	                         .warmup = 1, .timeout = 60, .message = "PING" };
	while ((opt = getopt(argc, argv, "c:P:d:w:t:n:im:h")) != -1) {
		int rc = parse_option(opt, optarg, o, &hold_given);
		if (rc != 0)
			return rc;  /* -1 usage error, 1 help shown */
	}
	if (argc - optind == 1 && strncmp(argv[optind], "unix:", 5) == 0)
		o->unix_path = argv[optind] + 5;
	else if (argc - optind != 2)
		return usage("expected HOST PORT or unix:PATH", NULL);
	else if (ok_parse_port(argv[optind + 1], &port, &why) < 0 || port == 0)
		return usage("port not valid", argv[optind + 1]);
	else if (ok_sockaddr_in(&o->addr, argv[optind], port) < 0)
		return usage("address not valid", argv[optind]);
	if (o->mode == MODE_COUNT && o->lines < o->conns)
		return usage("-n must be at least -c", NULL);
	if (o->mode == MODE_IDLE) {
		o->pipeline = 1;
		o->lines = o->conns;
		o->seconds = hold_given ? o->seconds : 60;
	}
	return 0;
}

/* Each connection is a descriptor: take the hard limit when the soft one is too small. */
static int raise_fd_limit(unsigned long conns)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)conns + 16;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max < need) {
		fprintf(stderr, "okload: %lu connections need %lu descriptors, the hard limit is %lu\n",
		        conns, (unsigned long)need, (unsigned long)rl.rlim_max);
		return -1;
	}
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

static void on_stop(int sig)
{
	(void)sig;
	load_stop = 1;
}

/* No SA_RESTART: a signal wakes epoll_wait, the loop sees the flag and reports. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static void report(const struct load_opts *o, const struct load_result *r)
{
	static const char *const modes[] = { "duration", "count", "idle" };
	double rate = r->seconds > 0 ? (double)r->measured / r->seconds : 0;

	printf("mode=%s conns=%lu pipeline=%lu seconds=%.3f sent=%llu replies=%llu "
	       "replies_per_s=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f lost=%llu closed=%lu "
	       "excess=%llu interrupted=%d\n",
	       modes[o->mode], o->conns, o->pipeline, r->seconds, (unsigned long long)r->sent,
	       (unsigned long long)r->replies, rate, (double)r->p50_us,
	       (double)r->p99_us, (double)r->p999_us,
	       (unsigned long long)(r->sent - r->replies), r->closed,
	       (unsigned long long)r->excess, r->interrupted);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct load_opts o;
	struct load_result r;
	int rc = parse_args(argc, argv, &o);

	if (rc != 0)
		return rc > 0 ? 0 : EXIT_USAGE;
	if (raise_fd_limit(o.conns) < 0)
		return 1;
	catch_signals();
	if (load_run(&o, &r) < 0)
		return 1;
	report(&o, &r);
	return r.sent != r.replies || r.closed > 0 || r.excess > 0 ? EXIT_LOST : 0;
}
