/* test_server_options.c - okserver's option parsing: defaults, every option, every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/un.h>

#include "backend.h"
#include "netaddr.h"
#include "oklimits.h"
#include "options.h"
#include "tls.h" /* ok_tls_version */
#include "version.h"

/* What main prints for a usage error: the message, the hint and their decoration. */
#define ERR_BUF (sizeof ((struct ok_err *)0)->msg + 128)

/* Parses argv[0 .. argc); what main prints on stdout and stderr then lands in out/err. */
static int parse_vector(struct server_config *o, char *out, char *err, int argc, char **argv)
{
	char *obuf = NULL;
	size_t olen = 0;
	FILE *fo = open_memstream(&obuf, &olen);
	struct ok_err e;
	enum options_action rc = parse_options(argc, argv, o, &e);

	if (rc == OPTS_HELP || rc == OPTS_VERSION)
		options_print(rc, fo);
	fclose(fo);
	snprintf(out, 4096, "%s", obuf);
	free(obuf);
	err[0] = '\0';
	if (rc == OPTS_USAGE_ERROR) {
		assert_int_equal(e.code, 64); /* main's exit status */
		snprintf(err, ERR_BUF, "okserver: %s\nTry 'okserver --help' for more information.\n",
		         e.msg);
	}
	return rc;
}

/* Parses a NULL-terminated argument list. */
static int parse(struct server_config *o, char *out, char *err, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = "okserver";
	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	return parse_vector(o, out, err, argc, argv);
}

/* The i-th TCP listener's address as okserver names it. */
static const char *tcp_addr(const struct server_config *o, unsigned i, char *buf)
{
	return ok_format_sockaddr((const struct sockaddr *)&o->tcp[i].ss, o->tcp[i].len, buf,
	                          OK_SOCKADDR_STRLEN);
}

static void defaults_are_the_documented_ones(void **state)
{
	struct server_config o;
	char out[4096], err[ERR_BUF], where[OK_SOCKADDR_STRLEN];

	(void)state;
	assert_int_equal(parse(&o, out, err, (char *)NULL), OPTS_RUN);
	assert_int_equal(o.n_tcp, 1);
	assert_string_equal(tcp_addr(&o, 0, where), "127.0.0.1:4242");
	assert_null(o.unix_path);
	assert_int_equal(o.unix_mode, 0600);
	assert_int_equal(o.max_clients, OK_MAX_CLIENTS_DEFAULT);
	assert_int_equal(o.max_clients, 1024);
	assert_int_equal(o.max_line, 65536);
	assert_int_equal(o.idle_timeout, 0);
	assert_false(o.once || o.daemon || o.verbose || o.max_clients_set);
	assert_null(o.pidfile);
	assert_string_equal(out, "");
	assert_string_equal(err, "");
}

static void every_option_long_and_short(void **state)
{
	struct server_config o;
	char out[4096], err[ERR_BUF], where[OK_SOCKADDR_STRLEN];

	(void)state;
	assert_int_equal(parse(&o, out, err, "-p", "0", "-b", "0x7f.1", "--once", "--max-clients=7",
	                       "--max-line", "10", "--idle-timeout", "30", "-dv", "--pidfile",
	                       "p.pid", (char *)NULL), OPTS_RUN);
	assert_string_equal(tcp_addr(&o, 0, where), "127.0.0.1:0");
	assert_true(o.once && o.daemon && o.verbose && o.max_clients_set);
	assert_int_equal(o.max_clients, 7);
	assert_int_equal(o.max_line, 10);
	assert_int_equal(o.idle_timeout, 30);
	assert_string_equal(o.pidfile, "p.pid");
	assert_int_equal(parse(&o, out, err, "--port=65535", "--bind", "0.0.0.0", "--daemon",
	                       "--verbose", (char *)NULL), OPTS_RUN);
	assert_string_equal(tcp_addr(&o, 0, where), "0.0.0.0:65535");
	/* getopt_long's unambiguous abbreviations, as GNU tools take them. */
	assert_int_equal(parse(&o, out, err, "--verb", "--idle=5", (char *)NULL), OPTS_RUN);
	assert_true(o.verbose);
	assert_int_equal(o.idle_timeout, 5);
}

static void binds_and_unix_listeners(void **state)
{
	struct server_config o;
	char out[4096], err[ERR_BUF], where[OK_SOCKADDR_STRLEN];

	(void)state;
	assert_int_equal(parse(&o, out, err, "-b", "127.0.0.1", "-b", "[::1]", "--bind=::",
	                       "-p", "7", (char *)NULL), OPTS_RUN);
	assert_int_equal(o.n_tcp, 3);
	assert_string_equal(tcp_addr(&o, 0, where), "127.0.0.1:7");
	assert_string_equal(tcp_addr(&o, 1, where), "[::1]:7");
	assert_string_equal(tcp_addr(&o, 2, where), "[::]:7");
	/* -U alone: no TCP listener; with -p: the default address too. */
	assert_int_equal(parse(&o, out, err, "-U", "/tmp/s", (char *)NULL), OPTS_RUN);
	assert_int_equal(o.n_tcp, 0);
	assert_string_equal(o.unix_path, "/tmp/s");
	assert_int_equal(parse(&o, out, err, "--unix=/tmp/s", "-p", "0", "--unix-mode", "0660",
	                       (char *)NULL), OPTS_RUN);
	assert_int_equal(o.n_tcp, 1);
	assert_string_equal(tcp_addr(&o, 0, where), "127.0.0.1:0");
	assert_int_equal(o.unix_mode, 0660);
	assert_int_equal(parse(&o, out, err, "-U", "s", "-b", "::1", "--unix-mode=0", (char *)NULL),
	                 OPTS_RUN);
	assert_int_equal(o.n_tcp, 1);
	assert_string_equal(tcp_addr(&o, 0, where), "[::1]:4242");
	assert_int_equal(o.unix_mode, 0);
}

static void help_and_version_go_to_stdout(void **state)
{
	struct server_config o;
	char out[4096], err[ERR_BUF], version[512];

	(void)state;
	snprintf(version, sizeof version,
	         "okserver (okchat) %s\nTLS: %s\nevent loop: %s\n"
	         "Copyright (c) 2026 the okchat developers. MIT License: see LICENSE.\n",
	         OK_VERSION, ok_tls_version(), backend_name());
	assert_int_equal(parse(&o, out, err, "-V", (char *)NULL), OPTS_VERSION);
	assert_string_equal(out, version);
	assert_int_equal(parse(&o, out, err, "--help", (char *)NULL), OPTS_HELP);
	assert_non_null(strstr(out, "--idle-timeout SECS"));
	assert_string_equal(err, "");
}

/* Every line of --help fits in 80 columns (SPEC section 13), and it starts "Usage:". */
static void help_fits_in_80_columns(void **state)
{
	struct server_config o;
	char out[4096], err[ERR_BUF];
	const char *line;

	(void)state;
	assert_int_equal(parse(&o, out, err, "--help", (char *)NULL), OPTS_HELP);
	assert_int_equal(strncmp(out, "Usage: okserver ", 16), 0);
	for (line = out; *line != '\0'; line += strcspn(line, "\n") + 1) {
		size_t len = strcspn(line, "\n");

		if (len > 80)
			fail_msg("a --help line of %zu columns: %.*s", len, (int)len, line);
		if (line[len] == '\0')
			break;
	}
}

/* Asserts that args are refused with exactly `line` and the hint. */
#define REFUSED(line, ...) do { \
	assert_int_equal(parse(&o, out, err, __VA_ARGS__, (char *)NULL), OPTS_USAGE_ERROR); \
	assert_string_equal(err, "okserver: " line "\nTry 'okserver --help' for more information.\n"); \
	assert_string_equal(out, ""); \
} while (0)

static void refusals_name_problem_and_input(void **state)
{
	struct server_config o;
	char out[4096], err[ERR_BUF];

	(void)state;
	REFUSED("port too large: 65536", "-p", "65536");
	REFUSED("port not a number: ", "-p", "");
	REFUSED("port not a number: +1", "-p", "+1");
	REFUSED("max-clients too small: 0", "--max-clients", "0");
	REFUSED("max-line too large: 16777217", "--max-line", "16777217");
	REFUSED("idle-timeout too large: 2147484", "--idle-timeout", "2147484");
	REFUSED("address not valid: 256.0.0.1", "-b", "256.0.0.1");
	REFUSED("unknown option: --verbosity", "--verbosity");
	REFUSED("ambiguous option: --max", "--max=3"); /* --max-clients or --max-line */
	REFUSED("ambiguous option: --max", "--max", "3");
	REFUSED("option takes no value: --once", "--once=1");
	REFUSED("option takes no value: --daemon", "--daemon=yes");
	REFUSED("option takes no value: --verb", "--verb=1");
	REFUSED("unknown option: --frob", "--frob=1");
	REFUSED("unknown option: --", "--=x"); /* an empty name is not a prefix of everything */
	REFUSED("unknown option: -x", "--once", "-xv");
	REFUSED("address not valid: 127.0.0.1 junk", "-b", "127.0.0.1 junk");
	REFUSED("address not valid: 127.0.0.1 ", "-b", "127.0.0.1 ");
	REFUSED("address not valid:  127.0.0.1", "-b", " 127.0.0.1");
	REFUSED("address not valid: 127.0.0.1\t", "--bind=127.0.0.1\t");
	REFUSED("unknown option: -q", "-vq");
	REFUSED("option needs a value: --pidfile", "--pidfile");
	REFUSED("pidfile name is empty: ''", "--pidfile", "");
	REFUSED("unexpected argument: extra", "-v", "extra");
	REFUSED("address not valid: localhost", "-b", "localhost");
	REFUSED("address not valid: ::1::", "-b", "::1::");
	REFUSED("address not valid: [::1", "-b", "[::1");
	REFUSED("address not valid: [127.0.0.1]", "-b", "[127.0.0.1]");
	REFUSED("unix path is empty: ''", "-U", "");
	REFUSED("only one -U path: b", "-U", "a", "-U", "b");
	REFUSED("unix-mode not an octal number: 0x1ff", "-U", "a", "--unix-mode", "0x1ff");
	REFUSED("unix-mode not an octal number: 8", "-U", "a", "--unix-mode", "8");
	REFUSED("unix-mode not an octal number: ''", "-U", "a", "--unix-mode", "");
	REFUSED("unix-mode too large (at most 0777): 1000", "-U", "a", "--unix-mode", "1000");
	REFUSED("unix-mode too large (at most 0777): 77777777777777777777", "-U", "a",
	        "--unix-mode", "77777777777777777777");
	REFUSED("--unix-mode needs -U: --unix-mode", "--unix-mode", "0600");
}

/* A 17th -b is refused, naming it; a path sun_path cannot hold is refused, naming the limit. */
static void limits_of_binds_and_paths(void **state)
{
	struct server_config o;
	char out[4096], err[ERR_BUF], line[512], path[sizeof ((struct sockaddr_un *)0)->sun_path + 1];
	char *argv[40] = { "okserver" };
	int argc = 1;
	(void)state;

	for (int i = 0; i < 17; i++) {
		argv[argc++] = "-b";
		argv[argc++] = i == 16 ? "127.0.0.17" : "::1";
	}
	argv[argc] = NULL;
	assert_int_equal(parse_vector(&o, out, err, argc - 2, argv), OPTS_RUN);
	assert_int_equal(o.n_tcp, 16);
	assert_int_equal(parse_vector(&o, out, err, argc, argv), OPTS_USAGE_ERROR);
	assert_string_equal(err, "okserver: too many -b addresses (at most 16): 127.0.0.17\n"
	                         "Try 'okserver --help' for more information.\n");
	/* The longest path fits with its NUL (107 bytes on Linux); one more byte does not. */
	memset(path, 'p', sizeof path);
	path[sizeof path - 2] = '\0';
	assert_int_equal(parse(&o, out, err, "-U", path, (char *)NULL), OPTS_RUN);
	path[sizeof path - 2] = 'p';
	path[sizeof path - 1] = '\0';
	assert_int_equal(parse(&o, out, err, "-U", path, (char *)NULL), OPTS_USAGE_ERROR);
	snprintf(line, sizeof line, "okserver: unix path too long (at most %zu bytes): %s\n"
	         "Try 'okserver --help' for more information.\n", sizeof path - 2, path);
	assert_string_equal(err, line);
}

/* --greeting: one line of at most OK_GREETING_MAX bytes, empty allowed; --print not with -d. */
static void greeting_and_print(void **state)
{
	struct server_config o;
	char out[4096], err[ERR_BUF], longest[OK_GREETING_MAX + 2];

	(void)state;
	assert_int_equal(parse(&o, out, err, (char *)NULL), OPTS_RUN);
	assert_true(o.greeting == NULL && !o.print);
	assert_int_equal(parse(&o, out, err, "--greeting", "Hello, World!", "--print", (char *)NULL),
	                 OPTS_RUN);
	assert_string_equal(o.greeting, "Hello, World!");
	assert_true(o.print);
	assert_int_equal(parse(&o, out, err, "--greeting=", (char *)NULL), OPTS_RUN);
	assert_string_equal(o.greeting, "");
	memset(longest, 'x', OK_GREETING_MAX);
	longest[OK_GREETING_MAX] = '\0';
	assert_int_equal(parse(&o, out, err, "--greeting", longest, (char *)NULL), OPTS_RUN);
	longest[OK_GREETING_MAX] = 'x';
	longest[OK_GREETING_MAX + 1] = '\0';
	REFUSED("greeting too long (at most 1024 bytes): 1025 bytes", "--greeting", longest);
	REFUSED("greeting holds a line break: a\\nb", "--greeting", "a\nb");
	REFUSED("greeting holds a line break: hi\\r", "--greeting", "hi\r");
	REFUSED("greeting holds a line break: \\r\\n", "--greeting", "\r\n");
	REFUSED("--print with --daemon: a daemon's standard output is /dev/null", "--print", "-d");
}

/* --allow, --deny, --proxy-from: repeatable, kept as given, each checked by ok_cidr_parse;
 * --access-file once; --max-per-address 0 (none) to 1000000. options_free frees the lists. */
static void who_may_connect(void **state)
{
	struct server_config o;
	char out[4096], err[ERR_BUF];

	(void)state;
	assert_int_equal(parse(&o, out, err, (char *)NULL), OPTS_RUN);
	assert_true(o.n_allow == 0 && o.n_deny == 0 && o.n_proxy_from == 0);
	assert_null(o.access_file);
	assert_int_equal(o.max_per_address, 0);
	assert_int_equal(parse(&o, out, err, "--allow", "10.0.0.0/8", "--deny", "10.1.0.0/16",
	                       "--allow", "2001:db8::/32", "--allow=192.0.2.1", "--allow", "::1",
	                       "--proxy-from", "127.0.0.9", "--deny", "::ffff:10.2.0.0/112",
	                       "--access-file", "rules", "--max-per-address", "8", (char *)NULL),
	                 OPTS_RUN);
	assert_int_equal(o.n_allow, 4);
	assert_string_equal(o.allow[0], "10.0.0.0/8");
	assert_string_equal(o.allow[1], "2001:db8::/32");
	assert_string_equal(o.allow[2], "192.0.2.1");
	assert_string_equal(o.allow[3], "::1");
	assert_int_equal(o.n_deny, 2);
	assert_string_equal(o.deny[0], "10.1.0.0/16");
	assert_string_equal(o.deny[1], "::ffff:10.2.0.0/112");
	assert_int_equal(o.n_proxy_from, 1);
	assert_string_equal(o.proxy_from[0], "127.0.0.9");
	assert_string_equal(o.access_file, "rules");
	assert_int_equal(o.max_per_address, 8);
	options_free(&o);
	assert_true(o.allow == NULL && o.n_allow == 0 && o.deny == NULL && o.proxy_from == NULL);
	assert_int_equal(parse(&o, out, err, "--max-per-address", "0", (char *)NULL), OPTS_RUN);
	assert_int_equal(parse(&o, out, err, "--max-per-address", "1000000", (char *)NULL), OPTS_RUN);
	assert_int_equal(o.max_per_address, 1000000);
	/* Lists allocated before a refusal, --help or --version are freed by parse_options. */
	REFUSED("--allow: 10.0.0.1/8: bits set beyond the /8 prefix", "--deny", "10.0.0.0/8",
	        "--allow", "10.0.0.1/8");
	REFUSED("--deny: 127.1: not an IPv4 address (four decimal parts of 0-255)", "--deny", "127.1");
	REFUSED("--proxy-from: ::1/129: prefix length over 128", "--proxy-from", "::1/129");
	REFUSED("--allow: [::1]: not an IPv6 address", "--allow", "[::1]");
	REFUSED("max-per-address too large: 1000001", "--max-per-address", "1000001");
	REFUSED("max-per-address not a number: -1", "--max-per-address", "-1");
	REFUSED("only one --access-file: b", "--access-file", "a", "--access-file", "b");
	REFUSED("access file name is empty: ''", "--access-file", "");
	REFUSED("option needs a value: --allow", "--allow");
	assert_int_equal(parse(&o, out, err, "--allow", "10.0.0.0/8", "-h", (char *)NULL), OPTS_HELP);
	assert_null(o.allow);
}

/* --tls-cert and --tls-key together, --tls-ca with them; in a build without TLS each of the
 * three is refused, saying so. */
static void tls_files(void **state)
{
	struct server_config o;
	char out[4096], err[ERR_BUF];

	(void)state;
	assert_int_equal(parse(&o, out, err, (char *)NULL), OPTS_RUN);
	assert_true(o.tls_cert == NULL && o.tls_key == NULL && o.tls_ca == NULL);
	if (!ok_tls_available()) {
		REFUSED("this build has no TLS (it was made with TLS=0): --tls-cert", "--tls-cert", "c");
		REFUSED("this build has no TLS (it was made with TLS=0): --tls-key", "--tls-key", "k");
		REFUSED("this build has no TLS (it was made with TLS=0): --tls-ca", "--tls-ca", "a");
		return;
	}
	assert_int_equal(parse(&o, out, err, "--tls-cert", "c.pem", "--tls-key=k.pem", "--tls-ca",
	                       "ca.pem", (char *)NULL), OPTS_RUN);
	assert_string_equal(o.tls_cert, "c.pem");
	assert_string_equal(o.tls_key, "k.pem");
	assert_string_equal(o.tls_ca, "ca.pem");
	REFUSED("--tls-cert needs --tls-key: c.pem", "--tls-cert", "c.pem");
	REFUSED("--tls-key needs --tls-cert: k.pem", "--tls-key", "k.pem");
	REFUSED("--tls-ca needs --tls-cert and --tls-key: ca.pem", "--tls-ca", "ca.pem");
	REFUSED("--tls-key needs --tls-cert: k.pem", "--tls-ca", "ca.pem", "--tls-key", "k.pem");
	REFUSED("--tls-key file name is empty: ''", "--tls-cert", "c", "--tls-key", "");
	REFUSED("ambiguous option: --tls-c", "--tls-c", "x"); /* --tls-cert or --tls-ca */
	REFUSED("option needs a value: --tls-ca", "--tls-ca");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(who_may_connect),
		cmocka_unit_test(defaults_are_the_documented_ones),
		cmocka_unit_test(every_option_long_and_short),
		cmocka_unit_test(binds_and_unix_listeners),
		cmocka_unit_test(limits_of_binds_and_paths),
		cmocka_unit_test(help_and_version_go_to_stdout),
		cmocka_unit_test(help_fits_in_80_columns),
		cmocka_unit_test(refusals_name_problem_and_input),
		cmocka_unit_test(greeting_and_print),
		cmocka_unit_test(tls_files),
	};

	return cmocka_run_group_tests_name("server options", tests, NULL, NULL);
}
