/* options.h - okserver's command line, parsed without side effects beyond the two streams. */
#ifndef OK_OPTIONS_H
#define OK_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <netinet/in.h>

struct server_opts {
	struct sockaddr_in addr;     /* -b and -p together */
	bool once, daemon, verbose;
	bool print;                  /* --print */
	const char *greeting;        /* --greeting TEXT, checked: no CR or LF, OK_GREETING_MAX bytes */
	bool max_clients_set;        /* given by the user: lowering it deserves a warning */
	unsigned long max_clients, max_line, idle_timeout;
	const char *pidfile;
	const char *log;             /* --log FILE, or NULL: stderr */
	bool listen_set;             /* -p or -b given: refused with socket activation */
};

/* The exit status the command line asks for, or OPTS_RUN to go on and serve. */
#define OPTS_RUN (-1)

/* Fills *o from argv. Prints --help/--version to out (then 0) or one error line and a hint to
 * err (then 64). */
int parse_options(int argc, char **argv, struct server_opts *o, FILE *out, FILE *err);

/* For a conflict main finds later: "okserver: WHAT: INPUT", the hint, and 64. */
int options_usage_error(FILE *err, const char *what, const char *input);

#endif
