/* options.c - okclient's command line: getopt_long, range-checked numbers, the help text. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "client.h"
#include "optdiag.h"
#include "tls.h"
#include "version.h"

enum { OPT_HISTORY = 256, OPT_GREETING };
/* The TLS options, apart: each implies --tls. */
enum {
	OPT_TLS = 300, OPT_TLS_CA, OPT_TLS_CERT, OPT_TLS_KEY, OPT_TLS_SERVERNAME, OPT_TLS_INSECURE
};

/* The short options for getopt; the leading ":" asks it to report a missing value apart. */
#define SHORT_OPTIONS ":46U:rt:hV"

static const struct option long_options[] = {
	{ "unix", required_argument, NULL, 'U' },
	{ "raw", no_argument, NULL, 'r' },
	{ "timeout", required_argument, NULL, 't' },
	{ "greeting", no_argument, NULL, OPT_GREETING },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "tls", no_argument, NULL, OPT_TLS },
	{ "tls-ca", required_argument, NULL, OPT_TLS_CA },
	{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
	{ "tls-servername", required_argument, NULL, OPT_TLS_SERVERNAME },
	{ "tls-insecure", no_argument, NULL, OPT_TLS_INSECURE },
	{ NULL, 0, NULL, 0 }
};

void okc_print_usage(void)
{
	printf("Usage: okclient [-4|-6] [-r] [-t SECS] [--greeting] [--history FILE]\n"
	       "                [HOST [PORT] | HOST:PORT | [IPV6]:PORT]\n"
	       "       okclient -U PATH [-r] [-t SECS] [--greeting] [--history FILE]\n"
	       "       okclient --tls [--tls-ca FILE] [--tls-servername NAME] [--tls-insecure]\n"
	       "                [--tls-cert FILE --tls-key FILE] [OPTION]... [HOST [PORT]]\n"
	       "       okclient -h | -V\n"
	       "Sends lines to an okchat server and prints each reply. On a terminal: a prompt\n"
	       "with line editing and history, and the server's control characters shown as\n"
	       "escapes (\\x1b). In a pipe: streams, bytes unchanged.\n"
	       "\n"
	       "  HOST               IPv4 address (numbers-and-dots, e.g. 127.1), IPv6 address\n"
	       "                     (::1 or [::1]) or name, each of its addresses tried in\n"
	       "                     turn; default %s\n"
	       "  PORT               1-65535; default %d\n"
	       "  HOST:PORT          both in one argument (127.0.0.1:4242, localhost:4242);\n"
	       "  [IPV6]:PORT        an IPv6 address with a port in brackets ([::1]:4242)\n"
	       "  -4, -6             use IPv4 only, or IPv6 only\n"
	       "  -U, --unix PATH    connect to the Unix-domain socket PATH (at most %zu bytes)\n"
	       "                     instead of HOST and PORT\n"
	       "  -r, --raw          print replies bare instead of \"%sOK\"\n"
	       "  -t, --timeout SECS give up connecting, or waiting for a reply, after SECS\n"
	       "                     (1-%lu; default: wait as long as it takes); looking up\n"
	       "                     a HOST name is not limited by it (the resolver's own);\n"
	       "                     connecting is limited once, for all of HOST's addresses\n"
	       "      --greeting     the server greets first (okserver --greeting): its first\n"
	       "                     line is printed, not counted as a reply\n"
	       "      --history FILE keep the prompt's history in FILE (default\n"
	       "                     ~/%s, last %d lines; %s: none); a\n"
	       "                     symbolic link or another user's file is not used\n"
	       "      --tls          speak TLS to HOST PORT (not with -U); the server's\n"
	       "                     certificate must verify against the system's CAs and\n"
	       "                     be for HOST (its name, or its address); every\n"
	       "                     --tls-... option implies --tls\n"
	       "      --tls-ca FILE  verify it with the CAs in FILE (PEM) instead\n"
	       "      --tls-servername NAME\n"
	       "                     send NAME (SNI) and match it instead of HOST\n"
	       "      --tls-insecure do not verify the certificate (said once on stderr)\n"
	       "      --tls-cert FILE, --tls-key FILE\n"
	       "                     present the client certificate in FILE, with its key\n"
	       "  -h, --help         show this help and exit\n"
	       "  -V, --version      show the version and exit\n"
	       "\n"
	       "Exit status: 0 every line answered (or Q), 1 socket failed, 2 connect failed,\n"
	       "3 address not valid or host not found, 4 send failed, 5 connection lost (a line\n"
	       "unanswered or cut off, or the input unfinished), 6 server sent ERR, 7 timed\n"
	       "out, 8 TLS failed (the handshake, or the server's certificate), 64 usage\n"
	       "error.\n"
	       "\n"
	       "Examples: okclient ::1 4242    okclient -6 localhost\n"
	       "          okclient -U /run/okserver/okserver.sock\n",
	       OK_DEFAULT_ADDR, OK_DEFAULT_PORT, OKC_UNIX_PATH_MAX, OKC_REPLY_PREFIX, OKC_TIMEOUT_MAX,
	       OKC_HISTORY_NAME, OKC_HISTORY_MAX, OKC_HISTORY_NONE);
}

void okc_print_version(void)
{
	printf("okclient (okchat) %s\n"
	       "TLS: %s\n"
	       "%s\n",
	       OK_VERSION, ok_tls_version(), OK_COPYRIGHT);
}

/* A usage error: e filled with the message and the exit status 64; -1. */
#define usage_err(e, ...) ok_err_set((e), OKC_EXIT_USAGE, 0, __VA_ARGS__)

/* Stores a parsed timeout, or says why it is refused; 0 or -1. */
static int parse_timeout(const char *arg, struct okc_options *o, struct ok_err *e)
{
	unsigned long v;
	const char *why;

	if (ok_parse_number(arg, 1, OKC_TIMEOUT_MAX, &v, &why) < 0)
		return usage_err(e, "timeout %s: %s", why, arg);
	o->timeout_s = (int)v;
	return 0;
}

/* Stores -U's path, or says why it cannot be one: empty, or too long for a socket address. */
static int parse_unix_path(const char *arg, struct okc_options *o, struct ok_err *e)
{
	size_t len = strlen(arg);

	if (len == 0)
		return usage_err(e, "unix socket path is empty");
	if (len > OKC_UNIX_PATH_MAX)
		return usage_err(e, "unix socket path too long: %zu bytes (at most %zu)", len,
		                 OKC_UNIX_PATH_MAX);
	o->unix_path = arg;
	return 0;
}

/* The long name (no dashes) of the option getopt_long returned as c: "tls-ca". */
static const char *long_name(int c)
{
	const struct option *opt = long_options;

	while (opt->name != NULL && opt->val != c)
		opt++;
	return opt->name != NULL ? opt->name : "?";
}

/* Stores one --tls-... option (c, its value arg), which turns TLS on; a build without TLS, or an
 * empty value, refuses it. 0 or -1 with e set. */
static int take_tls_option(int c, const char *arg, struct okc_options *o, struct ok_err *e)
{
	const char *name = long_name(c);

	if (!ok_tls_available())
		return usage_err(e, "--%s: this build has no TLS (it was made with TLS=0)", name);
	if (arg != NULL && arg[0] == '\0')
		return usage_err(e, "option needs a value: --%s", name);
	if (o->tls == NULL)
		o->tls = name;
	switch (c) {
	case OPT_TLS_CA: o->tls_conf.ca = arg; break;
	case OPT_TLS_CERT: o->tls_conf.cert = arg; break;
	case OPT_TLS_KEY: o->tls_conf.key = arg; break;
	case OPT_TLS_SERVERNAME: o->tls_conf.servername = arg; break;
	case OPT_TLS_INSECURE: o->tls_conf.insecure = 1; break;
	default: break; /* --tls itself */
	}
	return 0;
}

/* Options that cannot go together, one check a line; 0 or -1 with e set. */
static int check_combination(int argc, char **argv, const struct okc_options *o,
                             struct ok_err *e)
{
	if (o->unix_path != NULL && o->family != AF_UNSPEC)
		return usage_err(e, "-U cannot be used with -%c", o->family == AF_INET ? '4' : '6');
	if (o->unix_path != NULL && optind < argc)
		return usage_err(e, "-U takes no HOST or PORT: %s", argv[optind]);
	if (o->unix_path != NULL && o->tls != NULL)
		return usage_err(e, "-U cannot be used with --%s (TLS is for TCP only)", o->tls);
	if (o->tls_conf.cert != NULL && o->tls_conf.key == NULL)
		return usage_err(e, "--tls-cert needs --tls-key");
	if (o->tls_conf.key != NULL && o->tls_conf.cert == NULL)
		return usage_err(e, "--tls-key needs --tls-cert");
	return 0;
}

/* The port operand, 1-65535; 0 or -1 with e set. */
static int parse_port(const char *arg, struct okc_options *o, struct ok_err *e)
{
	const char *why;

	if (ok_parse_port(arg, &o->port, &why) < 0 || (o->port == 0 && (why = "too small")))
		return usage_err(e, "port %s: %s", why, arg);
	return 0;
}

/* HOST [PORT], or HOST:PORT, or [IPV6]:PORT; all optional. 0 or -1 with e set. */
static int parse_operands(int argc, char **argv, struct okc_options *o, struct ok_err *e)
{
	int left = argc - optind;
	const char *arg = argv[optind], *port;
	size_t hostlen;

	if (left > 2)
		return usage_err(e, "too many arguments: %s", argv[optind + 2]);
	if (left == 0)
		return 0;
	port = ok_split_host_port(arg, &hostlen);
	if (hostlen == 0)
		return usage_err(e, "host is empty");
	if (port == NULL) {
		o->host = arg;
	} else if (hostlen < sizeof o->host_buf) {
		memcpy(o->host_buf, arg, hostlen);
		o->host_buf[hostlen] = '\0';
		o->host = o->host_buf;
	} else {
		return usage_err(e, "host too long: %zu bytes (at most %zu)", hostlen,
		                 sizeof o->host_buf - 1);
	}
	if (port != NULL && left == 2)
		return usage_err(e, "port given twice: %s and %s", arg, argv[optind + 1]);
	if (port == NULL && left == 2)
		port = argv[optind + 1];
	return port != NULL ? parse_port(port, o, e) : 0;
}

/* getopt_long's ':' or '?' as a message; okclient names abbreviations in full. */
static void describe_mistake(int c, const char *word, struct ok_err *e)
{
	static const struct ok_optdiag_table table = {
		SHORT_OPTIONS, long_options, OK_OPTDIAG_EXPAND
	};
	char subject[192];
	const char *problem =
		ok_describe_getopt_error(&table, c, optopt, word, subject, sizeof subject);

	usage_err(e, "%s: %s", problem, subject);
}

enum okc_action okc_parse_options(int argc, char **argv, struct okc_options *o,
                                  struct ok_err *e)
{
	int c;

	memset(o, 0, sizeof *o);
	o->host = OK_DEFAULT_ADDR;
	o->port = OK_DEFAULT_PORT;
	o->family = AF_UNSPEC;
	optind = 0; /* glibc: a full reset, so the parser can run more than once (unit tests) */
	opterr = 0; /* we word the message ourselves */
	while ((c = getopt_long(argc, argv, SHORT_OPTIONS, long_options, NULL)) != -1) {
		switch (c) {
		case '4': o->family = AF_INET; break;
		case '6': o->family = AF_INET6; break;
		case 'U':
			if (parse_unix_path(optarg, o, e) < 0)
				return OKC_USAGE_ERROR;
			break;
		case 'r': o->raw = 1; break;
		case 't':
			if (parse_timeout(optarg, o, e) < 0)
				return OKC_USAGE_ERROR;
			break;
		case OPT_GREETING: o->greeting = 1; break;
		case OPT_HISTORY: o->history = optarg; break;
		case OPT_TLS: case OPT_TLS_CA: case OPT_TLS_CERT: case OPT_TLS_KEY:
		case OPT_TLS_SERVERNAME: case OPT_TLS_INSECURE:
			if (take_tls_option(c, optarg, o, e) < 0)
				return OKC_USAGE_ERROR;
			break;
		case 'h': return OKC_HELP;
		case 'V': return OKC_VERSION;
		default: describe_mistake(c, argv[optind - 1], e); return OKC_USAGE_ERROR;
		}
	}
	if (check_combination(argc, argv, o, e) < 0 || parse_operands(argc, argv, o, e) < 0)
		return OKC_USAGE_ERROR;
	return OKC_RUN;
}
