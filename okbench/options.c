/* options.c - okbench's command line: getopt_long, range-checked numbers, HOST[:PORT], help. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "okbench.h"
#include "optdiag.h"
#include "tls.h"
#include "util.h"
#include "version.h"

/* The long options without a short one; the TLS ones last: c >= OPT_TLS is a TLS option. */
enum {
	OPT_LINE = 256, OPT_WARMUP, OPT_FORMAT, OPT_IDLE,
	OPT_TLS, OPT_TLS_INSECURE, OPT_TLS_CA, OPT_TLS_CERT, OPT_TLS_KEY, OPT_TLS_SERVERNAME
};

/* The short options for getopt; the leading ":" asks it to report a missing value apart. */
#define SHORT_OPTIONS ":46U:c:P:d:n:R:hV"

/* Every option but TLS's, the same in every build. */
#define PLAIN_OPTIONS \
	{ "unix", required_argument, NULL, 'U' }, \
	{ "line", required_argument, NULL, OPT_LINE }, \
	{ "warmup", required_argument, NULL, OPT_WARMUP }, \
	{ "format", required_argument, NULL, OPT_FORMAT }, \
	{ "idle", no_argument, NULL, OPT_IDLE }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }

/* SPEC 10's TLS options, as okclient has them, in a build with TLS. */
static const struct option tls_options[] = {
	PLAIN_OPTIONS,
	{ "tls", no_argument, NULL, OPT_TLS },
	{ "tls-insecure", no_argument, NULL, OPT_TLS_INSECURE },
	{ "tls-ca", required_argument, NULL, OPT_TLS_CA },
	{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
	{ "tls-servername", required_argument, NULL, OPT_TLS_SERVERNAME },
	{ NULL, 0, NULL, 0 }
};

/* In a build without TLS the same names are known, so that each is refused by name whatever
 * follows it (optional values: no "needs a value" first). */
static const struct option no_tls_options[] = {
	PLAIN_OPTIONS,
	{ "tls", optional_argument, NULL, OPT_TLS },
	{ "tls-insecure", optional_argument, NULL, OPT_TLS_INSECURE },
	{ "tls-ca", optional_argument, NULL, OPT_TLS_CA },
	{ "tls-cert", optional_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", optional_argument, NULL, OPT_TLS_KEY },
	{ "tls-servername", optional_argument, NULL, OPT_TLS_SERVERNAME },
	{ NULL, 0, NULL, 0 }
};

/* The table this build parses with. */
static const struct option *long_options(void)
{
	return ok_tls_available() ? tls_options : no_tls_options;
}

/* --help's lines for the TLS options: what they do, or that this build has none. */
static void print_tls_usage(void)
{
	if (!ok_tls_available()) {
		printf("      --tls ...      TLS and its options: this build has no TLS\n");
		return;
	}
	printf("      --tls          speak TLS to HOST PORT (not with -U); each --tls-...\n"
	       "                     option below implies it\n"
	       "      --tls-ca FILE  verify the server with the CAs in FILE (default: the\n"
	       "                     system's trust store) and against HOST\n"
	       "      --tls-servername NAME\n"
	       "                     send and match NAME instead of HOST\n"
	       "      --tls-insecure do not verify the server (said on standard error)\n"
	       "      --tls-cert FILE, --tls-key FILE\n"
	       "                     present this client certificate (both or neither)\n");
}

void okb_print_usage(void)
{
	printf("Usage: okbench [-4|-6] [--tls ...] [-c CONNS] [-P DEPTH] [-d SECS | -n LINES]\n"
	       "               [-R RATE] [--line TEXT] [--warmup SECS] [--format text|csv|json]\n"
	       "               [--idle] [HOST [PORT] | HOST:PORT | [IPV6]:PORT]\n"
	       "       okbench -U PATH [OPTIONS]\n"
	       "Loads a line server (okserver, redis-server ...) from many connections driven\n"
	       "by one event loop; reports replies per second, errors, lost replies and latency\n"
	       "percentiles (min, p50 ... p99.99, max, in microseconds).\n"
	       "\n"
	       "  HOST               IPv4 address (127.1 works), IPv6 address (::1 or [::1])\n"
	       "                     or name; default %s\n"
	       "  PORT               1-65535; default %d\n"
	       "  -4, -6             use IPv4 only, or IPv6 only\n"
	       "  -U, --unix PATH    connect to the Unix-domain socket PATH instead\n"
	       "  -c CONNS           connections (1-%lu; default %d)\n"
	       "  -P DEPTH           lines in flight on a connection, sent in one write; the\n"
	       "                     next batch when all are answered (1-%lu; default %d)\n"
	       "  -d SECS            measure for SECS (1-%lu; default %d)\n"
	       "  -n LINES           measure until LINES replies have come, instead of -d\n"
	       "  -R RATE            RATE lines per second in all (1-%lu), on a fixed\n"
	       "                     schedule; latency counts from when each line was due\n"
	       "      --line TEXT    each line's content, LF added (default %s; at most\n"
	       "                     %lu bytes)\n"
	       "      --warmup SECS  run SECS first, not counted (0-%lu; default %d)\n"
	       "      --format FMT   text (the default, with a histogram), csv or json\n"
	       "      --idle         one line on each connection, then hold them all open\n"
	       "                     for -d SECS (to see a server's memory per connection)\n",
	       OK_DEFAULT_ADDR, OK_DEFAULT_PORT, OKB_CONNS_MAX, OKB_DEFAULT_CONNS, OKB_DEPTH_MAX,
	       OKB_DEFAULT_DEPTH, OKB_SECS_MAX, OKB_DEFAULT_SECS, OKB_RATE_MAX, OKB_DEFAULT_LINE,
	       OKB_LINE_MAX, OKB_WARMUP_MAX, OKB_DEFAULT_WARMUP);
	print_tls_usage();
	printf("  -h, --help         show this help and exit\n"
	       "  -V, --version      show the version and exit\n"
	       "\n"
	       "Exit status: 0 the run completed, no error, nothing lost; 1 errors or lost\n"
	       "replies; 2 could not connect; 8 TLS failed; 64 usage error.\n");
}

void okb_print_version(void)
{
	printf("okbench (okchat) %s\n"
	       "TLS: %s\n"
	       "%s\n",
	       OK_VERSION, ok_tls_version(), OK_COPYRIGHT);
}

/* One numeric option through the project's one parser; the message names option and value. */
static int parse_number(const char *name, const char *arg, unsigned long min, unsigned long max,
                        unsigned long *out, struct ok_err *e)
{
	const char *why;

	if (ok_parse_number(arg, min, max, out, &why) == 0)
		return 0;
	ok_err_set(e, OKB_EXIT_USAGE, 0, "%s %s: %s (%lu-%lu)", name, why, arg, min, max);
	return -1;
}

static int parse_format(const char *arg, struct okb_options *o, struct ok_err *e)
{
	if (strcmp(arg, "text") == 0)
		o->format = OKB_FORMAT_TEXT;
	else if (strcmp(arg, "csv") == 0)
		o->format = OKB_FORMAT_CSV;
	else if (strcmp(arg, "json") == 0)
		o->format = OKB_FORMAT_JSON;
	else {
		ok_err_set(e, OKB_EXIT_USAGE, 0, "--format not text, csv or json: %s", arg);
		return -1;
	}
	return 0;
}

/* --line: one line's content, so no LF in it, and no longer than a server takes by default. */
static int parse_line(const char *arg, struct okb_options *o, struct ok_err *e)
{
	size_t len = strlen(arg);

	if (strchr(arg, '\n') != NULL)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "--line holds a newline: one line's content is wanted");
	else if (len > OKB_LINE_MAX)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "--line too long: %zu bytes (at most %lu)", len, OKB_LINE_MAX);
	else {
		o->line = arg;
		return 0;
	}
	return -1;
}

/* -U's path: not empty, and short enough for a socket address. */
static int parse_unix_path(const char *arg, struct okb_options *o, struct ok_err *e)
{
	size_t len = strlen(arg);

	if (len == 0 || len > OKB_UNIX_PATH_MAX) {
		ok_err_set(e, OKB_EXIT_USAGE, 0, len == 0 ? "-U: unix socket path is empty" :
		         "-U: unix socket path too long: %zu bytes (at most %zu)", len, OKB_UNIX_PATH_MAX);
		return -1;
	}
	o->unix_path = arg;
	return 0;
}

/* One option's value into o; 0, or -1 with err set. */
static int take_option(int c, const char *arg, struct okb_options *o, struct ok_err *e)
{
	switch (c) {
	case '4': o->family = AF_INET; return 0;
	case '6': o->family = AF_INET6; return 0;
	case 'U': return parse_unix_path(arg, o, e);
	case 'c': return parse_number("-c", arg, 1, OKB_CONNS_MAX, &o->conns, e);
	case 'P': return parse_number("-P", arg, 1, OKB_DEPTH_MAX, &o->depth, e);
	case 'd': return parse_number("-d", arg, 1, OKB_SECS_MAX, &o->seconds, e);
	case 'n': return parse_number("-n", arg, 1, OKB_LINES_MAX, &o->lines, e);
	case 'R': return parse_number("-R", arg, 1, OKB_RATE_MAX, &o->rate, e);
	case OPT_WARMUP:
		return parse_number("--warmup", arg, 0, OKB_WARMUP_MAX, &o->warmup, e);
	case OPT_LINE: return parse_line(arg, o, e);
	case OPT_FORMAT: return parse_format(arg, o, e);
	case OPT_IDLE: o->idle = 1; return 0;
	default: return -1;
	}
}

/* A TLS option (a build with TLS): each one turns TLS on; o->tls_first names the first. */
static int take_tls_option(int c, const char *name, const char *arg, struct okb_options *o,
                           struct ok_err *e)
{
	if (o->tls_first == NULL)
		o->tls_first = name;
	o->tls = 1;
	switch (c) {
	case OPT_TLS_INSECURE: o->tls_conf.insecure = 1; break;
	case OPT_TLS_CA: o->tls_conf.ca = arg; break;
	case OPT_TLS_CERT: o->tls_conf.cert = arg; break;
	case OPT_TLS_KEY: o->tls_conf.key = arg; break;
	case OPT_TLS_SERVERNAME:
		if (arg[0] == '\0') {
			ok_err_set(e, OKB_EXIT_USAGE, 0, "--tls-servername is empty: a name is wanted");
			return -1;
		}
		o->tls_conf.servername = arg;
		break;
	default: break;
	}
	return 0;
}

/* Options that cannot go together, one check a line; 0 or -1 with err set. */
static int check_combination(int argc, char **argv, int seconds_given,
                             const struct okb_options *o, struct ok_err *e)
{
	if (o->unix_path != NULL && o->family != AF_UNSPEC)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "-U cannot be used with -%c", o->family == AF_INET ? '4' : '6');
	else if (o->unix_path != NULL && o->tls)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "-U cannot be used with --%s (TLS is for TCP only)", o->tls_first);
	else if (o->tls_conf.cert != NULL && o->tls_conf.key == NULL)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "--tls-cert needs --tls-key");
	else if (o->tls_conf.key != NULL && o->tls_conf.cert == NULL)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "--tls-key needs --tls-cert");
	else if (o->unix_path != NULL && optind < argc)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "-U takes no HOST or PORT: %s", argv[optind]);
	else if (seconds_given && o->lines != 0)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "-d and -n cannot be used together: give one");
	else if (o->idle && o->lines != 0)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "--idle cannot be used with -n");
	else if (o->idle && o->rate != 0)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "--idle cannot be used with -R");
	else
		return 0;
	return -1;
}

/* Stores a host text (brackets kept: they mark IPv6); 0 or -1 with err set. */
static int store_host(struct okb_options *o, const char *text, size_t len, struct ok_err *e)
{
	if (len == 0)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "host is empty");
	else if (len > OKB_HOST_MAX)
		ok_err_set(e, OKB_EXIT_USAGE, 0, "host too long: %zu bytes (at most %d)", len, OKB_HOST_MAX);
	else {
		memcpy(o->host, text, len);
		o->host[len] = '\0';
		return 0;
	}
	return -1;
}

static int store_port(struct okb_options *o, const char *arg, struct ok_err *e)
{
	const char *why;

	if (ok_parse_port(arg, &o->port, &why) < 0 || (o->port == 0 && (why = "too small"))) {
		ok_err_set(e, OKB_EXIT_USAGE, 0, "port %s: %s (1-65535)", why, arg);
		return -1;
	}
	return 0;
}

/* HOST [PORT], or HOST:PORT; all optional; 0 or -1 with err set. */
static int parse_operands(int argc, char **argv, struct okb_options *o, struct ok_err *e)
{
	int left = argc - optind;
	const char *port;
	size_t hostlen;

	if (left > 2) {
		ok_err_set(e, OKB_EXIT_USAGE, 0, "too many arguments: %s", argv[optind + 2]);
		return -1;
	}
	if (left == 0)
		return 0;
	port = ok_split_host_port(argv[optind], &hostlen);
	if (store_host(o, argv[optind], hostlen, e) < 0)
		return -1;
	if (port != NULL && left == 2) {
		ok_err_set(e, OKB_EXIT_USAGE, 0, "port given twice: %s and %s", argv[optind], argv[optind + 1]);
		return -1;
	}
	if (port == NULL && left == 2)
		port = argv[optind + 1];
	return port != NULL ? store_port(o, port, e) : 0;
}

/* getopt_long's ':' or '?' as a message, abbreviations named in full. */
static void describe_mistake(int c, const char *word, struct ok_err *e)
{
	const struct ok_optdiag_table table = { SHORT_OPTIONS, long_options(), OK_OPTDIAG_EXPAND };
	char subject[192];
	const char *problem =
		ok_describe_getopt_error(&table, c, optopt, word, subject, sizeof subject);

	ok_err_set(e, OKB_EXIT_USAGE, 0, "%s: %s", problem, subject);
}

/* A TLS option, named in full however it was typed ("--tls-c=FILE" is --tls-cert). */
static void refuse_tls(int longindex, struct ok_err *e)
{
	ok_err_set(e, OKB_EXIT_USAGE, 0, "--%s: this build has no TLS (okbench --version says TLS: no)",
	         no_tls_options[longindex].name);
}

static void set_defaults(struct okb_options *o)
{
	memset(o, 0, sizeof *o);
	o->family = AF_UNSPEC;
	memcpy(o->host, OK_DEFAULT_ADDR, sizeof OK_DEFAULT_ADDR);
	o->port = OK_DEFAULT_PORT;
	o->conns = OKB_DEFAULT_CONNS;
	o->depth = OKB_DEFAULT_DEPTH;
	o->warmup = OKB_DEFAULT_WARMUP;
	o->line = OKB_DEFAULT_LINE;
	o->format = OKB_FORMAT_TEXT;
}

enum okb_action okb_parse_options(int argc, char **argv, struct okb_options *o, struct ok_err *e)
{
	const struct option *table = long_options();
	int c, longindex, seconds_given = 0;

	set_defaults(o);
	optind = 0; /* glibc: a full reset, so the parser can run more than once (unit tests) */
	opterr = 0; /* we word the message ourselves */
	while ((c = getopt_long(argc, argv, SHORT_OPTIONS, table, &longindex)) != -1) {
		if (c == 'h')
			return OKB_HELP;
		if (c == 'V')
			return OKB_VERSION;
		if (c >= OPT_TLS && !ok_tls_available()) {
			refuse_tls(longindex, e);
			return OKB_USAGE_ERROR;
		}
		if (c == ':' || c == '?') {
			describe_mistake(c, argv[optind - 1], e);
			return OKB_USAGE_ERROR;
		}
		seconds_given |= c == 'd';
		if ((c >= OPT_TLS ? take_tls_option(c, table[longindex].name, optarg, o, e)
		                  : take_option(c, optarg, o, e)) < 0)
			return OKB_USAGE_ERROR;
	}
	if (check_combination(argc, argv, seconds_given, o, e) < 0 ||
	    parse_operands(argc, argv, o, e) < 0)
		return OKB_USAGE_ERROR;
	if (o->lines == 0 && !seconds_given)
		o->seconds = OKB_DEFAULT_SECS;
	return OKB_RUN;
}
