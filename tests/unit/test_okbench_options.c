/* test_okbench_options.c - okbench's command line: defaults, HOST[:PORT] forms, refusals, TLS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "../../okbench/okbench.h" /* the Makefile gives only -Icommon */
#include "tls.h"

static struct okb_options o;
static struct ok_err e;

/* Parses the NULL-terminated words w after "okbench". */
static enum okb_action parse_words(const char *const *w)
{
	char *argv[32] = { "okbench" };
	int argc = 1;

	for (; *w != NULL && argc < 31; w++)
		argv[argc++] = (char *)*w;
	argv[argc] = NULL;
	e.msg[0] = '\0';
	return okb_parse_options(argc, argv, &o, &e);
}

#define parse(...) parse_words((const char *const[]){ __VA_ARGS__ })

static void defaults(void **state)
{
	(void)state;
	assert_int_equal(parse_words((const char *const[]){ NULL }), OKB_RUN);
	assert_string_equal(o.host, "127.0.0.1");
	assert_int_equal(o.port, 4242);
	assert_int_equal(o.conns, 50);
	assert_int_equal(o.depth, 1);
	assert_int_equal(o.seconds, 10);
	assert_int_equal(o.lines, 0);
	assert_int_equal(o.rate, 0);
	assert_int_equal(o.warmup, 1);
	assert_string_equal(o.line, "PING");
	assert_int_equal(o.format, OKB_FORMAT_TEXT);
	assert_int_equal(o.family, AF_UNSPEC);
	assert_null(o.unix_path);
}

static void host_and_port_forms(void **state)
{
	(void)state;
	assert_int_equal(parse("example.org:6379", NULL), OKB_RUN);
	assert_string_equal(o.host, "example.org");
	assert_int_equal(o.port, 6379);
	assert_int_equal(parse("[::1]:4243", NULL), OKB_RUN);
	assert_string_equal(o.host, "[::1]"); /* the brackets say IPv6 to target.c */
	assert_int_equal(o.port, 4243);
	assert_int_equal(parse("::1", NULL), OKB_RUN); /* colons, but no port */
	assert_string_equal(o.host, "::1");
	assert_int_equal(o.port, 4242);
	assert_int_equal(parse("[::1]", "99", NULL), OKB_RUN);
	assert_string_equal(o.host, "[::1]");
	assert_int_equal(o.port, 99);
	assert_int_equal(parse("127.1", "1", NULL), OKB_RUN);
	assert_string_equal(o.host, "127.1");
	assert_int_equal(o.port, 1);
}

static void values_and_modes(void **state)
{
	(void)state;
	assert_int_equal(parse("-c", "7", "-P", "1024", "-n", "99", "-R", "5", "--warmup", "0",
	                       "--line", "", "--format", "json", "-6", NULL), OKB_RUN);
	assert_int_equal(o.conns, 7);
	assert_int_equal(o.depth, 1024);
	assert_int_equal(o.lines, 99);
	assert_int_equal(o.seconds, 0); /* -n instead of the default -d */
	assert_int_equal(o.rate, 5);
	assert_int_equal(o.warmup, 0);
	assert_string_equal(o.line, "");
	assert_int_equal(o.format, OKB_FORMAT_JSON);
	assert_int_equal(o.family, AF_INET6);
	assert_int_equal(parse("-U", "/tmp/s", "--idle", "-d", "3", "--form=csv", NULL), OKB_RUN);
	assert_string_equal(o.unix_path, "/tmp/s");
	assert_int_equal(o.idle, 1);
	assert_int_equal(o.seconds, 3);
	assert_int_equal(o.format, OKB_FORMAT_CSV);
}

static void refusals_name_option_and_value(void **state)
{
	(void)state;
	assert_int_equal(parse("-c", "0", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "-c too small: 0 (1-100000)");
	assert_int_equal(parse("-R", "1x", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "-R not a number: 1x (1-10000000)");
	assert_int_equal(parse("h:1", "2", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "port given twice: h:1 and 2");
	assert_int_equal(parse("h:", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "port not a number:  (1-65535)");
	assert_int_equal(parse(":80", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "host is empty");
	assert_int_equal(parse("--he", NULL), OKB_HELP);
	assert_int_equal(parse("-V", NULL), OKB_VERSION);
}

/* A build with TLS: every --tls-... option turns TLS on and lands where tls.h takes it. */
static void tls_options_fill_the_client_conf(void **state)
{
	(void)state;
	assert_int_equal(parse("h", NULL), OKB_RUN);
	assert_int_equal(o.tls, 0);
	assert_int_equal(parse("--tls", "h", NULL), OKB_RUN);
	assert_int_equal(o.tls, 1);
	assert_null(o.tls_conf.ca);
	assert_int_equal(o.tls_conf.insecure, 0);
	assert_int_equal(parse("--tls-ca", "ca.pem", "--tls-servername", "example.org",
	                       "--tls-cert=c.pem", "--tls-k", "k.pem", "--tls-i", "h:99", NULL),
	                 OKB_RUN);
	assert_int_equal(o.tls, 1);
	assert_string_equal(o.tls_first, "tls-ca");
	assert_string_equal(o.tls_conf.ca, "ca.pem");
	assert_string_equal(o.tls_conf.servername, "example.org");
	assert_string_equal(o.tls_conf.cert, "c.pem");
	assert_string_equal(o.tls_conf.key, "k.pem");
	assert_int_equal(o.tls_conf.insecure, 1);
	assert_int_equal(o.port, 99);
	assert_int_equal(parse("--tls-insecure", NULL), OKB_RUN);
	assert_int_equal(o.tls, 1);
}

/* A build with TLS: TLS over a Unix socket, half a client certificate, a missing value. */
static void tls_refusals_name_the_option(void **state)
{
	(void)state;
	assert_int_equal(parse("--tls", "-U", "/tmp/s", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "-U cannot be used with --tls (TLS is for TCP only)");
	assert_int_equal(parse("-U", "/tmp/s", "--tls-servern=x", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "-U cannot be used with --tls-servername (TLS is for TCP only)");
	assert_int_equal(parse("--tls-cert", "c.pem", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "--tls-cert needs --tls-key");
	assert_int_equal(parse("--tls-k=key.pem", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "--tls-key needs --tls-cert");
	assert_int_equal(parse("--tls-servername=", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "--tls-servername is empty: a name is wanted");
	assert_int_equal(parse("--tls-ca", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "option needs a value: --tls-ca");
	assert_int_equal(parse("--tls=yes", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "option takes no value: --tls");
}

/* A build without TLS: each TLS option is refused by name, however it was typed. */
static void tls_options_refused_without_tls(void **state)
{
	(void)state;
	assert_int_equal(parse("--tls-k=key.pem", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "--tls-key: this build has no TLS (okbench --version says TLS: no)");
	assert_int_equal(parse("--tls-ca", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "--tls-ca: this build has no TLS (okbench --version says TLS: no)");
	assert_int_equal(parse("-U", "/tmp/s", "--tls", NULL), OKB_USAGE_ERROR);
	assert_string_equal(e.msg, "--tls: this build has no TLS (okbench --version says TLS: no)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(host_and_port_forms),
		cmocka_unit_test(values_and_modes),
		cmocka_unit_test(refusals_name_option_and_value),
	};
	const struct CMUnitTest with_tls[] = {
		cmocka_unit_test(tls_options_fill_the_client_conf),
		cmocka_unit_test(tls_refusals_name_the_option),
	};
	const struct CMUnitTest without_tls[] = {
		cmocka_unit_test(tls_options_refused_without_tls),
	};
	int failed = cmocka_run_group_tests_name("okbench options", tests, NULL, NULL);

	if (ok_tls_available())
		return failed + cmocka_run_group_tests_name("okbench options, TLS", with_tls, NULL, NULL);
	return failed + cmocka_run_group_tests_name("okbench options, a build without TLS",
	                                            without_tls, NULL, NULL);
}
