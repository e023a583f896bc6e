/* options.h - okserver's command line, parsed without side effects beyond the two streams. */
#ifndef OK_OPTIONS_H
#define OK_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include "oklimits.h"

/* One TCP listener's address: an IPv4 or IPv6 socket address of len bytes. */
struct listen_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

struct server_opts {
	struct listen_addr tcp[OK_MAX_BINDS]; /* -b (or the default) and -p, in the order given */
	unsigned n_tcp;              /* 0 only with -U and neither -p nor -b: no TCP listener */
	const char *unix_path;       /* -U, or NULL */
	unsigned unix_mode;          /* --unix-mode */
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
