/* main.c - okserver: options, listen (or take systemd's listener), log, detach, ready line,
 * serve, exit status. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "activation.h"
#include "daemon.h"
#include "listeners.h"
#include "log.h"
#include "loop.h"
#include "notify.h"
#include "oklimits.h"
#include "options.h"
#include "server.h"
#include "signals.h"
#include "tls.h"
#include "tlsfiles.h"
#include "util.h"

/* become_ready(): SIGINT or SIGTERM came before the ready line was out. */
#define STOPPED_EARLY 1

/* "okserver: MSG" on stderr, and for a usage error the hint; the exit status e names. */
static int fail(const struct ok_err *e)
{
	fprintf(stderr, "okserver: %s\n", e->msg);
	if (e->code == SERVER_EXIT_USAGE)
		fputs("Try 'okserver --help' for more information.\n", stderr);
	return e->code;
}

/*
 * Makes room for --max-clients descriptors (raising the soft limit up to the hard one, as
 * redis does) and lowers --max-clients to what the limit allows. Sets the size of the
 * connection table: every descriptor the process may get indexes it.
 */
static void fit_fd_limit(struct server_config *c, int n_listeners)
{
	struct rlimit rl;
	unsigned reserve = OK_FD_RESERVE + (unsigned)n_listeners - 1;
	rlim_t want = (rlim_t)c->max_clients + reserve;
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
	if (c->max_clients > cap) {
		if (c->max_clients_set)
			fprintf(stderr, "okserver: max-clients lowered to %lu: the open-file limit is %lu\n",
			        cap, (unsigned long)rl.rlim_cur);
		c->max_clients = cap;
	}
	c->table_size = (int)rl.rlim_cur;
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
 * after the daemon's chdir("/"). 0, or -1 with e filled. */
static int open_log(const char *name, struct ok_err *e)
{
	char *path = absolute_path(name);
	int rc = path != NULL ? log_open_file(path) : -1, err = errno;

	free(path);
	return rc == 0 ? 0 : ok_err_set(e, SERVER_EXIT_DAEMON, err, "log %s", name);
}

/*
 * systemd's listeners (socket activation), up to OK_MAX_LISTENERS, into *l in the order
 * passed (their ready lines follow it); l->n is 0 when there are none. A passed Unix socket's
 * file is systemd's: l->unix_made stays NULL, so the end of the server leaves it in place.
 * 0, or -1 with e filled: -p, -b or -U as well is a usage error; a passed descriptor that is no
 * listener is as a bind that failed, the listener the user meant is not there.
 */
static int take_activated(const struct server_config *c, struct listeners *l, struct ok_err *e)
{
	char why[128];
	int n;

	memset(l, 0, sizeof *l);
	n = activation_take(l->fd, OK_MAX_LISTENERS, why, sizeof why);
	if (n != 0 && c->listen_set)
		return ok_err_set(e, SERVER_EXIT_USAGE, 0,
		                  "-p, -b or -U given with socket activation: LISTEN_FDS");
	if (n < 0)
		return ok_err_set(e, SERVER_EXIT_BIND, 0, "%s", why);
	l->n = n;
	return 0;
}

/* Detaches (-d), writes the pidfile, prints the ready line, tells systemd. 0, STOPPED_EARLY,
 * or -1 with e filled. */
static int become_ready(const struct listeners *l, const struct server_config *c,
                        char **pidpath, struct ok_err *e)
{
	struct ok_err told;
	int notify = -1;

	if (c->daemon && (notify = daemon_detach(e)) < 0)
		return -1;
	if (c->pidfile != NULL) {
		if (pidfile_write(c->pidfile, e) < 0)
			return -1;
		*pidpath = absolute_path(c->pidfile);
	}
	if (print_ready(l) == 1)
		return STOPPED_EARLY;
	if (notify >= 0 && daemon_ready(notify, c->log != NULL, e) < 0)
		return -1;
	if (notify_ready(c->daemon, &told) < 0)
		server_log("%s", told.msg); /* not a reason to stop serving */
	return 0;
}

/* Serves until the end; the listeners' descriptors pass to the loop, which closes them, and the
 * TLS context (NULL: none) too: the one in use at the end (SIGHUP may replace it) is freed. The
 * loop's exit status, or -1 with e filled. */
static int serve(struct listeners *l, const struct server_config *c, struct ok_tls_ctx *tls,
                 struct ok_err *e)
{
	struct server *s = calloc(1, sizeof *s);
	int rc;

	if (s == NULL) {
		listeners_close(l);
		ok_tls_ctx_free(tls);
		return ok_err_set(e, SERVER_EXIT_SOCKET, 0, "%s", strerror(ENOMEM));
	}
	s->cfg = c;
	s->tls = tls;
	memcpy(s->listen_fds, l->fd, sizeof s->listen_fds);
	s->n_listen = l->n;
	l->n = 0;
	rc = server_run(s);
	ok_tls_ctx_free(s->tls);
	free(s);
	return rc;
}

/* Listens (or takes systemd's listeners), opens the log, detaches, serves. The exit status, or
 * -1 with e filled; either way the socket file and the pidfile made on the way are removed. */
static int run(struct server_config *c, struct ok_err *e)
{
	struct listeners l;
	struct ok_tls_ctx *tls = NULL;
	char *pidpath = NULL;
	int rc;

	if (take_activated(c, &l, e) < 0)
		return -1;
	if (c->daemon)
		daemon_close_inherited(ACTIVATION_FIRST_FD + l.n); /* before we open anything */
	if (c->log != NULL && open_log(c->log, e) < 0)
		return -1;
	/* The TLS files before any listener: a certificate that cannot be used binds nothing. */
	if (tls_files_open(c, &tls, e) < 0)
		return -1;
	/* Activated listeners, or the ones the options ask for (listeners_open comes after). */
	fit_fd_limit(c, l.n > 0 ? l.n : (int)c->n_tcp + (c->unix_path != NULL));
	if (l.n == 0 && listeners_open(&l, c, e) < 0) {
		ok_tls_ctx_free(tls);
		return -1;
	}
	rc = become_ready(&l, c, &pidpath, e);
	if (rc == 0) {
		rc = serve(&l, c, tls, e);
	} else {
		ok_tls_ctx_free(tls);
		listeners_close(&l);
		if (rc == STOPPED_EARLY)
			rc = SERVER_EXIT_OK; /* stopped as asked, before any client: a normal end */
	}
	listeners_remove_unix(&l);
	if (pidpath != NULL)
		unlink(pidpath);
	free(pidpath);
	return rc;
}

/* The server's life in order; only here is an error printed and an exit status chosen. */
int main(int argc, char **argv)
{
	struct server_config c;
	enum options_action todo;
	struct ok_err e;
	int rc;

	/* The signals of signals.h wait, blocked, from the first instruction: a SIGINT or SIGTERM
	 * that arrives while the server is still listening, detaching or printing its ready line
	 * is then taken by the loop and ends the server cleanly (exit 0, pidfile removed), not by
	 * the default action; a SIGHUP or SIGUSR1 then is taken by the loop as any other. */
	server_signals_block();
	todo = parse_options(argc, argv, &c, &e);
	if (todo == OPTS_USAGE_ERROR)
		return fail(&e);
	if (todo != OPTS_RUN) {
		options_print(todo, stdout); /* --help or --version */
		return SERVER_EXIT_OK;
	}
	if (ok_keep_stdio_open() < 0) {
		ok_err_set(&e, SERVER_EXIT_SOCKET, errno, "/dev/null");
		return fail(&e);
	}
	signal(SIGPIPE, SIG_IGN); /* a peer that vanishes is an error from send(), not a death */
	rc = run(&c, &e);
	return rc < 0 ? fail(&e) : rc;
}
