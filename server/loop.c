/* loop.c - the event loop: epoll, accept, signals and deadlines; the only place that waits. */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "server.h"

/*
 * Level-triggered epoll, on purpose. A connection is read once per wake-up (a short read means
 * the socket is drained, so no extra recv() to collect EAGAIN), busy clients take turns fairly,
 * and back-pressure is just switching a connection's interest between EPOLLIN and EPOLLOUT,
 * which happens only when output is left over. Edge-triggered would force draining every
 * socket to EAGAIN on each edge, or re-arming it, and make a stalled client harder to park.
 */

/*
 * One event slot per descriptor the table can hold, as redis sizes its own: every connection
 * that is ready comes back from one epoll_wait. With 256 slots, a thousand busy connections
 * took four calls per round, and ping-pong at C=1000 served fewer replies/s than it does now.
 * Only the slots epoll fills are ever touched, so idle memory does not grow with the table.
 */
#define EVENTS_MAX 65536

/* Milliseconds on the monotonic clock, read at most once per wake-up (vDSO, no system call). */
int64_t server_now(struct server *s)
{
	if (!s->now_valid) {
		s->now = ok_now_ms();
		s->now_valid = true;
	}
	return s->now;
}

/* The backend: the only epoll_ctl calls. LOOP_READ or LOOP_WRITE (or 0: neither, parked). */
static uint32_t epoll_events_of(unsigned what)
{
	return (what & LOOP_READ ? EPOLLIN : 0u) | (what & LOOP_WRITE ? EPOLLOUT : 0u);
}

int loop_add_fd(struct server *s, int fd, unsigned what)
{
	struct epoll_event ev = { .events = epoll_events_of(what), .data.fd = fd };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int loop_mod_fd(struct server *s, int fd, unsigned what)
{
	struct epoll_event ev = { .events = epoll_events_of(what), .data.fd = fd };

	return epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd, &ev);
}

static void listen_for(struct server *s, unsigned what)
{
	if (loop_mod_fd(s, s->lfd, what) < 0)
		server_log("epoll_ctl listener: %s", strerror(errno));
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
	if (s->lfd >= 0)
		listen_for(s, LOOP_READ);
}

static void stop_listening(struct server *s)
{
	if (s->lfd >= 0)
		close(s->lfd);
	s->lfd = -1;
	s->accept_paused = false;
}

/* Accepts until the backlog is empty; beyond --max-clients a connection is told so and closed. */
static void accept_all(struct server *s)
{
	while (s->lfd >= 0 && !s->accept_paused) {
		struct sockaddr_in peer;
		socklen_t len = sizeof peer;
		int one = 1;
		int fd = accept4(s->lfd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO || errno == EPERM)
				continue; /* that one connection is gone; the next may be fine */
			pause_accept(s, errno);
			return;
		}
		if (fd >= s->nconns) { /* cannot happen while the limit is fixed; never index past */
			close(fd);
			continue;
		}
		/* Replies are whole lines written at once: no reason to let Nagle hold one back. */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		conn_open(s, fd, &peer, s->clients >= s->max_clients);
		if (s->once && s->clients > 0) {
			s->once_done = true;
			stop_listening(s);
		}
	}
}

/* First SIGINT/SIGTERM: stop accepting, answer, say goodbye. A second one: close at once. */
static void on_signal(struct server *s)
{
	struct signalfd_siginfo si;
	ssize_t n = read(s->sigfd, &si, sizeof si);

	if (n != (ssize_t)sizeof si)
		return;
	if (s->stopping) {
		s->stop_at = server_now(s);
		return;
	}
	s->stopping = true;
	s->stop_at = server_now(s) + OK_SHUTDOWN_MS;
	stop_listening(s);
	for (int fd = 0; fd < s->nconns; fd++)
		if (s->conns[fd].state != CONN_FREE)
			conn_stop(s, fd);
}

static void expire_list(struct server *s, struct deadline_list *l, int64_t now)
{
	int64_t due;

	while ((due = deadline_next(s, l)) >= 0 && due <= now)
		conn_expire(s, l->head);
}

static bool timers_active(const struct server *s)
{
	return s->idle.head >= 0 || s->closing.head >= 0 || s->accept_paused || s->stopping;
}

static void run_timers(struct server *s)
{
	int64_t now;

	if (!timers_active(s))
		return;
	now = server_now(s);
	expire_list(s, &s->idle, now);
	expire_list(s, &s->closing, now);
	if (s->stopping && now >= s->stop_at)
		for (int fd = 0; fd < s->nconns; fd++)
			if (s->conns[fd].state != CONN_FREE)
				conn_close(s, fd);
	if (s->accept_paused && (s->fd_freed || now >= s->accept_retry_at))
		resume_accept(s);
	s->fd_freed = false;
}

static void keep_earliest(int64_t *best, int64_t t)
{
	if (t >= 0 && (*best < 0 || t < *best))
		*best = t;
}

/* How long epoll_wait may sleep: until the first deadline, or forever when there is none. */
static int wait_ms(struct server *s)
{
	int64_t due = -1, left;

	if (!timers_active(s))
		return -1;
	keep_earliest(&due, deadline_next(s, &s->idle));
	keep_earliest(&due, deadline_next(s, &s->closing));
	if (s->accept_paused)
		keep_earliest(&due, s->accept_retry_at);
	if (s->stopping)
		keep_earliest(&due, s->stop_at);
	if (due < 0)
		return -1;
	left = due - server_now(s);
	return left <= 0 ? 0 : left > 3600000 ? 3600000 : (int)left;
}

/* SIGINT and SIGTERM become readable bytes on a descriptor: the loop acts, no handler runs. */
static int open_signalfd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int setup(struct server *s)
{
	s->idle.head = s->idle.tail = s->closing.head = s->closing.tail = -1;
	s->closing.delay_ms = OK_CLOSE_MS;
	s->conns = calloc((size_t)s->nconns, sizeof *s->conns);
	if (s->conns == NULL) {
		server_log("cannot allocate %d connection records", s->nconns);
		return -1;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		server_log("epoll_create1: %s", strerror(errno));
		return -1;
	}
	s->sigfd = open_signalfd();
	if (s->sigfd < 0) {
		server_log("signalfd: %s", strerror(errno));
		return -1;
	}
	if (loop_add_fd(s, s->sigfd, LOOP_READ) < 0) {
		server_log("epoll_ctl signalfd: %s", strerror(errno));
		return -1;
	}
	if (loop_add_fd(s, s->lfd, LOOP_READ) < 0) {
		server_log("epoll_ctl listener: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void teardown(struct server *s)
{
	for (int fd = 0; s->conns != NULL && fd < s->nconns; fd++)
		if (s->conns[fd].state != CONN_FREE)
			conn_close(s, fd);
	free(s->conns);
	s->conns = NULL;
	stop_listening(s);
	if (s->sigfd >= 0)
		close(s->sigfd);
	if (s->epfd >= 0)
		close(s->epfd);
	s->sigfd = s->epfd = -1;
}

/* One wake-up: every ready descriptor, then the deadlines. The clock cached during the last
 * batch is dropped before the wait is computed, and again after the wait returns. */
static int run_once(struct server *s, struct epoll_event *ev, int nev)
{
	int n;

	s->now_valid = false;
	n = epoll_wait(s->epfd, ev, nev, wait_ms(s));
	s->now_valid = false;
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		server_log("epoll_wait: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		int fd = ev[i].data.fd;
		if (fd == s->lfd)
			accept_all(s);
		else if (fd == s->sigfd)
			on_signal(s);
		else
			conn_on_event(s, fd, ev[i].events);
	}
	run_timers(s);
	return 0;
}

/* Serves until a signal (or the one connection of --once) has been seen through; 0 or 1. */
int server_run(struct server *s)
{
	int nev = s->nconns < 1 ? 1 : s->nconns < EVENTS_MAX ? s->nconns : EVENTS_MAX;
	struct epoll_event *ev = malloc((size_t)nev * sizeof *ev);
	int rc = 0;

	s->epfd = s->sigfd = -1;
	if (ev == NULL)
		server_log("cannot allocate %d event slots", nev);
	if (ev == NULL || setup(s) < 0) {
		teardown(s);
		free(ev);
		return 1;
	}
	while ((!s->stopping && !s->once_done) || s->open > 0) {
		if (run_once(s, ev, nev) < 0) {
			rc = 1;
			break;
		}
	}
	teardown(s);
	free(ev);
	return rc;
}
