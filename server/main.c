/* main.c - okserver: options, listen (or take systemd's listener), log, detach, ready line,
 * serve, exit status. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "activation.h"
#include "daemon.h"
#include "listeners.h"
#include "log.h"
#include "loop.h"
#include "netaddr.h"
#include "notify.h"
#include "oklimits.h"
#include "options.h"
#include "server.h"
#include "signals.h"
#include "sock.h"
#include "util.h"

#define EXIT_SOCKET 1 /* also listeners.c's, with 2 bind and 3 listen */
#define EXIT_BIND   2 /* here: a socket-activation descriptor that is no listener */
#define EXIT_DAEMON 4
/* Not an exit status: become_ready() saw SIGINT/SIGTERM before the ready line was out. */
#define EXIT_STOPPED_EARLY (-1)

/*
 * Makes room for --max-clients descriptors (raising the soft limit up to the hard one, as
 * redis does) and lowers --max-clients to what the limit allows. Returns the size of the
 * connection table: every descriptor the process may get indexes it.
 */
static int fit_fd_limit(struct server_opts *o, int n_listeners)
{
	struct rlimit rl;
	unsigned reserve = OK_FD_RESERVE + (unsigned)n_listeners - 1;
	rlim_t want = (rlim_t)o->max_clients + reserve;
	unsigned long cap;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		rl.rlim_cur = rl.rlim_max = 1024;
	if (rl.rlim_cur < want || rl.rlim_cur > OK_TABLE_SLACK * want) {
		/* Raise to what is needed, or trim a huge limit so the table stays proportional. */
		struct rlimit nr = { want * (rl.rlim_cur < want ? 1 : OK_TABLE_SLACK), rl.rlim_max };
		if (nr.rlim_cur > rl.rlim_max)
			nr.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &nr) == 0)
			rl.rlim_cur = nr.rlim_cur;
	}
	if (rl.rlim_cur > INT_MAX / 2)
		rl.rlim_cur = INT_MAX / 2;
	cap = rl.rlim_cur > reserve ? (unsigned long)rl.rlim_cur - reserve : 1;
	if (o->max_clients > cap) {
		if (o->max_clients_set)
			fprintf(stderr, "okserver: max-clients lowered to %lu: the open-file limit is %lu\n",
			        cap, (unsigned long)rl.rlim_cur);
		o->max_clients = cap;
	}
	return (int)rl.rlim_cur;
}

/*
 * "listening on 127.0.0.1:4242", one line per listener, all in one buffer: scripts and tests
 * wait for exactly these lines. Written with write() only once poll() says stdout can take it,
 * checking for a stop signal in between, so a full pipe on stdout cannot hold the server past
 * SIGTERM (blocked, it waits for the loop). Returns 1 if a stop signal came first, else 0; a
 * closed or broken stdout is no reason not to serve.
 */
static int print_ready(const struct listeners *l)
{
	char text[OK_READY_TEXT_MAX];
	size_t off = 0, len = listeners_ready_text(l, text, sizeof text);

	while (off < len) {
		struct pollfd out = { .fd = STDOUT_FILENO, .events = POLLOUT };
		ssize_t n;

		if (stop_signal_pending())
			return 1;
		n = poll(&out, 1, OK_READY_POLL_MS);
		if (n < 0 && errno != EINTR)
			return 0;
		if (n <= 0)
			continue;
		if (out.revents & (POLLERR | POLLNVAL))
			return 0;
		n = write(STDOUT_FILENO, text + off, len - off);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return 0;
		if (n > 0)
			off += (size_t)n;
	}
	return 0;
}

/*
 * The pidfile's name, absolute, so it can be removed after the daemon's chdir("/"). realpath()
 * can fail where the file is still reachable (a directory above not readable, ENOMEM): then the
 * working directory and the name as given, so a clean exit still removes it. NULL: no memory.
 */
static char *absolute_path(const char *name)
{
	char *path = realpath(name, NULL), *cwd;
	size_t len;

	if (path != NULL)
		return path;
	if (name[0] == '/' || (cwd = getcwd(NULL, 0)) == NULL)
		return strdup(name);
	len = strlen(cwd) + strlen(name) + 2;
	path = malloc(len);
	if (path != NULL)
		snprintf(path, len, "%s/%s", cwd, name);
	free(cwd);
	return path;
}

/* --log: the log is that file from now on, named absolutely so that SIGHUP can reopen it
 * after the daemon's chdir("/"). 0, or the exit status. */
static int open_log(const char *name)
{
	char *path = absolute_path(name);
	int rc = path != NULL ? log_open_file(path) : -1, err = errno;

	free(path);
	if (rc == 0)
		return 0;
	fprintf(stderr, "okserver: log %s: %s\n", name, strerror(err));
	return EXIT_DAEMON;
}

/*
 * systemd's listeners (socket activation), up to OK_MAX_LISTENERS, into *l in the order
 * passed (their ready lines follow it); l->n is 0 when there are none. A passed Unix socket's
 * file is systemd's: l->unix_made stays NULL, so the end of the server leaves it in place.
 * 0, or the exit status: -p, -b or -U as well is a usage error; a passed descriptor that is no
 * listener is as a bind that failed (2), the listener the user meant is not there.
 */
static int take_activated(const struct server_opts *o, struct listeners *l)
{
	char err[128];
	int n;

	memset(l, 0, sizeof *l);
	n = activation_take(l->fd, OK_MAX_LISTENERS, err, sizeof err);
	if (n != 0 && o->listen_set)
		return options_usage_error(stderr, "-p, -b or -U given with socket activation",
		                           "LISTEN_FDS");
	if (n < 0) {
		fprintf(stderr, "okserver: %s\n", err);
		return EXIT_BIND;
	}
	l->n = n;
	return 0;
}

/* Detaches (-d), writes the pidfile, prints the ready line; 0 or the exit status. */
static int become_ready(const struct listeners *l, const struct server_opts *o,
                        char **pidpath)
{
	int notify = -1;

	if (o->daemon && (notify = daemon_detach()) < 0) {
		fprintf(stderr, "okserver: daemon: %s\n", strerror(errno));
		return EXIT_DAEMON;
	}
	if (o->pidfile != NULL) {
		if (pidfile_write(o->pidfile) < 0) {
			fprintf(stderr, "okserver: pidfile %s: %s\n", o->pidfile, strerror(errno));
			return EXIT_DAEMON;
		}
		*pidpath = absolute_path(o->pidfile);
	}
	if (print_ready(l) == 1)
		return EXIT_STOPPED_EARLY;
	if (notify >= 0 && daemon_ready(notify, o->log != NULL) < 0) {
		fprintf(stderr, "okserver: daemon: %s\n", strerror(errno));
		return EXIT_DAEMON;
	}
	return 0;
}

/* Serves until the end; the listeners' descriptors pass to the loop, which closes them. */
static int serve(struct listeners *l, const struct server_opts *o, int table_size)
{
	struct server *s = calloc(1, sizeof *s);
	int rc;

	if (s == NULL) {
		fprintf(stderr, "okserver: %s\n", strerror(errno));
		listeners_close(l);
		return EXIT_SOCKET;
	}
	memcpy(s->listen_fds, l->fd, sizeof s->listen_fds);
	s->n_listen = l->n;
	l->n = 0;
	s->table_size = table_size;
	s->max_clients = (unsigned)o->max_clients;
	s->max_line = (uint32_t)o->max_line;
	s->idle.delay_ms = (int64_t)o->idle_timeout * 1000;
	s->verbose = o->verbose;
	s->once = o->once;
	s->daemon = o->daemon;
	s->print = o->print;
	s->greeting = o->greeting;
	s->greeting_len = o->greeting != NULL ? strlen(o->greeting) : 0;
	rc = server_run(s);
	free(s);
	return rc;
}

/* The server's life in order, each step one call; about 40 lines with the comments that say
 * why the order is what it is. */
int main(int argc, char **argv)
{
	struct server_opts o;
	struct listeners l;
	char *pidpath = NULL;
	int rc, table_size;

	/* The signals of signals.h wait, blocked, from the first instruction: a SIGINT or SIGTERM
	 * that arrives while the server is still listening, detaching or printing its ready line
	 * is then taken by the loop and ends the server cleanly (exit 0, pidfile removed), not by
	 * the default action; a SIGHUP or SIGUSR1 then is taken by the loop as any other. */
	server_signals_block();
	rc = parse_options(argc, argv, &o, stdout, stderr);
	if (rc != OPTS_RUN)
		return rc;
	if (ok_keep_stdio_open() < 0) {
		perror("okserver: /dev/null");
		return EXIT_SOCKET;
	}
	signal(SIGPIPE, SIG_IGN); /* a peer that vanishes is an error from send(), not a death */
	if ((rc = take_activated(&o, &l)) != 0)
		return rc;
	if (o.daemon)
		daemon_close_inherited(3 + l.n); /* before anything of ours gets a descriptor */
	if (o.log != NULL && (rc = open_log(o.log)) != 0)
		return rc;
	/* Activated listeners, or the ones the options ask for (listeners_open comes after). */
	table_size = fit_fd_limit(&o, l.n > 0 ? l.n : (int)o.n_tcp + (o.unix_path != NULL));
	if (l.n == 0 && (rc = listeners_open(&l, &o)) != 0)
		return rc;
	rc = become_ready(&l, &o, &pidpath);
	if (rc == 0) {
		notify_ready(o.daemon);
		rc = serve(&l, &o, table_size);
	} else {
		listeners_close(&l);
		if (rc == EXIT_STOPPED_EARLY)
			rc = 0; /* stopped as asked, before any client: a normal end */
	}
	listeners_remove_unix(&l);
	if (pidpath != NULL)
		unlink(pidpath);
	free(pidpath);
	return rc;
}
