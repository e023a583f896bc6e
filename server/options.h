/* options.h - okserver's command line: the configuration it fills, its exit statuses. */
#ifndef OK_OPTIONS_H
#define OK_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include "err.h"
#include "oklimits.h"

/* okserver's exit statuses (okserver(1), --help), the only ones it has. */
enum server_exit {
	SERVER_EXIT_OK = 0,      /* a normal end: --once done, SIGINT, SIGTERM */
	SERVER_EXIT_SOCKET = 1,  /* socket() failed, or anything else local: memory, the loop */
	SERVER_EXIT_BIND = 2,    /* bind failed, or a socket-activation descriptor is no listener */
	SERVER_EXIT_LISTEN = 3,
	SERVER_EXIT_DAEMON = 4,  /* -d, --pidfile, --log or a --tls-* file failed */
	SERVER_EXIT_USAGE = 64
};

/* One TCP listener's address: an IPv4 or IPv6 socket address of len bytes. */
struct listen_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* What the command line asks for: parse_options fills it, main completes it (the open-file
 * limit), and from then on the server only reads it. */
struct server_config {
	struct listen_addr tcp[OK_MAX_BINDS]; /* -b (or the default) and -p, in the order given */
	unsigned n_tcp;              /* 0 only with -U and neither -p nor -b: no TCP listener */
	const char *unix_path;       /* -U, or NULL */
	unsigned unix_mode;          /* --unix-mode */
	bool once, verbose;
	bool daemon;                 /* -d: SIGHUP without --log is ignored, not a stop */
	bool print;                  /* --print: the loop opens a printer on standard output */
	const char *greeting;        /* --greeting TEXT, checked: no CR or LF, OK_GREETING_MAX bytes */
	bool max_clients_set;        /* given by the user: lowering it deserves a warning */
	unsigned long max_clients, max_line, idle_timeout;
	const char *pidfile;
	const char *log;             /* --log FILE, or NULL: stderr */
	const char *tls_cert;        /* --tls-cert FILE: every TCP listener speaks TLS; with */
	const char *tls_key;         /* --tls-key FILE (both or neither), */
	const char *tls_ca;          /* --tls-ca FILE: mutual TLS; NULL when not given */
	bool listen_set;             /* -p, -b or -U given: refused with socket activation */
	int table_size;              /* main: the connection table's records, one per descriptor
	                              * the open-file limit allows */
	/* Who may connect (SPEC 11; admit.c builds on these): the networks as given, each checked
	 * by ok_cidr_parse, in arrays parse_options allocates (options_free frees them). */
	const char **allow, **deny, **proxy_from; /* --allow, --deny, --proxy-from */
	size_t n_allow, n_deny, n_proxy_from;
	const char *access_file;     /* --access-file FILE, or NULL */
	unsigned long max_per_address; /* --max-per-address N; 0: no limit */
};

/* What the command line asks main to do. */
enum options_action { OPTS_RUN, OPTS_HELP, OPTS_VERSION, OPTS_USAGE_ERROR };

/* Fills *c from argv. On OPTS_USAGE_ERROR, e says what is wrong as "WHAT: INPUT" (code
 * SERVER_EXIT_USAGE); main prints it with a hint. Nothing is printed here. */
enum options_action parse_options(int argc, char **argv, struct server_config *c,
                                  struct ok_err *e);
/* Frees what parse_options allocated in *c (the network lists); c stays usable as empty. */
void options_free(struct server_config *c);
/* What OPTS_HELP or OPTS_VERSION asks for: the --help text, or the --version lines. */
void options_print(enum options_action what, FILE *out);

#endif
