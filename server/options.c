/* options.c - okserver's options: getopt_long, one range-checked parser, usage and version. */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "backend.h" /* backend_name */
#include "cidr.h"    /* ok_cidr_parse: --allow, --deny, --proxy-from */
#include "netaddr.h"
#include "oklimits.h"
#include "optdiag.h"
#include "options.h"
#include "tls.h" /* ok_tls_available, ok_tls_version */
#include "util.h"
#include "version.h"

/* The leading ':' makes a missing value ':' rather than '?'. */
static const char short_options[] = ":p:b:U:dvhV";

enum { OPT_ONCE = 256, OPT_MAX_CLIENTS, OPT_MAX_LINE, OPT_IDLE_TIMEOUT, OPT_PIDFILE,
       OPT_UNIX_MODE, OPT_LOG, OPT_GREETING, OPT_PRINT, OPT_TLS_CERT, OPT_TLS_KEY,
       OPT_TLS_CA };
/* Who may connect (SPEC 11): take_access_value. */
enum { OPT_ALLOW = 512, OPT_DENY, OPT_ACCESS_FILE, OPT_MAX_PER_ADDRESS, OPT_PROXY_FROM };

static const struct option long_options[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "bind", required_argument, NULL, 'b' },
	{ "unix", required_argument, NULL, 'U' },
	{ "unix-mode", required_argument, NULL, OPT_UNIX_MODE },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "daemon", no_argument, NULL, 'd' },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "greeting", required_argument, NULL, OPT_GREETING },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "deny", required_argument, NULL, OPT_DENY },
	{ "access-file", required_argument, NULL, OPT_ACCESS_FILE },
	{ "max-per-address", required_argument, NULL, OPT_MAX_PER_ADDRESS },
	{ "proxy-from", required_argument, NULL, OPT_PROXY_FROM },
	{ "print", no_argument, NULL, OPT_PRINT },
	{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
	{ "tls-ca", required_argument, NULL, OPT_TLS_CA },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* One text, long as the options are many: it reads as it prints, each line within 80
 * columns (tests/20-server.bats holds it to that, and scripts/check-docs.sh). */
static void print_help(FILE *out)
{
	fprintf(out,
	        "Usage: okserver [OPTION]...\n"
	        "Answer every line a client sends with OK; a line that starts with Q is echoed\n"
	        "back and ends the connection. Many clients at once, one thread, %s.\n"
	        "\n"
	        "  -p, --port PORT          listen on PORT, 0-65535, 0 for any free one\n"
	        "                           (default %d)\n"
	        "  -b, --bind ADDR          listen on ADDR: IPv4 numbers and dots, or IPv6,\n"
	        "                           bare or in brackets (default %s; 0.0.0.0 for\n"
	        "                           every IPv4 interface, :: for every IPv6 and IPv4\n"
	        "                           one); up to %d times, one listener each, one port\n"
	        "  -U, --unix PATH          also listen on a Unix-domain socket at PATH; alone\n"
	        "                           (without -p or -b) there is no TCP listener\n"
	        "      --unix-mode MODE     the socket file's mode, octal (default %04o)\n"
	        "      --once               serve one connection, then exit\n"
	        "      --max-clients N      serve at most N clients at once, 1-%u\n"
	        "                           (default %u, and never more than the open-file\n"
	        "                           limit less %d); the next ones get \"ERR server full\"\n"
	        "      --max-line BYTES     longest line accepted, 1-%u (default %u);\n"
	        "                           a longer one gets \"ERR line too long\"\n"
	        "      --idle-timeout SECS  end a connection silent that long with \"ERR idle\n"
	        "                           timeout\", 0-%u (default 0: never)\n"
	        "      --greeting TEXT      first send each client TEXT as one line (LF ended),\n"
	        "                           at most %u bytes, no CR or LF in it\n"
	        "      --print              write the content of every line received to standard\n"
	        "                           output, one line each; over %u MiB waiting there,\n"
	        "                           clients are not read until it drains\n",
	        backend_name(), OK_DEFAULT_PORT, OK_DEFAULT_ADDR, OK_MAX_BINDS,
	        OK_UNIX_MODE_DEFAULT, OK_MAX_CLIENTS_LIMIT, OK_MAX_CLIENTS_DEFAULT, OK_FD_RESERVE,
	        OK_MAX_LINE_LIMIT, OK_MAX_LINE_DEFAULT, OK_IDLE_TIMEOUT_MAX, OK_GREETING_MAX,
	        OK_PRINT_BUFFER / 1048576);
	/* Two strings: a C11 compiler need take none longer than 4095 bytes. */
	fprintf(out,
	        "      --allow CIDR         with any allow rule, only TCP peers in an allowed\n"
	        "                           network come in (a.b.c.d[/n], ADDR[/n]); repeatable\n"
	        "      --deny CIDR          close TCP peers in CIDR at once, nothing sent;\n"
	        "                           repeatable, and deny wins over allow\n"
	        "      --access-file FILE   more rules, \"allow CIDR\" or \"deny CIDR\" a line,\n"
	        "                           # comments; SIGHUP reads FILE again\n"
	        "      --max-per-address N  at most N connections at once from one IPv4 address\n"
	        "                           or IPv6 /64, 0-%u (default 0: none); the next\n"
	        "                           ones get \"ERR too many connections\"\n"
	        "      --proxy-from CIDR    peers in CIDR (a load balancer) begin with a PROXY\n"
	        "                           header, v1 or v2, whose client stands for the peer;\n"
	        "                           repeatable\n"
	        "  -d, --daemon             run in the background once listening; without\n"
	        "                           --pidfile, say the pid on standard error first\n"
	        "      --pidfile FILE       write the process id to FILE, removed at exit\n"
	        "      --log FILE           log to FILE (appended, UTC timestamps), not stderr;\n"
	        "                           SIGHUP reopens it\n"
	        "      --tls-cert FILE      every TCP listener speaks TLS (1.2 or 1.3) with this\n"
	        "                           certificate (PEM, its chain after it); with:\n"
	        "      --tls-key FILE       the certificate's private key (PEM)\n"
	        "      --tls-ca FILE        mutual TLS: clients must present a certificate that\n"
	        "                           the CAs in FILE (PEM) verify\n"
	        "  -v, --verbose            log each connection opened and closed\n"
	        "  -h, --help               show this help and exit\n"
	        "  -V, --version            show the version and exit\n"
	        "\n"
	        "Once listening it prints one line per listener on standard output:\n"
	        "\"listening on 127.0.0.1:4242\", \"listening on [::1]:4242\",\n"
	        "\"listening on unix:PATH\". With -v or --log, the log has a line when it starts\n"
	        "(version, pid, listeners) and one when it stops (why).\n"
	        "Examples: okserver -b 127.0.0.1 -b ::1    okserver -b ::\n"
	        "          okserver -U /tmp/ok.sock --unix-mode 0660\n"
	        "          okserver -p 2600 --greeting 'Hello, World!'\n"
	        "          okserver -p 8080 --once --print\n"
	        "SIGINT, SIGTERM: stop; SIGHUP: reopen the --log file, reload the TLS files and\n"
	        "read the --access-file again (with none of them: ignored with -d, else stop);\n"
	        "SIGUSR1: log statistics. With LISTEN_PID and LISTEN_FDS (systemd socket\n"
	        "activation) it serves the sockets passed, up to %d, one ready line each, and\n"
	        "-p, -b, -U are refused; with NOTIFY_SOCKET it tells systemd READY=1 and\n"
	        "STOPPING=1.\n"
	        "Exit status: 0 normal end (--once, SIGINT, SIGTERM), 1 socket() failed,\n"
	        "2 bind failed, 3 listen failed, 4 daemon, pidfile, log or TLS file failed,\n"
	        "64 usage error; okserver(1) has the full list.\n",
	        OK_MAX_CLIENTS_LIMIT, OK_MAX_LISTENERS);
}

/* "PROG (PACKAGE) VERSION" as GNU programs print it, the TLS library run ("TLS: no" in a build
 * without), the event loop built in (tests learn the backend from it), who holds the copyright
 * and under which licence (LICENSE). */
static void print_version(FILE *out)
{
	fprintf(out,
	        "okserver (okchat) %s\n"
	        "TLS: %s\n"
	        "event loop: %s\n"
	        "%s\n",
	        OK_VERSION, ok_tls_version(), backend_name(), OK_COPYRIGHT);
}

void options_print(enum options_action what, FILE *out)
{
	if (what == OPTS_HELP)
		print_help(out);
	else
		print_version(out);
}

/* "WHAT: INPUT", the problem and what the user typed; -1. */
static int usage_error(struct ok_err *e, const char *what, const char *input)
{
	return ok_err_set(e, SERVER_EXIT_USAGE, 0, "%s: %s", what, input);
}

/* Every numeric option goes through ok_parse_number: "okserver: max-line too large: 99999999". */
static int parse_number_option(struct ok_err *e, const char *name, const char *s,
                               unsigned long min, unsigned long max, unsigned long *out)
{
	const char *why;
	char what[64];

	if (ok_parse_number(s, min, max, out, &why) == 0)
		return 0;
	snprintf(what, sizeof what, "%s %s", name, why);
	return usage_error(e, what, s);
}

static void set_defaults(struct server_config *o)
{
	memset(o, 0, sizeof *o);
	o->unix_mode = OK_UNIX_MODE_DEFAULT;
	o->max_clients = OK_MAX_CLIENTS_DEFAULT;
	o->max_line = OK_MAX_LINE_DEFAULT;
}

/*
 * getopt_long says only '?' or ':' for five different mistakes; the user deserves to know
 * which. common/optdiag.c tells them apart; okserver names every option as typed.
 */
static int refuse_option(struct ok_err *e, int c, char **argv)
{
	static const struct ok_optdiag_table table = { short_options, long_options, 0 };
	char name[64];
	const char *problem =
		ok_describe_getopt_error(&table, c, optopt, argv[optind - 1], name, sizeof name);

	return usage_error(e, problem, name);
}

/* What the addresses are made of, known only once every option has been read. */
struct where {
	unsigned long port;
	bool port_set;
	const char *binds[OK_MAX_BINDS];
	unsigned n_binds;
	bool mode_set;
};

static int take_bind(struct ok_err *e, const char *arg, struct where *w)
{
	if (w->n_binds == OK_MAX_BINDS) {
		char what[64];
		snprintf(what, sizeof what, "too many -b addresses (at most %d)", OK_MAX_BINDS);
		return usage_error(e, what, arg);
	}
	w->binds[w->n_binds++] = arg;
	return 0;
}

/* sun_path holds the path and its NUL: on Linux 107 bytes of path at most. */
static int take_unix_path(struct ok_err *e, const char *arg, struct server_config *o)
{
	if (*arg == '\0')
		return usage_error(e, "unix path is empty", "''");
	if (o->unix_path != NULL)
		return usage_error(e, "only one -U path", arg);
	if (strlen(arg) >= sizeof ((struct sockaddr_un *)0)->sun_path) {
		char what[64];
		snprintf(what, sizeof what, "unix path too long (at most %zu bytes)",
		         sizeof ((struct sockaddr_un *)0)->sun_path - 1);
		return usage_error(e, what, arg);
	}
	o->unix_path = arg;
	return 0;
}

/* Octal digits only, 0 to 0777: "0660", "660", "0". */
static int take_unix_mode(struct ok_err *e, const char *arg, struct server_config *o)
{
	unsigned long v = 0;

	if (*arg == '\0' || arg[strspn(arg, "01234567")] != '\0')
		return usage_error(e, "unix-mode not an octal number", *arg ? arg : "''");
	for (const char *p = arg; *p != '\0' && v <= 0777; p++)
		v = v * 8 + (unsigned long)(*p - '0');
	if (v > 0777)
		return usage_error(e, "unix-mode too large (at most 0777)", arg);
	o->unix_mode = (unsigned)v;
	return 0;
}

/*
 * --greeting goes out as exactly one line: a CR or LF in TEXT would make it two, or a CR LF
 * line the client reads as something else. The text is shown with them escaped, so the
 * message stays one line. An empty TEXT is allowed: the greeting is then an empty line.
 */
static int check_greeting(struct ok_err *e, const char *text)
{
	char shown[2 * OK_GREETING_MAX + 1], *o = shown;
	size_t len = strlen(text);

	if (len > OK_GREETING_MAX) {
		char what[64];

		snprintf(what, sizeof what, "greeting too long (at most %u bytes)", OK_GREETING_MAX);
		snprintf(shown, sizeof shown, "%zu bytes", len);
		return usage_error(e, what, shown);
	}
	if (strpbrk(text, "\r\n") == NULL)
		return 0;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n') {
			*o++ = '\\';
			*o++ = *p == '\r' ? 'r' : 'n';
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return usage_error(e, "greeting holds a line break", shown);
}

/* Where to listen: -p, -b, -U (each marks that the command line chose, which socket activation
 * refuses) and --unix-mode. */
static int take_listen_value(int c, const char *arg, struct server_config *o, struct where *w,
                             struct ok_err *e)
{
	switch (c) {
	case 'p':
		o->listen_set = true;
		w->port_set = true;
		return parse_number_option(e, "port", arg, 0, 65535, &w->port);
	case 'b':
		o->listen_set = true;
		return take_bind(e, arg, w);
	case 'U':
		o->listen_set = true;
		return take_unix_path(e, arg, o);
	default: /* OPT_UNIX_MODE */
		w->mode_set = true;
		return take_unix_mode(e, arg, o);
	}
}

/* --pidfile and --log: any name but the empty one. */
static int take_file_name(struct ok_err *e, const char *what, const char *arg,
                          const char **name)
{
	if (*arg == '\0') {
		char problem[64];
		snprintf(problem, sizeof problem, "%s name is empty", what);
		return usage_error(e, problem, "''");
	}
	*name = arg;
	return 0;
}

/* --tls-cert, --tls-key, --tls-ca: a file name, in a build that has TLS. */
static int take_tls_file(struct ok_err *e, int c, const char *arg, struct server_config *o)
{
	const char *name = c == OPT_TLS_CERT ? "--tls-cert" : c == OPT_TLS_KEY ? "--tls-key"
	                                                                       : "--tls-ca";
	const char **to = c == OPT_TLS_CERT ? &o->tls_cert : c == OPT_TLS_KEY ? &o->tls_key
	                                                                      : &o->tls_ca;
	char what[32];

	if (!ok_tls_available())
		return usage_error(e, "this build has no TLS (it was made with TLS=0)", name);
	snprintf(what, sizeof what, "%s file", name);
	return take_file_name(e, what, arg, to);
}

/* --- Who may connect (SPEC 11) --- */

/* Appends text to a network list, one more slot at a time doubled. 0, or -1 (no memory). */
static int append_text(const char ***list, size_t *n, const char *text)
{
	if ((*n & (*n - 1)) == 0) { /* 0, 1, 2, 4, ...: full */
		const char **bigger = realloc((void *)*list, (*n ? 2 * *n : 1) * sizeof **list);
		if (bigger == NULL)
			return -1;
		*list = bigger;
	}
	(*list)[(*n)++] = text;
	return 0;
}

/* --allow, --deny, --proxy-from: a network as ok_cidr_parse takes it, kept as given for admit.c
 * (which builds its sets from the texts, at start and on SIGHUP). "--allow: 10.0.0.1/8: bits
 * set beyond the /8 prefix", as a faulty rule is named then. */
static int take_network(struct ok_err *e, const char *option, const char *arg,
                        const char ***list, size_t *n)
{
	struct ok_cidr net;
	struct ok_err why;

	if (ok_cidr_parse(arg, &net, &why) < 0)
		return ok_err_set(e, SERVER_EXIT_USAGE, 0, "%s: %s", option, why.msg);
	if (append_text(list, n, arg) < 0)
		return ok_err_set(e, SERVER_EXIT_USAGE, 0, "%s: %s: out of memory", option, arg);
	return 0;
}

static int take_access_value(int c, const char *arg, struct server_config *o, struct ok_err *e)
{
	switch (c) {
	case OPT_ALLOW:
		return take_network(e, "--allow", arg, &o->allow, &o->n_allow);
	case OPT_DENY:
		return take_network(e, "--deny", arg, &o->deny, &o->n_deny);
	case OPT_PROXY_FROM:
		return take_network(e, "--proxy-from", arg, &o->proxy_from, &o->n_proxy_from);
	case OPT_ACCESS_FILE:
		if (o->access_file != NULL)
			return usage_error(e, "only one --access-file", arg);
		return take_file_name(e, "access file", arg, &o->access_file);
	default: /* OPT_MAX_PER_ADDRESS */
		return parse_number_option(e, "max-per-address", arg, 0, OK_MAX_CLIENTS_LIMIT,
		                           &o->max_per_address);
	}
}

void options_free(struct server_config *o)
{
	free((void *)o->allow);
	free((void *)o->deny);
	free((void *)o->proxy_from);
	o->allow = o->deny = o->proxy_from = NULL;
	o->n_allow = o->n_deny = o->n_proxy_from = 0;
}

/* Handles one option with a value; 0, or -1 with e filled. */
static int take_value(int c, const char *arg, struct server_config *o, struct where *w,
                      struct ok_err *e)
{
	switch (c) {
	case 'p':
	case 'b':
	case 'U':
	case OPT_UNIX_MODE:
		return take_listen_value(c, arg, o, w, e);
	case OPT_MAX_CLIENTS:
		o->max_clients_set = true;
		return parse_number_option(e, "max-clients", arg, 1, OK_MAX_CLIENTS_LIMIT,
		                           &o->max_clients);
	case OPT_MAX_LINE:
		return parse_number_option(e, "max-line", arg, 1, OK_MAX_LINE_LIMIT, &o->max_line);
	case OPT_IDLE_TIMEOUT:
		return parse_number_option(e, "idle-timeout", arg, 0, OK_IDLE_TIMEOUT_MAX,
		                           &o->idle_timeout);
	case OPT_GREETING:
		o->greeting = arg;
		return check_greeting(e, arg);
	case OPT_PIDFILE:
		return take_file_name(e, "pidfile", arg, &o->pidfile);
	case OPT_LOG:
		return take_file_name(e, "log file", arg, &o->log);
	case OPT_ALLOW:
	case OPT_DENY:
	case OPT_ACCESS_FILE:
	case OPT_MAX_PER_ADDRESS:
	case OPT_PROXY_FROM:
		return take_access_value(c, arg, o, e);
	case OPT_TLS_CERT:
	case OPT_TLS_KEY:
	case OPT_TLS_CA:
		return take_tls_file(e, c, arg, o);
	}
	return 0;
}

/*
 * The TCP listeners' addresses, all on one port. No -b: the default address, unless -U came
 * alone (neither -p nor -b), which means no TCP at all. Names are refused: ok_parse_ip_literal
 * takes numbers only, and no white space anywhere.
 */
static int fill_addresses(struct ok_err *e, const struct where *w, struct server_config *o)
{
	static const char *const fallback[] = { OK_DEFAULT_ADDR };
	const char *const *binds = w->n_binds > 0 ? w->binds : fallback;
	unsigned n = w->n_binds > 0 ? w->n_binds : 1;

	if (w->mode_set && o->unix_path == NULL)
		return usage_error(e, "--unix-mode needs -U", "--unix-mode");
	if (w->n_binds == 0 && o->unix_path != NULL && !w->port_set)
		n = 0;
	for (o->n_tcp = 0; o->n_tcp < n; o->n_tcp++) {
		struct listen_addr *a = &o->tcp[o->n_tcp];
		if (ok_parse_ip_literal(binds[o->n_tcp], &a->ss, &a->len, (uint16_t)w->port) < 0)
			return usage_error(e, "address not valid", binds[o->n_tcp]);
	}
	return 0;
}

/* What can be checked only once every option has been read. 0, or -1 with e filled. */
static int check_whole(int argc, char **argv, const struct where *w, struct server_config *o,
                       struct ok_err *e)
{
	if (optind < argc)
		return usage_error(e, "unexpected argument", argv[optind]);
	if (fill_addresses(e, w, o) < 0)
		return -1;
	if (o->print && o->daemon)
		return usage_error(e, "--print with --daemon",
		                   "a daemon's standard output is /dev/null");
	if (o->tls_cert != NULL && o->tls_key == NULL)
		return usage_error(e, "--tls-cert needs --tls-key", o->tls_cert);
	if (o->tls_key != NULL && o->tls_cert == NULL)
		return usage_error(e, "--tls-key needs --tls-cert", o->tls_key);
	if (o->tls_ca != NULL && o->tls_cert == NULL)
		return usage_error(e, "--tls-ca needs --tls-cert and --tls-key", o->tls_ca);
	return 0;
}

/* parse_options, but for what is allocated on the way (options_free). */
static enum options_action read_options(int argc, char **argv, struct server_config *o,
                                        struct ok_err *e)
{
	struct where w = { .port = OK_DEFAULT_PORT };
	int c;

	set_defaults(o);
	opterr = 0;
	optind = 0; /* 0, not 1: glibc and musl then also forget a half-read "-vq" cluster */
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		switch (c) {
		case 'd': o->daemon = true; break;
		case 'v': o->verbose = true; break;
		case OPT_ONCE: o->once = true; break;
		case OPT_PRINT: o->print = true; break;
		case 'h': return OPTS_HELP;
		case 'V': return OPTS_VERSION;
		case ':':
		case '?':
			refuse_option(e, c, argv);
			return OPTS_USAGE_ERROR;
		default:
			if (take_value(c, optarg, o, &w, e) < 0)
				return OPTS_USAGE_ERROR;
		}
	}
	return check_whole(argc, argv, &w, o, e) < 0 ? OPTS_USAGE_ERROR : OPTS_RUN;
}

enum options_action parse_options(int argc, char **argv, struct server_config *o,
                                  struct ok_err *e)
{
	enum options_action todo = read_options(argc, argv, o, e);

	if (todo != OPTS_RUN)
		options_free(o); /* main only frees what it runs with */
	return todo;
}
