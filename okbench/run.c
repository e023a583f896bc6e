/* run.c - the load: one poll loop drives every connection; batches out, replies counted back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "okbench.h"
#include "tls.h"
#include "transport.h"
#include "wait.h"

#define NS 1000000000LL
#define READ_SIZE 65536
#define FOREVER INT64_MAX

/* One connection. Its replies come in order, so the oldest line in flight is the one answered. */
struct conn {
	struct ok_stream st;
	int64_t sent_at;    /* without -R: when the batch in flight was written (all of it at once) */
	unsigned head;      /* with -R: the ring slot of the oldest line in flight */
	unsigned inflight;  /* lines written, or being written, and not yet answered */
	size_t out_len;     /* the last batch's bytes ... */
	size_t out_left;    /* ... and those the socket has not taken yet */
	int lead;           /* bytes of "ERR" matched at the current reply's start; -1: it differs */
	int sent_once;      /* --idle: its one line went */
	unsigned char shaking;    /* TLS: its handshake is not done */
	unsigned char out_wants;  /* the unsent batch waits for POLLOUT (TLS: else for POLLIN) */
	unsigned char in_wants;   /* TLS: the last read asked for POLLOUT */
};

struct run {
	const struct okb_options *o;
	struct okb_result *r;
	struct ok_tls_ctx *tls; /* NULL: plain streams */
	struct conn *c;
	struct pollfd *pfd;   /* pfd[i] watches c[i]; fd -1 once it is closed; one slot more for
	                         ok_sigwait (sigwait.h) */
	size_t n;             /* connections opened */
	size_t live;          /* of those, still open */
	int open_failed;      /* a connection could not be opened (before any stop) */
	char *block;          /* depth copies of "LINE\n": every batch is the start of it */
	size_t line_len;
	char *buf;            /* one read's bytes */
	int64_t *due;         /* with -R: each connection's ring of due times, mask + 1 slots */
	unsigned mask;
	int64_t start, t0;    /* the load began; the warm-up ended */
	int64_t send_end;     /* no line is sent (or, with -R, due) from then on */
	int64_t sent_end;     /* when sending did end; FOREVER while it goes on */
	int64_t drain_end;    /* the run ends then, answered or not; FOREVER while sending */
	int64_t last_reply;   /* of a measured line */
	uint64_t quota;       /* -n: measured lines still to send; UINT64_MAX with -d */
	uint64_t sent;        /* measured lines sent */
	uint64_t inflight;    /* lines in flight on every connection, warm-up ones too */
	uint64_t idle_done;   /* --idle: connections whose line was answered */
	uint64_t next;        /* -R: line i is due at start + i / rate; the next one to send */
	uint64_t warm;        /* -R: lines due before t0 */
	uint64_t last;        /* -R: the run's lines, those due before send_end */
	size_t cursor;        /* -R: where the round of free connections starts */
	int blocked;          /* -R: a due line waits for a free connection */
	int sending;
	int held;             /* --idle: every connection's line answered, and said so */
	int status;           /* the status line is drawn: standard error is a terminal */
	int64_t next_status;
	unsigned stops;       /* okb_stop as last acted on */
};

volatile sig_atomic_t okb_stop;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

/* -R: when line i is due, start + floor(i * 1e9 / rate), without overflow. */
static int64_t due_at(const struct run *u, uint64_t i)
{
	uint64_t rate = u->o->rate;

	return u->start + (int64_t)(i / rate) * NS + (int64_t)((i % rate) * (uint64_t)NS / rate);
}

/* -R: how many lines are due by time t: ceil((t - start + 1) * rate / 1e9). */
static uint64_t due_by(const struct run *u, int64_t t)
{
	uint64_t x, rate = u->o->rate;

	if (t < u->start)
		return 0;
	x = (uint64_t)(t - u->start) + 1;
	return x / NS * rate + (x % NS * rate + NS - 1) / NS;
}

static void close_conn(struct run *u, size_t i, int failed)
{
	struct conn *c = &u->c[i];

	u->inflight -= c->inflight;
	c->inflight = 0;
	ok_stream_close(&c->st);
	u->pfd[i].fd = -1;
	u->live--;
	if (failed)
		u->r->failed++;
}

/* Why a TLS connection failed, the first time one does: "TLS handshake with ADDR: why". */
static void note_tls_failure(struct run *u, size_t i, const char *why)
{
	struct okb_result *r = u->r;

	if (r->tls_failed++ == 0)
		ok_err_set(&r->tls_err, OKB_EXIT_TLS, 0, "TLS %s %s: %s",
		           u->c[i].shaking ? "handshake with" : "with", r->target.name, why);
}

/* Connection i failed (a read or write error, errno err; or the server ended it): closed and
 * counted. A TLS failure (EPROTO: an alert, such as a refused client certificate, which TLS 1.3
 * brings at the first read; a record that does not decrypt) is counted as one, with why. */
static void fail_conn(struct run *u, size_t i, int err)
{
	if (err == EPROTO && ok_stream_is_tls(&u->c[i].st))
		note_tls_failure(u, i, ok_tls_error(&u->c[i].st));
	close_conn(u, i, 1);
}

/* What connection i waits for: its replies always; POLLOUT while its batch or its last read
 * asks for it (a TLS write may want POLLIN instead, a TLS read POLLOUT). */
static void watch_conn(struct run *u, size_t i)
{
	const struct conn *c = &u->c[i];
	int out = (c->out_left > 0 && c->out_wants) || c->in_wants;

	u->pfd[i].events = (short)(POLLIN | (out ? POLLOUT : 0));
}

/* Writes what the socket takes of the current batch; 0, or -1 (errno set) when the connection
 * failed. After a want the same bytes are offered again, as a TLS stream needs. */
static int flush_conn(struct run *u, size_t i)
{
	struct conn *c = &u->c[i];

	while (c->out_left > 0) {
		ssize_t k = ok_stream_write(&c->st, u->block + (c->out_len - c->out_left), c->out_left);
		if (k > 0) {
			c->out_left -= (size_t)k;
		} else if (k == OK_IO_WANT_WRITE || k == OK_IO_WANT_READ) {
			c->out_wants = k == OK_IO_WANT_WRITE;
			break;
		} else {
			return -1;
		}
	}
	watch_conn(u, i);
	return 0;
}

/* Puts m lines in flight on connection i, timed from t (without -R: the write), in one write. */
static void send_lines(struct run *u, size_t i, unsigned m, int64_t t)
{
	struct conn *c = &u->c[i];

	if (u->o->rate != 0) {
		int64_t *ring = u->due + i * ((size_t)u->mask + 1);
		for (unsigned k = 0; k < m; k++, u->next++) {
			ring[(c->head + c->inflight + k) & u->mask] = due_at(u, u->next);
			u->sent += u->next >= u->warm;
		}
	} else {
		c->sent_at = t;
		u->sent += t >= u->t0 ? m : 0;
	}
	c->inflight += m;
	u->inflight += m;
	c->out_len = c->out_left = (size_t)m * u->line_len;
	if (flush_conn(u, i) < 0)
		fail_conn(u, i, errno);
}

/* Without -R: connection i's next batch, when it has none in flight and sending goes on. */
static void start_batch(struct run *u, size_t i, int64_t now)
{
	struct conn *c = &u->c[i];
	uint64_t m = u->o->depth;

	if (!u->sending || c->inflight > 0 || c->out_left > 0 || u->pfd[i].fd < 0)
		return;
	if (u->o->idle) {
		if (c->sent_once)
			return;
		c->sent_once = 1;
		m = 1;
	} else if (now >= u->t0) {
		m = m < u->quota ? m : u->quota;
		if (m == 0)
			return;
		if (u->quota != UINT64_MAX)
			u->quota -= m;
	}
	send_lines(u, i, (unsigned)m, now);
}

/* One reply to connection i's oldest line: counted, and its latency recorded if measured. */
static void take_reply(struct run *u, size_t i, int is_err, int64_t now)
{
	struct conn *c = &u->c[i];
	int64_t t;

	if (c->inflight == 0) { /* a line nobody asked for: not a line-for-line server */
		u->r->errors++;
		return;
	}
	if (u->o->rate != 0) {
		t = u->due[i * ((size_t)u->mask + 1) + c->head];
		c->head = (c->head + 1) & u->mask;
	} else {
		t = c->sent_at;
	}
	c->inflight--;
	u->inflight--;
	u->idle_done += u->o->idle ? 1u : 0u;
	if (t < u->t0)
		return; /* a warm-up line */
	u->r->replies++;
	u->r->errors += (uint64_t)is_err;
	okb_hist_record(&u->r->hist, (uint64_t)(now > t ? now - t : 0), 1);
	u->last_reply = now;
}

/* Counts the replies in p[0, n): one per LF; one whose first bytes are "ERR" is an error. */
static void take_replies(struct run *u, size_t i, const char *p, size_t n, int64_t now)
{
	struct conn *c = &u->c[i];
	const char *end = p + n, *lf;

	while (p < end) {
		if (c->lead >= 0 && c->lead < 3) { /* still telling whether it starts "ERR" */
			if (*p == "ERR"[c->lead]) {
				c->lead++;
				p++;
				continue;
			}
			c->lead = -1;
		}
		lf = memchr(p, '\n', (size_t)(end - p));
		if (lf == NULL)
			return;
		take_reply(u, i, c->lead == 3, now);
		c->lead = 0;
		p = lf + 1;
	}
}

/* One read on connection i (more while TLS holds bytes already decrypted, which poll cannot
 * see); the end of its stream, or an error, closes it. */
static void read_conn(struct run *u, size_t i)
{
	struct conn *c = &u->c[i];

	do {
		ssize_t k = ok_stream_read(&c->st, u->buf, READ_SIZE);
		if (k == OK_IO_WANT_READ || k == OK_IO_WANT_WRITE) {
			if (c->in_wants != (k == OK_IO_WANT_WRITE)) {
				c->in_wants = k == OK_IO_WANT_WRITE;
				watch_conn(u, i);
			}
			return;
		}
		if (k <= 0) {
			fail_conn(u, i, k < 0 ? errno : 0);
			return;
		}
		take_replies(u, i, u->buf, (size_t)k, now_ns());
		if (u->o->rate == 0)
			start_batch(u, i, now_ns());
	} while (u->pfd[i].fd >= 0 && ok_tls_pending(&c->st) > 0);
}

static void handle_conn(struct run *u, size_t i, short revents)
{
	struct conn *c = &u->c[i];

	/* A transport may want either event for either direction (TLS): both are retried. */
	if (c->out_left > 0 && flush_conn(u, i) < 0) {
		fail_conn(u, i, errno);
		return;
	}
	if ((revents & (POLLIN | POLLHUP | POLLERR)) || (c->in_wants && (revents & POLLOUT)))
		read_conn(u, i);
}

/* Whether connection i can take another line now. */
static int is_free(const struct run *u, size_t i)
{
	const struct conn *c = &u->c[i];

	return u->pfd[i].fd >= 0 && c->out_left == 0 && c->inflight < u->o->depth;
}

/*
 * -R: the lines due by now go out, shared among the free connections in turn (a round that
 * starts after the last one used), at most one write each. A line that finds none free waits,
 * its latency growing from its due time: the server's stall shows, none is hidden.
 */
static void schedule(struct run *u, int64_t now)
{
	uint64_t limit = due_by(u, now), pending;
	size_t k, i, nfree = 0;

	limit = limit < u->last ? limit : u->last;
	u->blocked = 0;
	if (u->next >= limit)
		return;
	pending = limit - u->next;
	for (i = 0; i < u->n; i++)
		nfree += (size_t)is_free(u, i);
	for (k = 0; k < u->n && pending > 0 && nfree > 0; k++) {
		uint64_t share, room;
		i = (u->cursor + k) % u->n;
		if (!is_free(u, i))
			continue;
		share = (pending + nfree - 1) / nfree;
		room = u->o->depth - u->c[i].inflight;
		share = share < room ? share : room;
		send_lines(u, i, (unsigned)share, now);
		pending -= share;
		nfree--;
		u->cursor = (i + 1) % u->n;
	}
	u->blocked = pending > 0;
}

/* Sending is over at time t: the rest of the run waits for the replies still due. */
static void end_sending(struct run *u, int64_t t)
{
	u->sending = 0;
	u->sent_end = t;
	u->drain_end = t + (int64_t)OKB_DRAIN_MS * 1000000;
}

/* Signals, the clock and -n's count move the run from sending to draining. */
static void update_phase(struct run *u, int64_t now)
{
	if (okb_stop != 0 && u->stops == 0) {
		u->stops = 1;
		if (u->o->rate != 0) {
			uint64_t due = due_by(u, now);
			u->last = due < u->last ? due : u->last;
		}
		if (u->sending)
			end_sending(u, now);
	}
	if (!u->sending)
		return;
	if (now >= u->send_end)
		end_sending(u, u->send_end);
	else if (u->o->rate == 0 && u->quota == 0)
		end_sending(u, now);
	else if (u->o->idle && !u->held && u->idle_done > 0 && u->idle_done == u->live) {
		u->held = 1;
		if (u->status)
			okb_status_clear(); /* the line goes below, not into, the status line */
		fprintf(stderr, "okbench: holding %zu connections\n", u->live);
	}
}

/* The one place that decides the end, one rule a line. */
static int finished(const struct run *u, int64_t now)
{
	if (okb_stop >= 2)
		return 1; /* asked twice: stop waiting */
	if (u->live == 0)
		return 1; /* no connection left: nothing more can come */
	if (u->sending)
		return 0;
	if (now >= u->drain_end)
		return 1; /* waited long enough: what is still in flight is lost */
	return u->inflight == 0 && (u->o->rate == 0 || u->next >= u->last);
}

/* Until the next thing the loop must do by the clock; -1: nothing (only the sockets). */
static int64_t wait_ns(const struct run *u, int64_t now)
{
	int64_t w = u->sending ? u->send_end : u->drain_end;

	if (u->o->rate != 0 && !u->blocked && u->next < u->last) {
		int64_t due = due_at(u, u->next);
		w = due < w ? due : w;
	}
	if (u->status && u->next_status < w)
		w = u->next_status;
	if (w == FOREVER)
		return -1;
	return w > now ? w - now : 0;
}

static void show_status(struct run *u, int64_t now)
{
	double measured = (double)(now - u->t0) / NS;

	if (!u->status || now < u->next_status)
		return;
	okb_status_show((double)(now - u->start) / NS, now < u->t0,
	                measured > 0 ? (double)u->r->replies / measured : 0,
	                okb_hist_percentile(&u->r->hist, 990000));
	u->next_status += (int64_t)OKB_STATUS_MS * 1000000;
}

/* The loop: schedule, wait, serve what is ready, until finished() says so. The stop signals
 * are let in only while it waits (open_mask), so none is missed between update_phase and the
 * wait, which may have no time limit. */
static int serve(struct run *u, const sigset_t *open_mask, struct ok_err *e)
{
	for (;;) {
		int64_t now = now_ns();
		size_t i;
		int n;

		update_phase(u, now);
		if (finished(u, now))
			return 0;
		if (u->o->rate != 0)
			schedule(u, now);
		show_status(u, now);
		n = ok_sigwait(u->pfd, (nfds_t)u->n, wait_ns(u, now_ns()), open_mask);
		if (n < 0 && errno != EINTR)
			return ok_err_set(e, OKB_EXIT_FAILED, errno, "poll");
		for (i = 0; i < u->n && n > 0; i++) {
			if (u->pfd[i].revents == 0 || u->pfd[i].fd < 0)
				continue;
			n--;
			handle_conn(u, i, u->pfd[i].revents);
		}
	}
}

/* serve, with the stop signals held from now on but for its waits (wait.h): nothing in it
 * waits elsewhere. */
static int loop(struct run *u, struct ok_err *e)
{
	sigset_t open_mask;
	int rc;

	if (okb_wait_hold(&open_mask) < 0)
		return ok_err_set(e, OKB_EXIT_FAILED, errno, "sigprocmask");
	rc = serve(u, &open_mask, e);
	okb_wait_release(&open_mask);
	return rc;
}

/* The negotiated session, as the report names it, from connection i's finished handshake. */
static void describe_session(struct run *u, size_t i)
{
	const struct ok_stream *st = &u->c[i].st;
	const char *name = u->o->tls_conf.servername;

	if (name == NULL)
		name = u->r->target.peer;
	snprintf(u->r->tls_session, sizeof u->r->tls_session, "%s %s, certificate %s%s",
	         ok_tls_protocol(st), ok_tls_cipher(st),
	         ok_tls_peer_verified(st) ? "verified for " : "NOT verified (--tls-insecure)",
	         ok_tls_peer_verified(st) ? name : "");
}

/* Carries connection i's handshake on: 0 while it waits for the event its pfd now asks for,
 * 1 once it has ended: done (then parked: poll skips a negative fd, so the server's session
 * tickets do not wake the loop until every handshake is done), or failed and closed. */
static int step_handshake(struct run *u, size_t i)
{
	struct conn *c = &u->c[i];
	int r = ok_tls_handshake(&c->st);

	if (r == OK_IO_WANT_READ || r == OK_IO_WANT_WRITE) {
		u->pfd[i].events = r == OK_IO_WANT_READ ? POLLIN : POLLOUT;
		return 0;
	}
	if (r == 0) {
		if (u->r->tls_session[0] == '\0')
			describe_session(u, i);
		u->pfd[i].fd = -1 - c->st.fd; /* below -1: the socket is past fd 2 */
		u->pfd[i].events = POLLIN;
	} else {
		note_tls_failure(u, i, ok_tls_error(&c->st)); /* a TCP failure here is TLS's too */
		close_conn(u, i, 1);
	}
	c->shaking = 0;
	return 1;
}

/* Handshakes still going when the phase ends: failed, timed out (or, at a stop, cut short:
 * skipped, not failed); the others unparked (closed ones are -1). */
static void end_handshakes(struct run *u, size_t from)
{
	char why[64];

	snprintf(why, sizeof why, "timed out (no handshake ended for %d s)", OKB_HANDSHAKE_MS / 1000);
	for (size_t i = from; i < u->n; i++) {
		if (u->c[i].shaking && u->pfd[i].fd >= 0) {
			if (okb_stop == 0)
				note_tls_failure(u, i, why);
			else
				u->r->skipped++;
			close_conn(u, i, okb_stop == 0);
		}
		u->pfd[i].fd = u->c[i].st.fd;
	}
}

/* Connection i over fd: plain, or a TLS stream whose handshake is to come; its pfd watches it.
 * 0, or -1 with e (fd is closed then). */
static int add_conn(struct run *u, size_t i, int fd, struct ok_err *e)
{
	struct conn *c = &u->c[i];
	const char *peer = u->r->target.peer;

	if (u->tls == NULL) {
		ok_stream_plain(&c->st, fd);
	} else if (ok_tls_connect(&c->st, fd, u->tls, peer[0] != '\0' ? peer : NULL, e) == 0) {
		c->shaking = 1;
	} else {
		e->code = OKB_EXIT_TLS;
		close(fd);
		return -1;
	}
	u->pfd[i] = (struct pollfd){ .fd = fd, .events = POLLIN };
	u->n = i + 1;
	u->live++;
	return 0;
}

/* Opens the next connection (n); 0, or -1 when it cannot be (r->connect_err says why). One
 * that fails once a stop has come is the stop's (a full Unix backlog is waited for only until
 * then), not a failure of its own. */
static int open_next(struct run *u)
{
	int fd = okb_connect_again(&u->r->target, &u->r->connect_err);

	if (fd < 0 || add_conn(u, u->n, fd, &u->r->connect_err) < 0) {
		u->open_failed = okb_stop == 0;
		return -1;
	}
	return 0;
}

/* The connections that were never opened: after one that could not be, not opened (failed,
 * as the next would most likely fail alike); after a stop, skipped (not failures). */
static void count_unopened(struct run *u)
{
	unsigned long rest = u->o->conns - u->n;

	if (okb_stop != 0 && !u->open_failed) {
		u->r->skipped += rest;
		return;
	}
	u->r->unopened = rest;
	u->r->failed += rest;
}

#define HANDSHAKES_OVER (-2)

/* One wait for the handshakes in progress from lo on, unless they are over (none left, a stop
 * asked for, the deadline passed: HANDSHAKES_OVER). The stop signals are held from the look at
 * okb_stop to the wait, which lets them in (wait.h): one that comes in between is not missed.
 * The connections are opened with them let in, so a stop ends the opening at once. As ok_sigwait:
 * the ready count, or -1 with errno (EINTR: a signal). */
static int wait_handshakes(struct run *u, size_t lo, size_t shaking, int64_t deadline)
{
	sigset_t open_mask;
	int64_t wait;
	int n, err;

	if (okb_wait_hold(&open_mask) < 0)
		return -1;
	wait = deadline - now_ns();
	if (shaking == 0 || okb_stop != 0 || wait <= 0)
		n = HANDSHAKES_OVER;
	else
		n = ok_sigwait(u->pfd + lo, (nfds_t)(u->n - lo), wait, &open_mask);
	err = errno;
	okb_wait_release(&open_mask);
	errno = err;
	return n;
}

/*
 * TLS: the handshakes of connections [from, n), and of the next ones opened up to upto, at most
 * OKB_HANDSHAKES_AT_ONCE at a time (as clients arrive, not a burst that would hold thousands of
 * half-done handshakes in the server at once), in one poll loop over those in progress. It
 * ends when none is left, at a signal, or after OKB_HANDSHAKE_MS without one ending. 0, or -1
 * with e (poll failed).
 */
static int shake_hands(struct run *u, size_t from, size_t upto, struct ok_err *e)
{
	int64_t deadline = now_ns() + (int64_t)OKB_HANDSHAKE_MS * 1000000;
	size_t shaking = 0, lo = from, i;
	int opening = 1;

	for (i = from; i < u->n; i++)
		shaking += !step_handshake(u, i);
	for (;;) {
		int n;

		while (opening && shaking < OKB_HANDSHAKES_AT_ONCE && u->n < upto && okb_stop == 0) {
			opening = open_next(u) == 0;
			shaking += opening && !step_handshake(u, u->n - 1);
		}
		while (lo < u->n && !u->c[lo].shaking)
			lo++; /* poll from the oldest handshake in progress */
		n = wait_handshakes(u, lo, shaking, deadline);
		if (n == HANDSHAKES_OVER)
			break;
		if (n < 0 && errno != EINTR)
			return ok_err_set(e, OKB_EXIT_FAILED, errno, "poll");
		for (i = lo; i < u->n && n > 0; i++) {
			if (u->pfd[i].fd < 0 || u->pfd[i].revents == 0)
				continue;
			n--;
			if (step_handshake(u, i)) {
				shaking--;
				deadline = now_ns() + (int64_t)OKB_HANDSHAKE_MS * 1000000;
			}
		}
	}
	if (okb_stop == 0 && opening && u->n < upto) {
		/* The phase timed out with connections left to open: they never will be, for TLS. */
		u->open_failed = 1;
		ok_err_set(&u->r->connect_err, OKB_EXIT_TLS, 0,
		           "no TLS handshake with %s ended for %d s", u->r->target.name,
		           OKB_HANDSHAKE_MS / 1000);
	}
	end_handshakes(u, from);
	return 0;
}

/*
 * The first connection (fd), then the others, in turn, until the first that cannot be opened or
 * a stop (count_unopened counts the rest). With TLS the first shakes hands alone (a server that
 * fails it fails every one: said at once), then the others are opened as handshakes end. 0, or
 * -1 with e (e->code OKB_EXIT_TLS: the first handshake failed).
 */
static int open_conns(struct run *u, int first_fd, struct ok_err *e)
{
	const struct okb_options *o = u->o;
	int rc = 0;

	if (add_conn(u, 0, first_fd, e) < 0)
		return -1;
	if (u->tls == NULL) {
		while (u->n < o->conns && okb_stop == 0 && open_next(u) == 0)
			; /* only opening */
	} else if (shake_hands(u, 0, 1, e) < 0) {
		return -1;
	} else if (u->live == 0 && u->r->tls_failed > 0) {
		return ok_err_set(e, OKB_EXIT_TLS, 0, "%s", u->r->tls_err.msg);
	} else {
		rc = shake_hands(u, 1, o->conns, e);
	}
	count_unopened(u);
	return rc;
}

/* The ring size for -R: the power of two at or above the depth. */
static unsigned ring_mask(unsigned long depth)
{
	unsigned size = 1;

	while (size < depth)
		size <<= 1;
	return size - 1;
}

/* Memory for conns connections; 0, or -1 with e. */
static int allocate(struct run *u, struct ok_err *e)
{
	const struct okb_options *o = u->o;
	size_t len = strlen(o->line);

	u->line_len = len + 1;
	u->c = calloc(o->conns, sizeof *u->c);
	u->pfd = calloc(o->conns + 1, sizeof *u->pfd); /* the one more for ok_sigwait */
	u->buf = malloc(READ_SIZE);
	u->block = malloc(u->line_len * o->depth);
	u->mask = ring_mask(o->depth);
	if (o->rate != 0)
		u->due = calloc(o->conns, ((size_t)u->mask + 1) * sizeof *u->due);
	if (u->c == NULL || u->pfd == NULL || u->buf == NULL || u->block == NULL ||
	    (o->rate != 0 && u->due == NULL))
		return ok_err_set(e, OKB_EXIT_FAILED, ENOMEM, "%lu connections", o->conns);
	for (unsigned long k = 0; k < o->depth; k++) {
		memcpy(u->block + k * u->line_len, o->line, len);
		u->block[k * u->line_len + len] = '\n';
	}
	for (unsigned long k = 0; k < o->conns; k++)
		ok_stream_none(&u->c[k].st); /* until add_conn: no stream, not descriptor 0 */
	return 0;
}

/* The clock's marks: the start now, the warm-up's end, when sending ends; -R's line counts. */
static void set_marks(struct run *u)
{
	const struct okb_options *o = u->o;

	u->start = now_ns();
	u->t0 = u->start + (o->idle ? 0 : (int64_t)o->warmup * NS); /* --idle: every line counts */
	u->send_end = o->idle ? u->start + (int64_t)o->seconds * NS
	            : o->seconds != 0 ? u->t0 + (int64_t)o->seconds * NS : FOREVER;
	u->quota = o->lines != 0 ? o->lines : UINT64_MAX;
	u->sent_end = u->drain_end = FOREVER;
	u->sending = 1;
	u->status = isatty(STDERR_FILENO);
	u->next_status = u->start + (int64_t)OKB_STATUS_MS * 1000000;
	if (o->rate == 0)
		return;
	u->warm = o->warmup != 0 ? due_by(u, u->t0 - 1) : 0;
	if (o->lines != 0) {
		u->last = u->warm + o->lines;
		u->send_end = due_at(u, u->last - 1) + 1;
	} else {
		u->last = due_by(u, u->send_end - 1);
	}
}

/* What the loop leaves: lost and unsent lines, the measured time. */
static void conclude(struct run *u)
{
	struct okb_result *r = u->r;
	int64_t end = u->sent_end < u->last_reply ? u->last_reply : u->sent_end;

	if (end == FOREVER)
		end = now_ns();
	r->lost = u->sent - r->replies;
	if (u->o->rate != 0 && u->next < u->last)
		r->unsent = u->last - (u->next > u->warm ? u->next : u->warm);
	r->duration_s = end > u->t0 ? (double)(end - u->t0) / NS : 0;
	if (u->status)
		okb_status_clear();
	for (size_t i = 0; i < u->n; i++) {
		if (u->pfd[i].fd < 0)
			continue;
		(void)ok_stream_shutdown(&u->c[i].st); /* TLS: close_notify, not a truncation */
		close_conn(u, i, 0);
	}
}

static void free_run(struct run *u)
{
	free(u->c);
	free(u->pfd);
	free(u->buf);
	free(u->block);
	free(u->due);
}

int okb_run(const struct okb_options *o, struct ok_tls_ctx *tls, int fd, struct okb_result *r,
            struct ok_err *e)
{
	struct run u = { .o = o, .r = r, .tls = tls };
	int rc;

	if (allocate(&u, e) < 0) {
		close(fd);
		free_run(&u);
		return -1;
	}
	if (open_conns(&u, fd, e) < 0) {
		for (size_t i = 0; i < u.n; i++)
			ok_stream_close(&u.c[i].st);
		free_run(&u);
		return -1;
	}
	set_marks(&u);
	if (o->rate == 0)
		for (size_t i = 0; i < u.n; i++)
			start_batch(&u, i, now_ns());
	rc = loop(&u, e);
	conclude(&u);
	free_run(&u);
	return rc;
}
