/* test_optdiag.c - common/optdiag: each getopt_long mistake told apart, in both wordings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "optdiag.h"

/* The end of an argument list: a typed null pointer, as variadic functions need. */
#define END ((const char *)NULL)

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

/* Runs getopt_long over the arguments until it reports a mistake; that mistake's message. */
static const char *diagnose(const struct ok_optdiag_table *t, const char *first, ...)
{
	char *argv[16] = { (char *)"prog" };
	char subject[128];
	const char *problem;
	int argc = 1, c;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a != NULL && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
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

static void unknown_short_option(void **state)
{
	(void)state;
	assert_string_equal(diagnose(&as_typed, "-x", END), "unknown option: -x");
	assert_string_equal(diagnose(&expanded, "-x", END), "unknown option: -x");
	assert_string_equal(diagnose(&as_typed, "-:", END), "unknown option: -:");
	assert_string_equal(diagnose(&as_typed, "-1", END), "unknown option: -1");
}

static void unknown_letter_inside_a_cluster(void **state)
{
	(void)state;
	assert_string_equal(diagnose(&as_typed, "-vx", END), "unknown option: -x");
	assert_string_equal(diagnose(&expanded, "-rx", END), "unknown option: -x");
	/* The word getopt_long last finished is not the culprit. */
	assert_string_equal(diagnose(&as_typed, "--once", "-xv", END), "unknown option: -x");
	assert_string_equal(diagnose(&expanded, "--raw", "-xr", END), "unknown option: -x");
	assert_string_equal(diagnose(&expanded, "--history=f", "-zr", END), "unknown option: -z");
}

static void unknown_long_option_named_without_its_value(void **state)
{
	(void)state;
	assert_string_equal(diagnose(&as_typed, "--frob", END), "unknown option: --frob");
	assert_string_equal(diagnose(&as_typed, "--frob=1", END), "unknown option: --frob");
	assert_string_equal(diagnose(&expanded, "--frob=1", END), "unknown option: --frob");
	/* An empty name is not a prefix of every option. */
	assert_string_equal(diagnose(&as_typed, "--=x", END), "unknown option: --");
	assert_string_equal(diagnose(&expanded, "--=x", END), "unknown option: --");
}

static void ambiguous_start(void **state)
{
	(void)state;
	assert_string_equal(diagnose(&as_typed, "--h", END), "ambiguous option: --h");
	assert_string_equal(diagnose(&as_typed, "--h=x", END), "ambiguous option: --h");
	assert_string_equal(diagnose(&expanded, "--h", END),
	                    "ambiguous option: --h (--history, --help)");
	assert_string_equal(diagnose(&expanded, "--h=x", END),
	                    "ambiguous option: --h (--history, --help)");
	/* An exact name wins over the longer ones it starts. */
	assert_string_equal(diagnose(&expanded, "--help", "-x", END), "unknown option: -x");
}

static void missing_value(void **state)
{
	(void)state;
	assert_string_equal(diagnose(&as_typed, "-t", END), "option needs a value: -t");
	assert_string_equal(diagnose(&expanded, "-rt", END), "option needs a value: -t");
	assert_string_equal(diagnose(&as_typed, "--timeout", END), "option needs a value: --timeout");
	assert_string_equal(diagnose(&expanded, "--history", END), "option needs a value: --history");
	/* Missing values are named as typed in both wordings. */
	assert_string_equal(diagnose(&expanded, "--time", END), "option needs a value: --time");
}

static void value_for_an_option_that_takes_none(void **state)
{
	(void)state;
	assert_string_equal(diagnose(&as_typed, "--once=1", END), "option takes no value: --once");
	assert_string_equal(diagnose(&as_typed, "--verb=1", END), "option takes no value: --verb");
	assert_string_equal(diagnose(&expanded, "--verb=1", END),
	                    "option takes no value: --verbose");
	assert_string_equal(diagnose(&expanded, "--ra=", END), "option takes no value: --raw");
	assert_string_equal(diagnose(&expanded, "--help=yes", END), "option takes no value: --help");
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
