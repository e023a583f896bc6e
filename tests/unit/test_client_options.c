/* test_client_options.c - okclient's command line, parsed without running anything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sys/socket.h>

#include "client.h"

static struct ok_err perr; /* the last parse's error */

/* The end of an argument list: a typed null pointer, as variadic functions need. */
#define END ((const char *)NULL)

/* Parses a NULL-terminated list of arguments after the program name. */
static enum okc_action parse(struct okc_options *o, const char *first, ...)
{
	char *argv[16] = { (char *)"okclient" };
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a != NULL && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	memset(&perr, 0, sizeof perr);
	return okc_parse_options(argc, argv, o, &perr);
}

static void defaults_are_loopback_4242(void **state)
{
	struct okc_options o;
	(void)state;
	assert_int_equal(parse(&o, END), OKC_RUN);
	assert_string_equal(o.host, "127.0.0.1");
	assert_int_equal(o.port, 4242);
	assert_int_equal(o.raw, 0);
	assert_int_equal(o.timeout_s, 0);
	assert_null(o.history);
	assert_int_equal(o.greeting, 0);
	assert_int_equal(o.family, AF_UNSPEC);
	assert_null(o.unix_path);
}

static void families_and_unix_path(void **state)
{
	char path[OKC_UNIX_PATH_MAX + 2], expect[64];
	struct okc_options o;
	(void)state;
	assert_int_equal(parse(&o, "-6", "::1", "80", END), OKC_RUN);
	assert_int_equal(o.family, AF_INET6);
	assert_string_equal(o.host, "::1");
	assert_int_equal(parse(&o, "-6", "-4", END), OKC_RUN); /* the last one counts, as in nc */
	assert_int_equal(o.family, AF_INET);
	assert_int_equal(parse(&o, "--unix", "/run/ok.sock", "-r", END), OKC_RUN);
	assert_string_equal(o.unix_path, "/run/ok.sock");
	/* The longest path sun_path holds with its NUL (107 bytes on Linux), then one more. */
	memset(path, 'a', sizeof path);
	path[0] = '/';
	path[OKC_UNIX_PATH_MAX] = '\0';
	assert_int_equal(parse(&o, "-U", path, END), OKC_RUN);
	assert_string_equal(o.unix_path, path);
	path[OKC_UNIX_PATH_MAX] = 'a';
	path[OKC_UNIX_PATH_MAX + 1] = '\0';
	assert_int_equal(parse(&o, "-U", path, END), OKC_USAGE_ERROR);
	snprintf(expect, sizeof expect, "unix socket path too long: %zu bytes (at most %zu)",
	         OKC_UNIX_PATH_MAX + 1, OKC_UNIX_PATH_MAX);
	assert_string_equal(perr.msg, expect);
}

static void every_option_is_taken(void **state)
{
	struct okc_options o;
	(void)state;
	assert_int_equal(parse(&o, "-r", "-t", "3", "--history", "/tmp/h", "example.org", "80",
	                       END), OKC_RUN);
	assert_int_equal(o.raw, 1);
	assert_int_equal(o.timeout_s, 3);
	assert_string_equal(o.history, "/tmp/h");
	assert_string_equal(o.host, "example.org");
	assert_int_equal(o.port, 80);
	assert_int_equal(parse(&o, "--raw", "--timeout=2147483", "h", END), OKC_RUN);
	assert_int_equal(o.timeout_s, 2147483);
	assert_int_equal(o.port, 4242);
}

static void host_and_port_in_one_argument(void **state)
{
	static const struct { const char *arg, *host; int port; } cases[] = {
		{ "127.0.0.1:4243", "127.0.0.1", 4243 },
		{ "localhost:80", "localhost", 80 },
		{ "[::1]:4243", "[::1]", 4243 },
		{ "[fe80::1%lo]:1", "[fe80::1%lo]", 1 },
		{ "::1", "::1", 4242 },          /* a bare IPv6 address: several colons, no port */
		{ "1::", "1::", 4242 },
		{ "[::1]", "[::1]", 4242 },      /* brackets without a port */
		{ "[::1]x:80", "[::1]x:80", 4242 }, /* not a port after the bracket: refused later */
		{ "example.org", "example.org", 4242 },
	};
	struct okc_options o;
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(parse(&o, cases[i].arg, END), OKC_RUN);
		assert_string_equal(o.host, cases[i].host);
		assert_int_equal(o.port, cases[i].port);
	}
	assert_int_equal(parse(&o, "::1", "80", END), OKC_RUN); /* and a PORT after it, as before */
	assert_string_equal(o.host, "::1");
	assert_int_equal(o.port, 80);
	assert_int_equal(parse(&o, "--greeting", "-r", "h:9", END), OKC_RUN);
	assert_int_equal(o.greeting, 1);
	assert_string_equal(o.host, "h");
	assert_int_equal(o.port, 9);
}

static void help_and_version(void **state)
{
	struct okc_options o;
	(void)state;
	assert_int_equal(parse(&o, "-h", END), OKC_HELP);
	assert_int_equal(parse(&o, "--help", END), OKC_HELP);
	assert_int_equal(parse(&o, "-V", END), OKC_VERSION);
	assert_int_equal(parse(&o, "--version", END), OKC_VERSION);
	assert_int_equal(parse(&o, "--he", END), OKC_HELP); /* a unique start is the option */
}

static void usage_errors_say_what_and_which(void **state)
{
	static const struct { const char *a, *b, *c, *msg; } cases[] = {
		{ "-x", NULL, NULL, "unknown option: -x" },
		{ "--nope", NULL, NULL, "unknown option: --nope" },
		{ "--nope=1", NULL, NULL, "unknown option: --nope" },
		{ "--=1", NULL, NULL, "unknown option: --" },
		{ "-rx", NULL, NULL, "unknown option: -x" },
		{ "--raw", "-xr", NULL, "unknown option: -x" }, /* the word before is not the culprit */
		{ "--history=f", "-zr", NULL, "unknown option: -z" },
		{ "-:", NULL, NULL, "unknown option: -:" },
		{ "--raw=1", NULL, NULL, "option takes no value: --raw" },
		{ "--ra=", NULL, NULL, "option takes no value: --raw" },
		{ "--help=yes", NULL, NULL, "option takes no value: --help" },
		{ "--h", NULL, NULL, "ambiguous option: --h (--history, --help)" },
		{ "--h=x", NULL, NULL, "ambiguous option: --h (--history, --help)" },
		{ "--timeout", NULL, NULL, "option needs a value: --timeout" },
		{ "--history", NULL, NULL, "option needs a value: --history" },
		{ "-rt", NULL, NULL, "option needs a value: -t" },
		{ "-t", NULL, NULL, "option needs a value: -t" },
		{ "-t", "0", NULL, "timeout too small: 0" },
		{ "-t", "2147484", NULL, "timeout too large: 2147484" },
		{ "-t", "1s", NULL, "timeout not a number: 1s" },
		{ "h", "65536", NULL, "port too large: 65536" },
		{ "h", "0", NULL, "port too small: 0" },
		{ "h", "+1", NULL, "port not a number: +1" },
		{ "h", "-1", NULL, "unknown option: -1" }, /* getopt sees an option */
		{ "h", "1", "x", "too many arguments: x" },
		{ "", NULL, NULL, "host is empty" },
		{ ":4242", NULL, NULL, "host is empty" },
		{ "h:", NULL, NULL, "port not a number: " },
		{ "h:0", NULL, NULL, "port too small: 0" },
		{ "[::1]:65536", NULL, NULL, "port too large: 65536" },
		{ "h:1", "2", NULL, "port given twice: h:1 and 2" },
		{ "[::1]:1", "2", NULL, "port given twice: [::1]:1 and 2" },
		{ "-U", "/s", "h:1", "-U takes no HOST or PORT: h:1" },
		{ "-U", "", NULL, "unix socket path is empty" },
		{ "-U", "/s", "h", "-U takes no HOST or PORT: h" },
		{ "-4", "-U", "/s", "-U cannot be used with -4" },
		{ "-U", "/s", "-6", "-U cannot be used with -6" },
		{ "--unix", NULL, NULL, "option needs a value: --unix" },
	};
	struct okc_options o;
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(parse(&o, cases[i].a, cases[i].b, cases[i].c, END), OKC_USAGE_ERROR);
		assert_string_equal(perr.msg, cases[i].msg);
		assert_int_equal(perr.code, OKC_EXIT_USAGE);
	}
}

/* Every --tls-... option turns TLS on and fills the context's settings; -U refuses them all.
 * In a build without TLS (make TLS=0) each is a usage error saying so. */
static void tls_options(void **state)
{
	static const char *const each[] = { "--tls", "--tls-ca=ca.pem", "--tls-cert=c.pem",
	                                    "--tls-key=c.key", "--tls-servername=n",
	                                    "--tls-insecure" };
	struct okc_options o;
	(void)state;

	assert_int_equal(parse(&o, END), OKC_RUN);
	assert_null(o.tls);
	if (!ok_tls_available()) {
		for (size_t i = 0; i < sizeof each / sizeof each[0]; i++) {
			size_t name = strcspn(each[i], "=");
			char expect[96];

			assert_int_equal(parse(&o, each[i], "h", END), OKC_USAGE_ERROR);
			snprintf(expect, sizeof expect, "%.*s: this build has no TLS (it was made with "
			         "TLS=0)", (int)name, each[i]);
			assert_string_equal(perr.msg, expect);
			assert_int_equal(perr.code, OKC_EXIT_USAGE);
		}
		return;
	}
	assert_int_equal(parse(&o, "--tls-insecure", "--tls", "h", END), OKC_RUN);
	assert_string_equal(o.tls, "tls-insecure"); /* the first one given, for messages */
	assert_int_equal(o.tls_conf.insecure, 1);
	assert_int_equal(parse(&o, "--tls-ca", "ca.pem", "--tls-servername", "example.com",
	                       "--tls-cert", "c.pem", "--tls-key", "c.key", "h", "443", END),
	                 OKC_RUN);
	assert_string_equal(o.tls, "tls-ca");
	assert_string_equal(o.tls_conf.ca, "ca.pem");
	assert_string_equal(o.tls_conf.servername, "example.com");
	assert_string_equal(o.tls_conf.cert, "c.pem");
	assert_string_equal(o.tls_conf.key, "c.key");
	assert_int_equal(o.tls_conf.insecure, 0);
	assert_int_equal(o.port, 443);
	for (size_t i = 0; i < sizeof each / sizeof each[0]; i++) {
		assert_int_equal(parse(&o, each[i], "-U", "/s", END), OKC_USAGE_ERROR);
		assert_non_null(strstr(perr.msg, "-U cannot be used with --tls"));
	}
	assert_int_equal(parse(&o, "--tls-cert=c.pem", END), OKC_USAGE_ERROR);
	assert_string_equal(perr.msg, "--tls-cert needs --tls-key");
	assert_int_equal(parse(&o, "--tls-key=c.key", END), OKC_USAGE_ERROR);
	assert_string_equal(perr.msg, "--tls-key needs --tls-cert");
	assert_int_equal(parse(&o, "--tls-ca=", END), OKC_USAGE_ERROR);
	assert_string_equal(perr.msg, "option needs a value: --tls-ca");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_loopback_4242),
		cmocka_unit_test(every_option_is_taken),
		cmocka_unit_test(families_and_unix_path),
		cmocka_unit_test(host_and_port_in_one_argument),
		cmocka_unit_test(help_and_version),
		cmocka_unit_test(usage_errors_say_what_and_which),
		cmocka_unit_test(tls_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
