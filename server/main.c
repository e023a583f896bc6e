/* main.c - okserver: options, listen (or take systemd's listener), log, detach, ready line,
 * the start and stop lines, serve, exit status. */
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
#include "admit.h"
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
#include "version.h"

/* become_ready(): SIGINT or SIGTERM came before the ready line was out. */
#define STOPPED_EARLY 1

/* The start line's room for the listeners' names: a log line less the rest of the start line
 * ("started, version V, pid P, listening on ", " and N more") and the timestamp. */
#define START_NAMES_MAX (OK_LOG_LINE_MAX - 128)

/* What run() learns on the way, for the cleanup at the end and for the stop line. */
struct run_state {
	bool started;    /* the start line is out: a stop line follows it */
	int stop_signal; /* the signal that stopped the server (SIGTERM, ...), 0 when none did */
	bool once_done;  /* --once: its one connection came */
};

/* "okserver: MSG" on stderr, and for a usage error the hint; the exit status e names. */
static int fail(const struct ok_err *e)
{
	fprintf(stderr, "okserver: %s\n", e->msg);
	if (e->code == SERVER_EXIT_USAGE)
		fputs("Try 'okserver --help' for more information.\n", stderr);
	return e->code;
}

/* Descriptors kept open beside the listeners while serving: the pidfile and its folder, the
 * --log file or standard error's terminal reopened (log.h), the -U socket's folder, and with
 * --print standard output's terminal reopened (printer.h). */
static unsigned files_kept(const struct server_config *c)
{
	return (c->pidfile != NULL ? 2u : 0u) + (c->unix_path != NULL ? 1u : 0u) +
	       (c->log != NULL || isatty(STDERR_FILENO) ? 1u : 0u) +
	       (c->print && isatty(STDOUT_FILENO) ? 1u : 0u);
}

/*
 * Makes room for --max-clients descriptors (raising the soft limit up to the hard one, as
 * redis does) and lowers --max-clients to what the limit allows. Sets the size of the
 * connection table: every descriptor the process may get indexes it.
 */
static void fit_fd_limit(struct server_config *c, int n_listeners)
{
	struct rlimit rl;
	unsigned reserve = OK_FD_RESERVE + (unsigned)n_listeners - 1 + files_kept(c);
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

/* --log: the log is that file from now on. 0, or -1 with e filled ("log FILE: reason"). */
static int open_log(const char *name, struct ok_err *e)
{
	const char *why;

	if (log_open_file(name, &why) == 0)
		return 0;
	return ok_err_set(e, SERVER_EXIT_DAEMON, 0, "log %s: %s", name, why);
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
	struct ok_err why;
	int n;

	memset(l, 0, sizeof *l);
	n = activation_take(l->fd, OK_MAX_LISTENERS, &why);
	if (n != 0 && c->listen_set)
		return ok_err_set(e, SERVER_EXIT_USAGE, 0,
		                  "-p, -b or -U given with socket activation: LISTEN_FDS");
	if (n < 0)
		return ok_err_set(e, SERVER_EXIT_BIND, 0, "%s", why.msg);
	l->n = n;
	return 0;
}

/* The start and stop lines are logged with -v or --log; without either, the log holds only
 * what went wrong. */
static bool logs_start_stop(const struct server_config *c)
{
	return c->verbose || c->log != NULL;
}

/*
 * The listeners as their ready lines name them, ", " between: "127.0.0.1:4242, [::1]:4242,
 * unix:/run/ok.sock", into names (len bytes). A list too long for it (16 IPv6 addresses and
 * a long path) ends with the last name that fits and " and N more": the ready lines have all.
 */
static void name_listeners(const struct listeners *l, char *names, size_t len)
{
	char ready[OK_READY_TEXT_MAX], *p = ready, *eol;
	size_t off = 0;
	int shown = 0;

	listeners_ready_text(l, ready, sizeof ready); /* "listening on NAME\n" each */
	names[0] = '\0';
	for (; (eol = strchr(p, '\n')) != NULL && shown < l->n; p = eol + 1, shown++) {
		const char *name = p + sizeof "listening on " - 1;
		size_t n = (size_t)(eol - name);

		if (off + n + sizeof ", " + sizeof " and 99 more" > len)
			break;
		off += (size_t)snprintf(names + off, len - off, "%s%.*s", shown > 0 ? ", " : "",
		                        (int)n, name);
	}
	if (shown < l->n)
		snprintf(names + off, len - off, " and %d more", l->n - shown);
}

/* "started, version 2.0.0, pid 1234, listening on 127.0.0.1:4242, [::1]:4242": under -d the
 * pid of the detached server, the one to signal. */
static void log_started(const struct listeners *l)
{
	char names[START_NAMES_MAX];

	name_listeners(l, names, sizeof names);
	server_log("started, version %s, pid %ld, listening on %s", OK_VERSION, (long)getpid(),
	           names);
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	default: return "a signal";
	}
}

/* "stopped (SIGTERM), pid 1234": why, from the exit status rc (-1: e says why), the signal the
 * loop took, or --once. The last line of a server that logged its start. */
static void log_stopped(const struct run_state *r, int rc, const struct ok_err *e)
{
	long pid = (long)getpid();

	if (rc < 0)
		server_log("stopped (error: %s), pid %ld, exit status %d", e->msg, pid, e->code);
	else if (rc != SERVER_EXIT_OK)
		server_log("stopped (error: logged above), pid %ld, exit status %d", pid, rc);
	else if (r->stop_signal != 0)
		server_log("stopped (%s), pid %ld", signal_name(r->stop_signal), pid);
	else
		server_log("stopped (--once: its connection ended), pid %ld", pid);
}

/*
 * -d without --pidfile: the caller still learns which pid to signal, on standard error before
 * the server lets go of it, unless the start line says it there already (-v without --log).
 * Standard error, not output: "port=$(okserver -d -p 0)" captures the ready lines alone.
 */
static void say_pid(const struct server_config *c)
{
	if (c->daemon && c->pidfile == NULL && !(c->verbose && c->log == NULL))
		fprintf(stderr, "okserver: running in the background as pid %ld\n", (long)getpid());
}

/* Detaches (-d), writes the pidfile (opened and locked already) or says the pid, logs the start
 * line, prints the ready line, tells systemd. 0, STOPPED_EARLY, or -1 with e filled. */
static int become_ready(const struct listeners *l, const struct server_config *c,
                        struct pidfile *pf, struct run_state *r, struct ok_err *e)
{
	struct ok_err told;
	int notify = -1;

	if (c->daemon && (notify = daemon_detach(e)) < 0)
		return -1;
	if (c->pidfile != NULL && pidfile_write(pf, e) < 0)
		return -1;
	say_pid(c);
	if (logs_start_stop(c)) { /* before the ready line: a caller who has it finds the line */
		log_started(l);
		r->started = true;
	}
	if (print_ready(l) == 1) {
		r->stop_signal = stop_signal_pending();
		return STOPPED_EARLY;
	}
	if (notify >= 0 && daemon_ready(notify, c->log != NULL, e) < 0)
		return -1;
	if (notify >= 0)
		log_follow_stderr(); /* standard error is /dev/null now, or the file it was */
	if (notify_ready(c->daemon, &told) < 0)
		server_log("%s", told.msg); /* not a reason to stop serving */
	return 0;
}

/* Serves until the end; the listeners' descriptors pass to the loop, which closes them, and the
 * TLS context (NULL: none) too: the one in use at the end (SIGHUP may replace it) is freed. r
 * learns why it ended. The loop's exit status, or -1 with e filled. */
static int serve(struct listeners *l, const struct server_config *c, struct admit *adm,
                 struct ok_tls_ctx *tls, struct run_state *r,
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
	s->admit = adm;
	s->tls = tls;
	memcpy(s->listen_fds, l->fd, sizeof s->listen_fds);
	s->n_listen = l->n;
	l->n = 0;
	rc = server_run(s);
	r->stop_signal = s->stop_signal;
	r->once_done = s->once_done;
	ok_tls_ctx_free(s->tls);
	free(s);
	return rc;
}

/* Listens (or takes systemd's listeners), opens the log, detaches, serves. The exit status, or
 * -1 with e filled; either way the socket file and the pidfile made on the way are removed,
 * then the stop line follows the start line. */
static int run(struct server_config *c, struct admit *adm, struct ok_err *e)
{
	struct listeners l;
	struct pidfile pf = { .fd = -1, .dirfd = -1 };
	struct run_state r = { false, 0, false };
	struct ok_tls_ctx *tls = NULL;
	int rc;

	if (take_activated(c, &l, e) < 0)
		return -1;
	if (c->daemon)
		daemon_close_inherited(ACTIVATION_FIRST_FD + l.n); /* before we open anything */
	/* The pidfile first: a second server given the same one stops before it binds anything. */
	if ((c->pidfile != NULL && pidfile_open(&pf, c->pidfile, e) < 0) ||
	    (c->log != NULL && open_log(c->log, e) < 0)) {
		pidfile_remove(&pf);
		return -1;
	}
	log_follow_stderr(); /* without --log: how to write standard error without waiting */
	/* The TLS files before any listener: a certificate that cannot be used binds nothing. */
	if (tls_files_open(c, &tls, e) < 0) {
		pidfile_remove(&pf);
		return -1;
	}
	/* Activated listeners, or the ones the options ask for (listeners_open comes after). */
	fit_fd_limit(c, l.n > 0 ? l.n : (int)c->n_tcp + (c->unix_path != NULL));
	if (l.n == 0 && listeners_open(&l, c, e) < 0) {
		ok_tls_ctx_free(tls);
		pidfile_remove(&pf);
		return -1;
	}
	rc = become_ready(&l, c, &pf, &r, e);
	if (rc == 0) {
		rc = serve(&l, c, adm, tls, &r, e);
	} else {
		ok_tls_ctx_free(tls);
		listeners_close(&l);
		if (rc == STOPPED_EARLY)
			rc = SERVER_EXIT_OK; /* stopped as asked, before any client: a normal end */
	}
	listeners_remove_unix(&l);
	pidfile_remove(&pf);
	if (r.started)
		log_stopped(&r, rc, e);
	return rc;
}

/* The server's life in order; only here is an error printed and an exit status chosen. */
int main(int argc, char **argv)
{
	struct server_config c;
	struct admit *adm;
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
		options_free(&c);
		return fail(&e);
	}
	signal(SIGPIPE, SIG_IGN); /* a peer that vanishes is an error from send(), not a death */
	adm = admit_new(&c, &e); /* the access rules: a faulty --access-file is a usage error */
	rc = adm == NULL ? -1 : run(&c, adm, &e);
	admit_free(adm);
	options_free(&c);
	log_end(); /* what the log could not take yet: one last try, not a wait */
	return rc < 0 ? fail(&e) : rc;
}
