/* optdiag.h - what getopt_long's '?' or ':' meant, worded for the user; never prints. */
#ifndef OK_OPTDIAG_H
#define OK_OPTDIAG_H

#include <stddef.h>
#include <getopt.h>

/* A program's options exactly as it gives them to getopt_long, and how its messages read. */
struct ok_optdiag_table {
	const char *shortopts;
	const struct option *longopts;
	unsigned flags;               /* OK_OPTDIAG_EXPAND, or 0 */
};

/*
 * Expand abbreviations: "--ra=1" is named "--raw" in full, and an ambiguous "--h" lists what
 * it could be: "--h (--history, --help)" (okclient's wording). Without it, both are named as
 * typed (okserver's).
 */
#define OK_OPTDIAG_EXPAND 1u

/*
 * c is getopt_long's return (':' when a value is missing, '?' for every other mistake), opt
 * what it left in optopt, word the argument it was reading (argv[optind - 1]).
 * Returns the problem: "unknown option", "ambiguous option", "option needs a value" or
 * "option takes no value"; fills subject with the option it is about, as typed ("-x", or
 * "--frob" without its "=value"). The message for the user is "problem: subject".
 */
const char *ok_describe_getopt_error(const struct ok_optdiag_table *t, int c, int opt,
                                     const char *word, char *subject, size_t len);

#endif
