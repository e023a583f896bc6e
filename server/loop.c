/* loop.c - the event loop: accept, signals and deadlines; the only place that waits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "admit.h"
#include "backend.h"
#include "conn.h"
#include "log.h"
#include "loop.h"
#include "netaddr.h" /* OK_SOCKADDR_STRLEN */
#include "notify.h"
#include "printer.h"
#include "server.h"
#include "signals.h"
#include "sock.h" /* ok_accept_nonblock */
#include "tls.h" /* ok_tls_keeps_buffers, ok_tls_cool */
#include "tlsfiles.h"

/* s->watched[fd]: the descriptor is on the backend, with the interest in the low bits; READY:
 * it is on s->ready too. */
#define WATCHED 0x80u
#define READY   0x40u
#define BUSY    0x20u /* on s->busy too */

/* Puts fd on the ready list (conn_has_input) or takes it off. The list is short, mostly empty:
 * only TLS input larger than a read leaves bytes in a stream. */
static void mark_ready(struct server *s, int fd, bool on)
{
	uint8_t *w = &s->watched[fd];

	if (on == ((*w & READY) != 0))
		return;
	if (on) {
		s->ready[s->n_ready++] = fd;
		*w |= READY;
		return;
	}
	for (int i = 0; i < s->n_ready; i++) {
		if (s->ready[i] == fd) {
			s->ready[i] = s->ready[--s->n_ready];
			break;
		}
	}
	*w &= (uint8_t)~READY;
}

/* A TLS connection that keeps OpenSSL's buffers (it is busy: ok_tls_keeps_buffers) goes on
 * s->busy, where cool_busy looks at it each OK_TLS_COOL_MS until it is quiet; one that closed
 * leaves the list. Both only for TLS connections: the others never keep buffers. */
static void mark_busy(struct server *s, int fd)
{
	uint8_t *w = &s->watched[fd];

	if (s->conns[fd].state != CONN_FREE) {
		if ((*w & BUSY) || !ok_tls_keeps_buffers(&s->conns[fd].st))
			return;
		if (s->n_busy == 0)
			s->cool_at = server_now(s) + OK_TLS_COOL_MS;
		s->busy[s->n_busy++] = fd;
		*w |= BUSY;
		return;
	}
	if (!(*w & BUSY))
		return;
	for (int i = 0; i < s->n_busy; i++) {
		if (s->busy[i] == fd) {
			s->busy[i] = s->busy[--s->n_busy];
			break;
		}
	}
	*w &= (uint8_t)~BUSY;
}

static void cool_busy(struct server *s, int64_t now)
{
	if (s->n_busy == 0 || now < s->cool_at)
		return;
	for (int i = s->n_busy - 1; i >= 0; i--) {
		int fd = s->busy[i];

		if (!ok_tls_cool(&s->conns[fd].st)) {
			s->busy[i] = s->busy[--s->n_busy];
			s->watched[fd] &= (uint8_t)~BUSY;
		}
	}
	s->cool_at = now + OK_TLS_COOL_MS;
}

/* Tells the backend what connection fd waits for now (conn_interest), when that changed; a
 * connection closed meanwhile is forgotten. Every change of a connection's interest is made
 * here, after each call into conn.c; so is every change of its place on the ready list. */
static void sync_conn(struct server *s, int fd)
{
	uint8_t *w = &s->watched[fd];
	unsigned want;

	if (s->conns[fd].state == CONN_FREE) {
		mark_ready(s, fd, false);
		mark_busy(s, fd);
		if (*w != 0) /* conn.c closed it: epoll has forgotten it, poll has not */
			(void)backend_remove(s->backend, fd);
		*w = 0;
		return;
	}
	mark_ready(s, fd, conn_has_input(s, fd));
	if (s->busy != NULL)
		mark_busy(s, fd);
	want = conn_interest(s, fd);
	if ((*w & ~(READY | BUSY)) == (WATCHED | want))
		return;
	if (backend_modify(s->backend, fd, want) < 0) {
		/* Left as it was, it would keep every later reply and grow without bound. */
		conn_close_on_error(s, fd, errno);
		sync_conn(s, fd);
		return;
	}
	*w = (uint8_t)(WATCHED | want | (*w & (READY | BUSY)));
}

/* Calls f (if any) on every open connection, then tells the backend what each waits for. */
static void for_each_conn(struct server *s, void (*f)(struct server *, int))
{
	for (int fd = 0; fd < s->cfg->table_size; fd++) {
		if (s->conns[fd].state == CONN_FREE)
			continue;
		if (f != NULL)
			f(s, fd);
		sync_conn(s, fd);
	}
}

/* A connection's descriptor is ready: it goes on with what it was doing. */
static void on_conn_event(struct server *s, int fd)
{
	conn_on_event(s, fd);
	sync_conn(s, fd);
}

/* Connections whose transport holds input that no event will announce, served as if their
 * descriptor were readable, each once per pass: from the end, since one that leaves the list
 * swaps the last entry into its place, and that one was served already. */
static void serve_ready(struct server *s)
{
	for (int i = s->n_ready - 1; i >= 0; i--)
		if (i < s->n_ready)
			on_conn_event(s, s->ready[i]);
}

/* A descriptor just accepted from listener li: watched for reading, then opened as a
 * connection (over TLS when the listener speaks it). */
static void open_conn(struct server *s, int li, int fd, const struct sockaddr *peer,
                      socklen_t len)
{
	if (backend_add(s->backend, fd, BACKEND_READ) < 0) {
		char who[OK_SOCKADDR_STRLEN];
		server_log("%s: watch %s: %s", backend_name(),
		           conn_name_peer(peer, len, who, sizeof who), strerror(errno));
		close(fd);
		return;
	}
	s->watched[fd] = WATCHED | BACKEND_READ;
	conn_open(s, fd, peer, len, s->counted_clients >= s->cfg->max_clients,
	          s->listen_tls[li]);
	sync_conn(s, fd);
}

static void listen_for(struct server *s, unsigned interest)
{
	for (int i = 0; i < s->n_listen; i++)
		if (backend_modify(s->backend, s->listen_fds[i], interest) < 0)
			server_log("%s: modify listener: %s", backend_name(), strerror(errno));
}

/* Out of descriptors (or memory): stop asking until a connection closes or a second passes,
 * so the loop sleeps instead of spinning on a listener that stays readable. */
static void pause_accept(struct server *s, int err)
{
	int64_t now = server_now(s);

	listen_for(s, 0);
	s->accept_paused = true;
	s->accept_retry_at = now + OK_ACCEPT_RETRY_MS;
	if (s->emfile_logged_at == 0 || now - s->emfile_logged_at >= OK_EMFILE_LOG_MS) {
		server_log("accept: %s; new connections wait until one closes", strerror(err));
		s->emfile_logged_at = now;
	}
}

static void resume_accept(struct server *s)
{
	s->accept_paused = false;
	listen_for(s, BACKEND_READ);
}

static void stop_listening(struct server *s)
{
	for (int i = 0; i < s->n_listen; i++) {
		if (s->backend != NULL)
			(void)backend_remove(s->backend, s->listen_fds[i]); /* a failure changes nothing */
		close(s->listen_fds[i]);
		s->listen_fds[i] = -1;
	}
	s->n_listen = 0;
	s->accept_paused = false;
}

/* No more clients (--once has its one, or a stop signal came): systemd hears that the server
 * is stopping, and the listeners are closed. */
static void stop_accepting(struct server *s)
{
	struct ok_err e;

	if (notify_stopping(&e) < 0)
		server_log("%s", e.msg);
	stop_listening(s);
}

/* Which listener fd is (its index), or -1. */
static int listener_of(const struct server *s, int fd)
{
	for (int i = 0; i < s->n_listen; i++)
		if (s->listen_fds[i] == fd)
			return i;
	return -1;
}

/* Accepts from listener li until its backlog is empty; beyond --max-clients (counted over
 * every listener) a connection is told so and closed. */
static void accept_all(struct server *s, int li)
{
	int lfd = s->listen_fds[li];

	while (s->n_listen > 0 && !s->accept_paused) {
		struct sockaddr_storage peer = { .ss_family = AF_UNSPEC }; /* unless accept4 says */
		socklen_t len = sizeof peer;
		int one = 1;
		int fd = ok_accept_nonblock(lfd, (struct sockaddr *)&peer, &len);

		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO || errno == EPERM)
				continue; /* that one connection is gone; the next may be fine */
			pause_accept(s, errno);
			return;
		}
		s->stats.accepted++;
		if (fd >= s->cfg->table_size) { /* cannot happen, the limit is fixed: never index past */
			close(fd);
			continue;
		}
		if (!admit_accept(s, (struct sockaddr *)&peer, len)) {
			close(fd); /* denied: closed at once, nothing sent, before any other work */
			continue;
		}
		/* Replies are whole lines written at once: no reason to let Nagle hold one back. */
		if (peer.ss_family != AF_UNIX)
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		open_conn(s, li, fd, (struct sockaddr *)&peer, len);
		if (s->cfg->once && s->counted_clients > 0) {
			s->once_done = true;
			stop_accepting(s);
		}
	}
}

/* First stop: stop accepting, answer, say goodbye. A second one: close at once. sig is the
 * signal that asks for it, kept (the first one) for the stop line. */
static void begin_stop(struct server *s, int sig)
{
	if (s->stopping) {
		s->stop_at = server_now(s);
		return;
	}
	s->stopping = true;
	s->stop_signal = sig;
	s->stop_at = server_now(s) + OK_SHUTDOWN_MS;
	stop_accepting(s);
	for_each_conn(s, conn_end_for_shutdown);
}

/* Whether SIGHUP has something to reload: the --log file, the TLS files, the --access-file.
 * Without any, it is the terminal going away (SPEC 7, 10: from version 3, anything to reload
 * means a reload). */
static bool server_has_reloadables(const struct server *s)
{
	return log_is_file() || s->tls != NULL || admit_reloadable(s->admit);
}

/* SIGHUP's reload: each thing from the same name, each keeping the old on failure. */
static void server_reload(struct server *s)
{
	if (log_is_file())
		log_reopen(); /* logrotate moved the file away */
	if (s->tls != NULL)
		tls_files_reload(&s->tls); /* new connections get the new ones, open ones keep theirs */
	admit_reload(s->admit);
}

/* What each signal of the set (signals.h) asks for. */
static void on_signal(struct server *s)
{
	int sig = server_signal_take(s->signal_fd);

	switch (sig) {
	case SIGHUP:
		if (server_has_reloadables(s))
			server_reload(s);
		else if (!s->cfg->daemon)
			begin_stop(s, sig); /* the terminal is gone: as SIGTERM */
		break;
	case SIGUSR1:
		stats_log(&s->stats, s->open_conns, server_now(s));
		break;
	case SIGINT:
	case SIGTERM:
		begin_stop(s, sig);
		break;
	default:
		break; /* none was pending after all */
	}
}

static void expire_list(struct server *s, struct deadline_list *l, int64_t now)
{
	int64_t due;

	while ((due = deadline_next(s->conns, l)) >= 0 && due <= now) {
		int fd = l->head;
		conn_deadline_passed(s, fd);
		sync_conn(s, fd);
	}
}

static bool timers_active(const struct server *s)
{
	return s->idle.head >= 0 || s->ending.head >= 0 || s->handshake.head >= 0 ||
	       s->n_busy > 0 || s->accept_paused || s->stopping || notify_due() >= 0;
}

/* NOTIFY_SOCKET: a message the receiver had no room for is tried again when due. */
static void retry_notify(int64_t now)
{
	struct ok_err e;
	int64_t due = notify_due();

	if (due >= 0 && now >= due && notify_retry(now, &e) < 0)
		server_log("%s", e.msg);
}

static void run_timers(struct server *s)
{
	int64_t now;

	if (!timers_active(s))
		return;
	now = server_now(s);
	expire_list(s, &s->idle, now);
	expire_list(s, &s->ending, now);
	expire_list(s, &s->handshake, now);
	cool_busy(s, now);
	if (s->stopping && now >= s->stop_at) {
		for_each_conn(s, conn_close_now);
		if (s->printer != NULL)
			printer_abandon(s->printer);
	}
	if (s->accept_paused && (s->fd_freed || now >= s->accept_retry_at))
		resume_accept(s);
	s->fd_freed = false;
	retry_notify(now);
}

static void keep_earliest(int64_t *best, int64_t t)
{
	if (t >= 0 && (*best < 0 || t < *best))
		*best = t;
}

/* How long the backend may sleep: until the first deadline, or forever when there is none. */
static int wait_ms(struct server *s)
{
	int64_t due = -1, left;

	if (s->n_ready > 0)
		return 0; /* input waits in a stream: serve_ready, then look again */
	if (!timers_active(s))
		return -1;
	keep_earliest(&due, deadline_next(s->conns, &s->idle));
	keep_earliest(&due, deadline_next(s->conns, &s->ending));
	keep_earliest(&due, deadline_next(s->conns, &s->handshake));
	if (s->n_busy > 0)
		keep_earliest(&due, s->cool_at);
	if (s->accept_paused)
		keep_earliest(&due, s->accept_retry_at);
	if (s->stopping)
		keep_earliest(&due, s->stop_at);
	keep_earliest(&due, notify_due());
	if (due < 0)
		return -1;
	left = due - server_now(s);
	return left <= 0 ? 0 : left > OK_WAIT_MAX_MS ? OK_WAIT_MAX_MS : (int)left;
}

/* Watches fd for reading; on failure says so, naming what (the listener, the signals). */
static int watch(struct server *s, int fd, const char *what)
{
	if (backend_add(s->backend, fd, BACKEND_READ) == 0)
		return 0;
	server_log("%s: watch %s: %s", backend_name(), what, strerror(errno));
	return -1;
}

/* Which listeners speak TLS: every TCP one, when TLS is on (a listener whose family cannot be
 * told is taken for TCP: never plain by mistake). */
static void choose_tls_listeners(struct server *s)
{
	for (int i = 0; i < s->n_listen; i++) {
		struct sockaddr_storage ss = { .ss_family = AF_UNSPEC };
		socklen_t len = sizeof ss;

		if (getsockname(s->listen_fds[i], (struct sockaddr *)&ss, &len) < 0)
			ss.ss_family = AF_UNSPEC;
		s->listen_tls[i] = s->tls != NULL && ss.ss_family != AF_UNIX;
	}
}

/* The deadlines: idle (--idle-timeout), the ending's grace, and the handshake's (a PROXY
 * header and a TLS handshake), which is OK_HANDSHAKE_MS or --idle-timeout when that is shorter. */
static void set_deadlines(struct server *s)
{
	int64_t idle = (int64_t)s->cfg->idle_timeout * 1000;

	s->idle.head = s->idle.tail = s->ending.head = s->ending.tail = -1;
	s->handshake.head = s->handshake.tail = -1;
	s->idle.delay_ms = idle;
	s->ending.delay_ms = OK_END_GRACE_MS;
	s->handshake.delay_ms = idle > 0 && idle < OK_HANDSHAKE_MS ? idle : OK_HANDSHAKE_MS;
}

static int setup(struct server *s)
{
	size_t size = (size_t)s->cfg->table_size;

	set_deadlines(s);
	choose_tls_listeners(s);
	s->conns = calloc(size, sizeof *s->conns);
	s->watched = calloc(size, sizeof *s->watched);
	if (s->tls != NULL) { /* each descriptor at most once on either */
		s->ready = calloc(size, sizeof *s->ready);
		s->busy = calloc(size, sizeof *s->busy);
	}
	if (s->conns == NULL || s->watched == NULL ||
	    (s->tls != NULL && (s->ready == NULL || s->busy == NULL))) {
		server_log("cannot allocate %d connection records", s->cfg->table_size);
		return -1;
	}
	for (size_t fd = 0; fd < size; fd++)
		ok_stream_none(&s->conns[fd].st); /* free records hold no stream, not descriptor 0 */
	s->backend = backend_create(s->cfg->table_size);
	if (s->backend == NULL) {
		server_log("%s: create: %s", backend_name(), strerror(errno));
		return -1;
	}
	s->signal_fd = server_signals_open();
	if (s->signal_fd < 0) {
		server_log("signals: %s", strerror(errno));
		return -1;
	}
	if (watch(s, s->signal_fd, "signals") < 0)
		return -1;
	if (s->cfg->print &&
	    (s->printer = printer_open(STDOUT_FILENO, (uint32_t)s->cfg->max_line)) == NULL) {
		server_log("print: standard output: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < s->n_listen; i++)
		if (watch(s, s->listen_fds[i], "listener") < 0)
			return -1;
	return 0;
}

static void teardown(struct server *s)
{
	if (s->log_watched >= 0 && s->backend != NULL)
		(void)backend_remove(s->backend, s->log_watched); /* a failure changes nothing */
	s->log_watched = -1;
	if (s->conns != NULL && s->watched != NULL)
		for_each_conn(s, conn_close_now);
	free(s->conns);
	free(s->watched);
	free(s->ready);
	free(s->busy);
	s->conns = NULL;
	s->watched = NULL;
	s->ready = NULL;
	s->busy = NULL;
	s->n_ready = s->n_busy = 0;
	stop_listening(s);
	server_signals_close(s->signal_fd);
	printer_close(s->printer);
	s->printer = NULL;
	backend_free(s->backend);
	s->signal_fd = -1;
	s->backend = NULL;
}

/* --print: standard output is watched exactly while bytes wait for it; when the backend cannot
 * watch it, that is a failure like a failed write (a regular file never makes a write wait, so
 * this is rare). */
static void watch_stdout(struct server *s, bool want)
{
	int rc;

	if (s->stdout_watched == want)
		return;
	rc = want ? backend_add(s->backend, STDOUT_FILENO, BACKEND_WRITE)
	          : backend_remove(s->backend, STDOUT_FILENO);
	if (rc < 0 && want) {
		printer_give_up(s->printer, "cannot wait for it: ", errno);
		return;
	}
	s->stdout_watched = want; /* a failed remove changes nothing: stdout is only ever written */
}

/* --print: what this wake-up printed goes out at once, in one write. Reading, paused by conn.c
 * when the buffer filled, resumes once it has drained enough; the open connections are parked
 * (watched for nothing) meanwhile. */
static void print_out(struct server *s)
{
	if (s->printer == NULL)
		return;
	printer_flush(s->printer);
	watch_stdout(s, printer_waiting(s->printer) > 0);
	if (s->reading_paused && printer_drained(s->printer))
		s->reading_paused = false;
	if (s->conns_parked != s->reading_paused) {
		s->conns_parked = s->reading_paused;
		for_each_conn(s, NULL);
	}
}

/* The log: what it could not take at once goes out as soon as it takes more. Its descriptor is
 * watched for that exactly while lines wait (a regular file cannot be watched: log_flush, at
 * each wake-up, tries it again); when the backend cannot watch it, the next wake-up tries. */
static void log_out(struct server *s)
{
	int want;

	log_flush();
	want = log_wait_fd();
	if (want == s->log_watched)
		return;
	if (s->log_watched >= 0)
		(void)backend_remove(s->backend, s->log_watched); /* a failure changes nothing */
	s->log_watched = -1;
	if (want >= 0 && backend_add(s->backend, want, BACKEND_WRITE) == 0)
		s->log_watched = want;
}

/* Whether the loop still has work: clients, or (--print) lines for standard output, or a
 * NOTIFY_SOCKET message (OK_NOTIFY_RETRY_MS at most). With no stop signal it waits for a slow
 * stdout as long as it takes; after one, OK_SHUTDOWN_MS. A full log is never waited for. */
static bool work_left(struct server *s)
{
	return (!s->stopping && !s->once_done) || s->open_conns > 0 ||
	       (s->printer != NULL && printer_waiting(s->printer) > 0) ||
	       (notify_due() >= 0 && (!s->stopping || server_now(s) < s->stop_at));
}

/* One wake-up: every ready descriptor, then the deadlines. The clock cached during the last
 * batch is dropped before the wait is computed, and again after the wait returns. */
static int run_once(struct server *s, struct backend_event *ev, int nev)
{
	int n;

	s->now_valid = false;
	n = backend_wait(s->backend, ev, nev, wait_ms(s));
	s->now_valid = false;
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		server_log("%s: wait: %s", backend_name(), strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		int fd = ev[i].fd, li = listener_of(s, fd);
		if (li >= 0)
			accept_all(s, li);
		else if (fd == s->signal_fd)
			on_signal(s);
		else if (!(fd == STDOUT_FILENO && s->stdout_watched) && fd != s->log_watched)
			on_conn_event(s, fd);
		/* else standard output or the log takes more: print_out() and log_out() below */
	}
	serve_ready(s);
	run_timers(s);
	print_out(s);
	log_out(s);
	return 0;
}

int server_run(struct server *s)
{
	int size = s->cfg->table_size;
	int nev = size < 1 ? 1 : size < OK_EVENTS_MAX ? size : OK_EVENTS_MAX;
	struct backend_event *ev = malloc((size_t)nev * sizeof *ev);
	int rc = SERVER_EXIT_OK;

	s->backend = NULL;
	s->signal_fd = -1;
	s->log_watched = -1;
	s->stats.started_ms = ok_now_ms();
	if (ev == NULL)
		server_log("cannot allocate %d event slots", nev);
	if (ev == NULL || setup(s) < 0) {
		teardown(s);
		free(ev);
		return SERVER_EXIT_SOCKET;
	}
	while (work_left(s)) {
		if (run_once(s, ev, nev) < 0) {
			rc = SERVER_EXIT_SOCKET;
			break;
		}
	}
	teardown(s);
	free(ev);
	return rc;
}
