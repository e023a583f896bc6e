/* test_optdiag.c - common/optdiag: each getopt_long mistake told apart, in both wordings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "optdiag.h"

enum { OPT_HISTORY = 256, OPT_ONCE };

/* Like the programs' own: letters with and without values, long-only ones, shared prefixes. */
static const struct option long_options[] = {
	{ "raw", no_argument, NULL, 'r' },
	{ "timeout", required_argument, NULL, 't' },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "help", no_argument, NULL, 'h' },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "verbose", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 }
};

static const struct ok_optdiag_table as_typed = { ":rt:hv", long_options, 0 };
static const struct ok_optdiag_table expanded = { ":rt:hv", long_options, OK_OPTDIAG_EXPAND };

static char message[256];

/* Runs getopt_long over args (NULL-terminated) until it reports a mistake; its message. */
static const char *diagnose(const struct ok_optdiag_table *t, const char *const *args)
{
	char *argv[16] = { (char *)"prog" };
	char subject[128];
	const char *problem;
	int argc = 1, c;

	while (args[argc - 1] != NULL && argc < 15) {
		argv[argc] = (char *)args[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, t->shortopts, t->longopts, NULL)) != -1) {
		if (c != ':' && c != '?')
			continue;
		problem = ok_describe_getopt_error(t, c, optopt, argv[optind - 1], subject,
		                                   sizeof subject);
		snprintf(message, sizeof message, "%s: %s", problem, subject);
		return message;
	}
	return "no mistake";
}

/* The message for these arguments under that table: DIAGNOSE(&as_typed, "-x"). */
#define DIAGNOSE(t, ...) diagnose((t), (const char *const[]){ __VA_ARGS__, NULL })

static void unknown_short_option(void **state)
{
	(void)state;
	assert_string_equal(DIAGNOSE(&as_typed, "-x"), "unknown option: -x");
	assert_string_equal(DIAGNOSE(&expanded, "-x"), "unknown option: -x");
	assert_string_equal(DIAGNOSE(&as_typed, "-:"), "unknown option: -:");
	assert_string_equal(DIAGNOSE(&as_typed, "-1"), "unknown option: -1");
}

static void unknown_letter_inside_a_cluster(void **state)
{
	(void)state;
	assert_string_equal(DIAGNOSE(&as_typed, "-vx"), "unknown option: -x");
	assert_string_equal(DIAGNOSE(&expanded, "-rx"), "unknown option: -x");
	/* The word getopt_long last finished is not the culprit. */
	assert_string_equal(DIAGNOSE(&as_typed, "--once", "-xv"), "unknown option: -x");
	assert_string_equal(DIAGNOSE(&expanded, "--raw", "-xr"), "unknown option: -x");
	assert_string_equal(DIAGNOSE(&expanded, "--history=f", "-zr"), "unknown option: -z");
}

static void unknown_long_option_named_without_its_value(void **state)
{
	(void)state;
	assert_string_equal(DIAGNOSE(&as_typed, "--frob"), "unknown option: --frob");
	assert_string_equal(DIAGNOSE(&as_typed, "--frob=1"), "unknown option: --frob");
	assert_string_equal(DIAGNOSE(&expanded, "--frob=1"), "unknown option: --frob");
	/* An empty name is not a prefix of every option. */
	assert_string_equal(DIAGNOSE(&as_typed, "--=x"), "unknown option: --");
	assert_string_equal(DIAGNOSE(&expanded, "--=x"), "unknown option: --");
}

static void ambiguous_start(void **state)
{
	(void)state;
	assert_string_equal(DIAGNOSE(&as_typed, "--h"), "ambiguous option: --h");
	assert_string_equal(DIAGNOSE(&as_typed, "--h=x"), "ambiguous option: --h");
	assert_string_equal(DIAGNOSE(&expanded, "--h"),
	                    "ambiguous option: --h (--history, --help)");
	assert_string_equal(DIAGNOSE(&expanded, "--h=x"),
	                    "ambiguous option: --h (--history, --help)");
	/* An exact name wins over the longer ones it starts. */
	assert_string_equal(DIAGNOSE(&expanded, "--help", "-x"), "unknown option: -x");
}

static void missing_value(void **state)
{
	(void)state;
	assert_string_equal(DIAGNOSE(&as_typed, "-t"), "option needs a value: -t");
	assert_string_equal(DIAGNOSE(&expanded, "-rt"), "option needs a value: -t");
	assert_string_equal(DIAGNOSE(&as_typed, "--timeout"), "option needs a value: --timeout");
	assert_string_equal(DIAGNOSE(&expanded, "--history"), "option needs a value: --history");
	/* Missing values are named as typed in both wordings. */
	assert_string_equal(DIAGNOSE(&expanded, "--time"), "option needs a value: --time");
}

static void value_for_an_option_that_takes_none(void **state)
{
	(void)state;
	assert_string_equal(DIAGNOSE(&as_typed, "--once=1"), "option takes no value: --once");
	assert_string_equal(DIAGNOSE(&as_typed, "--verb=1"), "option takes no value: --verb");
	assert_string_equal(DIAGNOSE(&expanded, "--verb=1"),
	                    "option takes no value: --verbose");
	assert_string_equal(DIAGNOSE(&expanded, "--ra="), "option takes no value: --raw");
	assert_string_equal(DIAGNOSE(&expanded, "--help=yes"), "option takes no value: --help");
}

/* Without getopt_long: the inputs as given, and a subject buffer too small for the names. */
static void direct_calls_and_a_short_buffer(void **state)
{
	char subject[8];
	(void)state;
	assert_string_equal(ok_describe_getopt_error(&as_typed, '?', 'q', "-vq", subject,
	                                             sizeof subject), "unknown option");
	assert_string_equal(subject, "-q");
	assert_string_equal(ok_describe_getopt_error(&expanded, '?', 0, "--h", subject,
	                                             sizeof subject), "ambiguous option");
	assert_string_equal(subject, "--h (--");
	assert_string_equal(ok_describe_getopt_error(&as_typed, '?', 0, "--verbosity=2", subject,
	                                             sizeof subject), "unknown option");
	assert_string_equal(subject, "--verbo");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_short_option),
		cmocka_unit_test(unknown_letter_inside_a_cluster),
		cmocka_unit_test(unknown_long_option_named_without_its_value),
		cmocka_unit_test(ambiguous_start),
		cmocka_unit_test(missing_value),
		cmocka_unit_test(value_for_an_option_that_takes_none),
		cmocka_unit_test(direct_calls_and_a_short_buffer),
	};

	return cmocka_run_group_tests_name("option diagnosis", tests, NULL, NULL);
}
