/* optdiag.c - tells apart the mistakes getopt_long reports alike, for both programs' messages. */
#include <string.h>
#include <stdio.h>

#include "optdiag.h"

#define UNKNOWN "unknown option"
#define AMBIGUOUS "ambiguous option"
#define NEEDS_VALUE "option needs a value"
#define TAKES_NO_VALUE "option takes no value"

/* Whether letter c is one of shortopts' options (its leading '+', '-' or ':' are modes). */
static int is_short_option(const char *shortopts, int c)
{
	if (c <= 0 || c >= 256 || c == ':')
		return 0;
	return strchr(shortopts + strspn(shortopts, "+-:"), c) != NULL;
}

/*
 * How many long options start with the len bytes of name; an exact match counts alone. *hit is
 * the last one matched. An empty name matches none: "--=x" is not a prefix of everything.
 */
static int count_long_matches(const struct option *longopts, const char *name, size_t len,
                              const struct option **hit)
{
	int count = 0;

	if (len == 0)
		return 0;
	for (const struct option *o = longopts; o->name != NULL; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		*hit = o;
		if (o->name[len] == '\0')
			return 1;
		count++;
	}
	return count;
}

/* Appends s to the string in buf (len bytes in all), cutting it short if it does not fit. */
static void append(char *buf, size_t len, const char *s)
{
	size_t used = strlen(buf);

	if (used + 1 < len)
		snprintf(buf + used, len - used, "%s", s);
}

/* " (--history, --help)": every long option the ambiguous start could be. */
static void list_candidates(const struct option *longopts, const char *name, size_t len,
                            char *subject, size_t size)
{
	const char *sep = " (--";

	for (const struct option *o = longopts; o->name != NULL; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		append(subject, size, sep);
		append(subject, size, o->name);
		sep = ", --";
	}
	append(subject, size, ")");
}

/* A long option's mistake; word starts "--" and subject already names it as typed. */
static const char *describe_long(const struct ok_optdiag_table *t, const char *word,
                                 char *subject, size_t len)
{
	const struct option *hit = NULL;
	size_t name_len = strcspn(word + 2, "=");
	int count = count_long_matches(t->longopts, word + 2, name_len, &hit);

	if (count == 1 && hit->has_arg == no_argument && word[2 + name_len] == '=') {
		if (t->flags & OK_OPTDIAG_EXPAND)
			snprintf(subject, len, "--%s", hit->name);
		return TAKES_NO_VALUE;
	}
	if (count > 1) {
		if (t->flags & OK_OPTDIAG_EXPAND)
			list_candidates(t->longopts, word + 2, name_len, subject, len);
		return AMBIGUOUS;
	}
	return UNKNOWN;
}

const char *ok_describe_getopt_error(const struct ok_optdiag_table *t, int c, int opt,
                                     const char *word, char *subject, size_t len)
{
	int is_long = strncmp(word, "--", 2) == 0;

	/*
	 * A letter: the one missing its value ends word ("-rt"), or an unknown one stands in a
	 * cluster ("--raw -xr"), where word may still be the argument before it; a letter we know
	 * is never the unknown one ("--raw=1" leaves opt 'r').
	 */
	if ((c == ':' && !is_long) ||
	    (c != ':' && opt > 0 && opt < 256 && !is_short_option(t->shortopts, opt))) {
		snprintf(subject, len, "-%c", opt);
		return c == ':' ? NEEDS_VALUE : UNKNOWN;
	}
	snprintf(subject, len, "%.*s", (int)strcspn(word, "="), word);
	if (c == ':')
		return NEEDS_VALUE;
	return is_long ? describe_long(t, word, subject, len) : UNKNOWN;
}
