/* conn.c - one client: read, frame, write, back-pressure, and the way it ends (conn.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "admit.h"   /* who may connect: access rules, PROXY header, per-address counts */
#include "backend.h" /* BACKEND_READ, BACKEND_WRITE: what a connection waits for */
#include "conn.h"
#include "log.h"
#include "netaddr.h"
#include "server.h"
#include "tls.h"

static const char *const why_text[] = {
	[WHY_NONE] = "closed", [WHY_QUIT] = "quit", [WHY_EOF] = "eof",
	[WHY_TOO_LONG] = "line too long", [WHY_IDLE] = "idle", [WHY_FULL] = "full",
	[WHY_SHUTDOWN] = "shutdown", [WHY_ERROR] = "error", [WHY_TOO_MANY] = "too many",
	[WHY_TLS_FAILED] = "TLS handshake failed", [WHY_TLS_LATE] = "TLS handshake too slow",
};

/* The peer kept (keep_peer) as a socket address again; its length. */
static socklen_t peer_sockaddr(const struct conn *c, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	socklen_t sl = sizeof(sa_family_t);

	memset(ss, 0, sizeof *ss);
	ss->ss_family = c->peer_family;
	if (c->peer_family == AF_INET) {
		memcpy(&sin->sin_addr, c->peer_addr, sizeof sin->sin_addr);
		sin->sin_port = c->peer_port;
		sl = sizeof *sin;
	} else if (c->peer_family == AF_INET6) {
		memcpy(&sin6->sin6_addr, c->peer_addr, sizeof sin6->sin6_addr);
		sin6->sin6_port = c->peer_port;
		sl = sizeof *sin6;
	}
	return sl;
}

/* The peer as -v names it: "127.0.0.1:51234", "[::1]:51234", "unix" (ok_format_sockaddr);
 * an IPv4 peer of a dual-stack listener was kept in IPv4 form (keep_peer). */
static const char *format_peer(const struct conn *c, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = peer_sockaddr(c, &ss);

	return ok_format_sockaddr((struct sockaddr *)&ss, sl, buf, len);
}

/* Keeps what format_peer needs of the peer's address. */
static void keep_peer(struct conn *c, const struct sockaddr *peer, socklen_t len)
{
	struct sockaddr_storage ss;
	struct sockaddr_in mapped;

	memset(&ss, 0, sizeof ss);
	memcpy(&ss, peer, (size_t)len < sizeof ss ? (size_t)len : sizeof ss);
	if (ss.ss_family == AF_INET6 && (size_t)len >= sizeof(struct sockaddr_in6) &&
	    ok_unmap_ipv4((const struct sockaddr_in6 *)&ss, &mapped)) {
		memset(&ss, 0, sizeof ss);
		memcpy(&ss, &mapped, sizeof mapped);
	}
	c->peer_family = (uint8_t)(len >= (socklen_t)sizeof(sa_family_t) ? ss.ss_family : AF_UNIX);
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
		memcpy(c->peer_addr, &sin->sin_addr, sizeof sin->sin_addr);
		c->peer_port = sin->sin_port;
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
		memcpy(c->peer_addr, &sin6->sin6_addr, sizeof sin6->sin6_addr);
		c->peer_port = sin6->sin6_port;
	}
}

/* Takes the connection off whichever deadline list it is on. */
static void take_off_deadlines(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];

	if (c->flags & CONN_ON_IDLE)
		deadline_remove(s->conns, &s->idle, fd);
	if (c->flags & CONN_ON_ENDING)
		deadline_remove(s->conns, &s->ending, fd);
	if (c->flags & CONN_ON_HANDSHAKE)
		deadline_remove(s->conns, &s->handshake, fd);
	c->flags &= (uint8_t)~(CONN_ON_IDLE | CONN_ON_ENDING | CONN_ON_HANDSHAKE);
}

/* Restarts the connection's deadline: idle while open, grace while ending. Before the
 * conversation (a PROXY header awaited, a TLS handshake) the handshake's deadline is set once,
 * at accept: it bounds the header and the handshake together, and progress does not extend it. */
static void restart_deadline(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];
	bool before = c->state == CONN_PROXY || c->state == CONN_HANDSHAKE;
	struct deadline_list *l = before ? &s->handshake : c->state == CONN_OPEN ? &s->idle : &s->ending;
	uint8_t flag;

	if (l->delay_ms <= 0 || (before && (c->flags & CONN_ON_HANDSHAKE)))
		return; /* no such deadline (each read of a pipelined batch comes here), or set once */
	flag = before ? CONN_ON_HANDSHAKE : c->state == CONN_OPEN ? CONN_ON_IDLE : CONN_ON_ENDING;
	take_off_deadlines(s, fd);
	c->stamp = server_now(s);
	deadline_push(s->conns, l, fd);
	c->flags |= flag;
}

/* Why the connection ended, in words, for the -v log: what its TLS stream said for a TLS
 * failure (a handshake refused, a truncation), else the errno behind an error. */
static const char *reason_of(const struct conn *c)
{
	const char *tls = ok_tls_error(&c->st);

	if (c->why == WHY_TLS_FAILED || (c->why == WHY_ERROR && tls[0] != '\0'))
		return tls[0] != '\0' ? tls : "could not start"; /* conn_open's ok_tls_accept */
	return c->why == WHY_ERROR ? strerror(c->err) : "";
}

/* Closes now: the stream, the deadlines, the record; nothing more is sent. loop.c then has the
 * backend forget the descriptor. */
void conn_close_now(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];

	if (c->state == CONN_PROXY) {
		admit_header_drop(s->admit, fd); /* never "connected" for -v: its end was logged */
	} else if (s->cfg->verbose) {
		char who[OK_SOCKADDR_STRLEN];
		const char *reason = reason_of(c);
		server_log("%s closed (%s%s%s), %llu lines answered", format_peer(c, who, sizeof who),
		           why_text[c->why], reason[0] != '\0' ? ": " : "", reason,
		           (unsigned long long)c->fr.lines);
	}
	if (c->flags & CONN_PEER_COUNTED) {
		struct sockaddr_storage ss;
		socklen_t sl = peer_sockaddr(c, &ss);
		admit_uncount(s->admit, (struct sockaddr *)&ss, sl);
	}
	take_off_deadlines(s, fd);
	ok_stream_close(&c->st);
	free(c->pend);
	ok_framer_free(&c->fr);
	print_line_drop(&c->pl);
	if (c->flags & CONN_COUNTED)
		s->counted_clients--;
	s->open_conns--;
	s->fd_freed = true;
	memset(c, 0, sizeof *c);
	ok_stream_none(&c->st);
}

/* A system call on the connection failed with err: closes now; -v logs err as the reason. */
void conn_close_on_error(struct server *s, int fd, int err)
{
	s->conns[fd].why = WHY_ERROR;
	s->conns[fd].err = (uint16_t)err;
	conn_close_now(s, fd);
}

/* --print has paused the reading of open connections: this one waits for nothing, but errors. */
static bool parked(const struct server *s, const struct conn *c)
{
	return s->reading_paused && c->state == CONN_OPEN && c->pend == NULL;
}

unsigned conn_interest(const struct server *s, int fd)
{
	const struct conn *c = &s->conns[fd];

	if (parked(s, c))
		return 0;
	return (c->flags & CONN_WANTS_WRITE) ? BACKEND_WRITE : BACKEND_READ;
}

/* Only a TLS stream's read bytes can wait in it: a connection writing (pend), parked or in its
 * handshake is not served before its event comes. */
bool conn_has_input(const struct server *s, int fd)
{
	const struct conn *c = &s->conns[fd];

	return (c->flags & CONN_TLS) && (c->state == CONN_OPEN || c->state == CONN_LINGER) &&
	       c->pend == NULL && !parked(s, c) && ok_tls_pending(&c->st) > 0;
}

/* Records the event the transport wants, OK_IO_WANT_READ or OK_IO_WANT_WRITE, before the
 * connection's next read, write or half-close can go on. */
static void wait_for(struct conn *c, ssize_t want)
{
	c->flags = (uint8_t)((c->flags & ~CONN_WANTS_WRITE) |
	                     (want == OK_IO_WANT_WRITE ? CONN_WANTS_WRITE : 0));
}

/* One write of len bytes in iov: what the transport took (0 or more), or -1 when the connection
 * was closed. All taken, reading goes on; else the rest waits for the event the transport named
 * (for a short write, writability). */
static ssize_t write_out(struct server *s, int fd, const struct iovec *iov, int iovcnt,
                         size_t len)
{
	struct conn *c = &s->conns[fd];
	ssize_t n = ok_stream_writev(&c->st, iov, iovcnt);

	if (n == OK_IO_ERROR) {
		conn_close_on_error(s, fd, errno);
		return -1;
	}
	if (n < 0) {
		wait_for(c, n);
		return 0;
	}
	s->stats.bytes_out += (uint64_t)n;
	wait_for(c, (size_t)n == len ? OK_IO_WANT_READ : OK_IO_WANT_WRITE);
	return n;
}

/* Keeps what the socket did not take, after what was already waiting. 0, or -1: no memory. */
static int keep_pending(struct conn *c, const char *a, size_t alen, const char *b, size_t blen)
{
	size_t have = c->pend ? c->pend_len - c->pend_off : 0;
	char *p;

	if (alen + blen == 0)
		return 0;
	if (c->pend != NULL && c->pend_off > 0) {
		memmove(c->pend, c->pend + c->pend_off, have);
		c->pend_len = (uint32_t)have;
		c->pend_off = 0;
	}
	p = realloc(c->pend, have + alen + blen);
	if (p == NULL)
		return -1;
	if (alen > 0)
		memcpy(p + have, a, alen);
	if (blen > 0)
		memcpy(p + have + alen, b, blen);
	c->pend = p;
	c->pend_len = (uint32_t)(have + alen + blen);
	return 0;
}

/* Sends a then b with one call (nothing is sent past output already waiting); keeps the rest.
 * 0, or -1 when the connection had to be closed. */
static int send_out(struct server *s, int fd, const char *a, size_t alen,
                    const char *b, size_t blen)
{
	struct conn *c = &s->conns[fd];

	if (c->pend == NULL && alen + blen > 0) {
		struct iovec iov[2] = { { (void *)a, alen }, { (void *)b, blen } };
		ssize_t n = write_out(s, fd, iov, blen == 0 ? 1 : 2, alen + blen);
		size_t sent = (size_t)n;

		if (n < 0)
			return -1;
		if (sent >= alen) {
			b += sent - alen;
			blen -= sent - alen;
			alen = 0;
		} else {
			a += sent;
			alen -= sent;
		}
	}
	if (alen + blen > 0 && keep_pending(c, a, alen, b, blen) < 0) {
		conn_close_on_error(s, fd, ENOMEM);
		return -1;
	}
	return 0;
}

/*
 * The pending output becomes what was waiting, then a (alen bytes), then the n bytes at b + off,
 * all in b's own buffer: b (malloc'd, handed over: the Q echo) is kept, not copied, so a client
 * that does not read its echo costs it once. What goes in front is copied into the room before
 * off when there is some (the part of b already sent), else b grows for it (a realloc of a large
 * block moves pages, not bytes). 0 (b taken, or freed when nothing of it is left), or -1: no
 * memory (b not freed).
 */
static int adopt_pending(struct conn *c, const char *a, size_t alen, char *b, size_t off,
                         size_t n)
{
	size_t have = c->pend ? c->pend_len - c->pend_off : 0, head = have + alen, start;
	char *p = b;

	if (n == 0) { /* all of b went out: only a is left to keep */
		if (keep_pending(c, a, alen, "", 0) < 0)
			return -1; /* b not freed: the caller frees it */
		free(b);
		return 0;
	}
	if (head <= off) {
		start = off - head;
	} else {
		if ((p = realloc(b, head + n)) == NULL)
			return -1;
		memmove(p + head, p + off, n);
		start = 0;
	}
	if (have > 0)
		memcpy(p + start, c->pend + c->pend_off, have);
	if (alen > 0)
		memcpy(p + start + have, a, alen);
	free(c->pend);
	c->pend = p;
	c->pend_off = (uint32_t)start;
	c->pend_len = (uint32_t)(start + head + n);
	return 0;
}

/* send_out, b (blen bytes) being a malloc'd buffer handed over: what the socket does not take
 * of it stays in it, as the pending output (adopt_pending); it is freed once all is sent. 0, or
 * -1 when the connection had to be closed. */
static int send_out_owned(struct server *s, int fd, const char *a, size_t alen, char *b,
                          size_t blen)
{
	struct conn *c = &s->conns[fd];
	size_t off = 0;

	if (c->pend == NULL) {
		struct iovec iov[2] = { { (void *)a, alen }, { b, blen } };
		ssize_t n = write_out(s, fd, iov, 2, alen + blen);
		size_t sent = (size_t)n;

		if (n < 0) {
			free(b);
			return -1;
		}
		if (sent >= alen) {
			off = sent - alen;
			alen = 0;
		} else {
			a += sent;
			alen -= sent;
		}
	}
	if (adopt_pending(c, a, alen, b, off, blen - off) < 0) {
		free(b);
		conn_close_on_error(s, fd, ENOMEM);
		return -1;
	}
	return 0;
}

/* The last reply is out: half-close, then read until the peer closes, so no reset eats it.
 * A transport that needs I/O to end its side (TLS) is called again once it can have it. A peer
 * that has ended its side already is closed at once, over TLS once our close_notify is out (a
 * TLS stream ends with one whatever the peer did, so a truncation always shows). */
static void half_close_then_linger(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];
	bool peer_done = (c->flags & CONN_PEER_EOF) != 0;
	int rc = peer_done && !ok_stream_is_tls(&c->st) ? OK_IO_ERROR : ok_stream_shutdown(&c->st);

	if (rc == OK_IO_WANT_READ || rc == OK_IO_WANT_WRITE) {
		wait_for(c, rc);
		return;
	}
	if (rc != 0 || peer_done) {
		conn_close_now(s, fd); /* nothing more can arrive, or the peer is gone already */
		return;
	}
	c->state = CONN_LINGER;
	wait_for(c, OK_IO_WANT_READ);
	restart_deadline(s, fd);
}

/* The conversation is over: nothing more is read, the last replies go out. */
static void begin_ending(struct server *s, int fd, int why)
{
	struct conn *c = &s->conns[fd];

	c->why = (uint8_t)why;
	c->state = CONN_ENDING;
	print_line_drop(&c->pl); /* a line in progress now will never be answered */
	restart_deadline(s, fd);
}

/* Ends the conversation with replies a (the OKs of this read) and b (the last line, if any). */
static void end_conversation(struct server *s, int fd, int why, const char *a, size_t alen,
                             const char *b, size_t blen)
{
	begin_ending(s, fd, why);
	if (send_out(s, fd, a, alen, b, blen) < 0)
		return;
	if (s->conns[fd].pend == NULL)
		half_close_then_linger(s, fd);
}

/* Ends the conversation with replies a and the Q echo, whose buffer the framer hands over. */
static void end_with_echo(struct server *s, int fd, const char *a, size_t alen)
{
	size_t elen;
	char *echo;

	begin_ending(s, fd, WHY_QUIT);
	echo = ok_framer_take_echo(&s->conns[fd].fr, &elen);
	if (send_out_owned(s, fd, a, alen, echo, elen) < 0)
		return;
	if (s->conns[fd].pend == NULL)
		half_close_then_linger(s, fd);
}

/* The server's own last word, "ERR text", ended the way the client ends its lines. */
static void end_with_err(struct server *s, int fd, int why, const char *text)
{
	char line[64];

	snprintf(line, sizeof line, "ERR %s%s", text, ok_framer_eol(&s->conns[fd].fr));
	end_conversation(s, fd, why, line, strlen(line), "", 0);
}

static const uint8_t why_of_status[] = {
	[OK_FRAMER_MORE] = WHY_NONE, [OK_FRAMER_QUIT] = WHY_QUIT,
	[OK_FRAMER_TOO_LONG] = WHY_TOO_LONG, [OK_FRAMER_EOF] = WHY_EOF,
	[OK_FRAMER_NOMEM] = WHY_ERROR,
};

/* --print: what the framer tells of a line's content goes to the connection's print_line. */
struct print_ctx {
	struct server *s;
	struct conn *c;
	bool failed;
};

static void print_content(void *ctx, const char *p, size_t n, int ends)
{
	struct print_ctx *pc = ctx;

	if (printer_take(pc->s->printer, &pc->c->pl, p, n, ends != 0) < 0)
		pc->failed = true;
}

/* --print: whether the printer has room for what one more read may print. When it has not,
 * stdout gets a chance first; if it takes too little, reading pauses until it drains (loop.c
 * parks the open connections, and lets them go again). */
static bool may_read(struct server *s)
{
	if (s->printer == NULL)
		return true;
	if (s->reading_paused)
		return false;
	if (printer_full(s->printer))
		printer_flush(s->printer);
	if (printer_full(s->printer))
		s->reading_paused = true;
	return !s->reading_paused;
}

/* Frames n bytes of s->in (0: the end of input) into s->out; --print hears of the lines.
 * The output buffer holds the replies of a whole read, so all of it is consumed. 0, or -1 when
 * a line could not be kept for printing (no memory). */
static int frame_read(struct server *s, struct conn *c, ssize_t n, size_t *olen)
{
	struct print_ctx pc = { s, c, false };
	const struct ok_framer_sink sink = { print_content, &pc };
	const struct ok_framer_sink *to = s->printer != NULL ? &sink : NULL;

	if (n == 0)
		ok_framer_finish_sink(&c->fr, to, s->out, sizeof s->out, olen);
	else
		ok_framer_feed_sink(&c->fr, to, s->in, (size_t)n, s->out, sizeof s->out, olen);
	return pc.failed ? -1 : 0;
}

/*
 * One read, framed in the shared buffer, every reply of it in one write: a batch of pipelined
 * lines costs one recv and one send. Returns the bytes read (0 for none, the end, or reading
 * paused by --print), -1 when the connection was closed.
 */
static ssize_t read_and_answer(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];
	uint64_t lines = c->fr.lines;
	size_t olen = 0, flen;
	const char *final;
	ssize_t n;
	int st;

	if (!may_read(s))
		return 0;
	n = ok_stream_read(&c->st, s->in, sizeof s->in);
	if (n == OK_IO_ERROR) {
		conn_close_on_error(s, fd, errno);
		return -1;
	}
	wait_for(c, n >= 0 ? OK_IO_WANT_READ : n);
	if (n < 0)
		return 0; /* nothing yet: the transport said what to wait for */
	if (n == OK_IO_EOF) {
		c->flags |= CONN_PEER_EOF;
	} else {
		restart_deadline(s, fd);
		s->stats.bytes_in += (uint64_t)n;
	}
	if (frame_read(s, c, n, &olen) < 0) {
		conn_close_on_error(s, fd, ENOMEM);
		return -1;
	}
	s->stats.lines += c->fr.lines - lines; /* the replies this read produced */
	st = ok_framer_status(&c->fr);
	if (st == OK_FRAMER_MORE)
		return send_out(s, fd, s->out, olen, "", 0) < 0 ? -1 : n;
	if (st == OK_FRAMER_QUIT) {
		end_with_echo(s, fd, s->out, olen);
		return n;
	}
	if (st == OK_FRAMER_NOMEM)
		c->err = (uint16_t)ENOMEM;
	final = ok_framer_final(&c->fr, &flen);
	end_conversation(s, fd, why_of_status[st], s->out, olen, final, flen);
	return n;
}

/* Output the socket would not take earlier; when it is all out, read again (or, ending,
 * half-close and linger). */
static void write_pending(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];
	struct iovec iov = { c->pend + c->pend_off, c->pend_len - c->pend_off };
	ssize_t n = write_out(s, fd, &iov, 1, iov.iov_len);

	if (n <= 0)
		return;
	restart_deadline(s, fd);
	c->pend_off += (uint32_t)n;
	if (c->pend_off < c->pend_len)
		return;
	free(c->pend);
	c->pend = NULL;
	c->pend_len = c->pend_off = 0;
	if (c->state == CONN_ENDING)
		half_close_then_linger(s, fd);
}

/* After our half-close: discard what the peer still sends until it closes too. */
static void read_linger(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];
	ssize_t n = ok_stream_read(&c->st, s->in, sizeof s->in);

	if (n == OK_IO_EOF || n == OK_IO_ERROR) {
		conn_close_now(s, fd); /* end of input or an error: either way it is over */
		return;
	}
	if (n > 0)
		s->stats.bytes_in += (uint64_t)n;
	wait_for(c, n > 0 ? OK_IO_WANT_READ : n);
}

/* --- Admission (SPEC 11; admit.h says the steps): the PROXY header, the refusals --- */

/* Who the peer is is settled (its PROXY header read, when it sends one): it counts against
 * its address. A refusal is kept in why, for begin_conversation to say: full (not counted
 * against --max-clients, since conn_open) or too many from its address. 0, or -1 when the
 * connection was closed (no memory to count it). */
static int settle_peer(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];
	struct sockaddr_storage ss;
	socklen_t sl = peer_sockaddr(c, &ss);
	bool counted;

	if (!(c->flags & CONN_COUNTED)) {
		c->why = WHY_FULL;
		return 0;
	}
	switch (admit_count(s->admit, (struct sockaddr *)&ss, sl, &counted)) {
	case OK_PEERS_IN:
		if (counted)
			c->flags |= CONN_PEER_COUNTED;
		return 0;
	case OK_PEERS_REFUSED:
		c->flags &= (uint8_t)~CONN_COUNTED; /* refused: as one refused as full */
		s->counted_clients--;
		c->why = WHY_TOO_MANY;
		return 0;
	default: /* OK_PEERS_NOMEM */
		conn_close_on_error(s, fd, ENOMEM);
		return -1;
	}
}

/* A handshake that did not finish (why: it failed, ran late, or the server stops) is closed
 * with nothing sent, and counted. */
static void close_handshake(struct server *s, int fd, int why)
{
	s->stats.tls_failed++;
	s->conns[fd].why = (uint8_t)why;
	conn_close_now(s, fd);
}

/* The conversation begins (over TLS once the handshake is done): the refusal settle_peer
 * decided, or the greeting and the idle deadline. A refusal's ERR line is the first line sent,
 * so it ends with LF. */
static void begin_conversation(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];
	const char *greeting = s->cfg->greeting;

	c->state = CONN_OPEN;
	if (c->why == WHY_FULL || c->why == WHY_TOO_MANY) {
		s->stats.refused++;
		end_with_err(s, fd, c->why,
		             c->why == WHY_FULL ? "server full" : "too many connections");
		return;
	}
	if (greeting != NULL && send_out(s, fd, greeting, strlen(greeting), "\n", 1) < 0)
		return;
	restart_deadline(s, fd);
}

/* The TLS handshake goes on as the transport asks; once it is done, -v names the protocol and
 * cipher and the conversation begins. */
static void continue_handshake(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];
	int rc = ok_tls_handshake(&c->st);

	if (rc == OK_IO_WANT_READ || rc == OK_IO_WANT_WRITE) {
		wait_for(c, rc);
		return;
	}
	if (rc != 0) {
		close_handshake(s, fd, WHY_TLS_FAILED);
		return;
	}
	take_off_deadlines(s, fd);
	wait_for(c, OK_IO_WANT_READ);
	if (s->cfg->verbose) {
		char who[OK_SOCKADDR_STRLEN];
		server_log("%s TLS: %s %s%s", format_peer(c, who, sizeof who),
		           ok_tls_protocol(&c->st), ok_tls_cipher(&c->st),
		           ok_tls_peer_verified(&c->st) ? ", client certificate verified" : "");
	}
	begin_conversation(s, fd);
}

/* fd becomes a TLS stream from ctx, its handshake to finish within s->handshake's delay. */
static void start_handshake(struct server *s, int fd, struct ok_tls_ctx *ctx)
{
	struct conn *c = &s->conns[fd];
	struct ok_err e;

	if (ok_tls_accept(&c->st, fd, ctx, &e) < 0) { /* out of memory: the stream stays plain */
		char who[OK_SOCKADDR_STRLEN];
		server_log("%s: %s", format_peer(c, who, sizeof who), e.msg);
		close_handshake(s, fd, WHY_TLS_FAILED);
		return;
	}
	c->state = CONN_HANDSHAKE;
	restart_deadline(s, fd);
}

/* Who the peer is is settled (counted against its address, its refusal decided): on a TLS
 * listener the handshake comes next, then the conversation. */
static void after_admission(struct server *s, int fd)
{
	if (settle_peer(s, fd) < 0)
		return;
	if ((s->conns[fd].flags & CONN_TLS) && s->tls != NULL)
		start_handshake(s, fd, s->tls);
	else
		begin_conversation(s, fd);
}

/* A PROXY header that did not come whole: closed now, nothing sent, logged (with or without
 * -v) naming the peer that should have sent it. */
static void drop_header_conn(struct server *s, int fd, const char *why)
{
	char who[OK_SOCKADDR_STRLEN];

	server_log("%s closed (PROXY header: %s)", format_peer(&s->conns[fd], who, sizeof who), why);
	conn_close_now(s, fd);
}

/* A --proxy-from peer: nothing happens before its PROXY header, which must be whole by the
 * handshake deadline (from now; progress does not extend it). */
static void await_header(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];

	c->state = CONN_PROXY;
	if (admit_header_begin(s->admit, fd, s->cfg->table_size) < 0) {
		drop_header_conn(s, fd, strerror(errno));
		return;
	}
	restart_deadline(s, fd);
}

/* The header is whole: the client it names (unless it keeps the real peer: v1 UNKNOWN, v2
 * LOCAL) stands for the peer from now on, the access rules judge it, and the conversation
 * begins as for a peer just accepted. */
static void header_arrived(struct server *s, int fd, const struct ok_proxy_header *h)
{
	struct conn *c = &s->conns[fd];
	char via[OK_SOCKADDR_STRLEN];
	struct sockaddr_storage ss;
	socklen_t sl;
	int version = h->version, relayed = !h->keep_peer;

	format_peer(c, via, sizeof via);
	if (relayed)
		keep_peer(c, (const struct sockaddr *)&h->src, h->src_len);
	sl = peer_sockaddr(c, &ss);
	if (relayed && !admit_relayed(s, (struct sockaddr *)&ss, sl)) {
		conn_close_now(s, fd); /* denied: nothing sent, "denied ADDR" under -v */
		return;
	}
	admit_header_drop(s->admit, fd); /* h with it */
	c->state = CONN_OPEN; /* the handshake's deadline stays: it bounds a TLS handshake too */
	if (s->cfg->verbose && relayed) {
		char who[OK_SOCKADDR_STRLEN];
		server_log("%s connected (PROXY v%d from %s)", format_peer(c, who, sizeof who), version,
		           via);
	} else if (s->cfg->verbose) {
		server_log("%s connected (PROXY v%d, no client named)", via, version);
	}
	after_admission(s, fd);
}

/* What the peer sent of its header so far: wait for more, go on, or close. */
static void read_header(struct server *s, int fd)
{
	const struct ok_proxy_header *h = NULL;
	const char *why = NULL;

	switch (admit_header_read(s->admit, fd, &s->stats.bytes_in, &h, &why)) {
	case ADMIT_HEADER_MORE:
		break;
	case ADMIT_HEADER_DONE:
		header_arrived(s, fd, h);
		break;
	case ADMIT_HEADER_BAD:
		drop_header_conn(s, fd, why);
		break;
	case ADMIT_HEADER_EOF:
		drop_header_conn(s, fd, "the input ended before it was whole");
		break;
	default: /* ADMIT_HEADER_ERROR */
		drop_header_conn(s, fd, strerror(errno));
		break;
	}
}

/* Level-triggered: each event goes on with what the connection was doing, whichever event the
 * transport asked for; an error or hang-up shows itself in the read or write that follows, so
 * the event bits are not needed. */
void conn_on_event(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];

	if (c->state == CONN_PROXY)
		read_header(s, fd);
	else if (c->state == CONN_HANDSHAKE)
		continue_handshake(s, fd);
	else if (c->pend != NULL)
		write_pending(s, fd);
	else if (c->state == CONN_OPEN)
		read_and_answer(s, fd);
	else if (c->state == CONN_ENDING)
		half_close_then_linger(s, fd); /* the transport needed I/O to end our side */
	else if (c->state == CONN_LINGER)
		read_linger(s, fd);
}

/* A connection in its handshake counts against --max-clients already; one refused is told so
 * once it can be (over TLS, after the handshake). */
void conn_open(struct server *s, int fd, const struct sockaddr *peer, socklen_t len,
               bool refuse, bool tls)
{
	struct conn *c = &s->conns[fd];

	memset(c, 0, sizeof *c);
	ok_stream_plain(&c->st, fd); /* start_handshake makes it TLS */
	c->prev = c->next = -1;
	keep_peer(c, peer, len);
	ok_framer_init(&c->fr, (uint32_t)s->cfg->max_line);
	c->state = CONN_OPEN;
	s->open_conns++;
	if (!refuse) { /* one refused as full does not count: begin_conversation refuses it */
		c->flags |= CONN_COUNTED;
		s->counted_clients++;
	}
	if (tls)
		c->flags |= CONN_TLS;
	if (admit_expects_header(s->admit, peer, len)) {
		await_header(s, fd);
		return;
	}
	if (s->cfg->verbose) {
		char who[OK_SOCKADDR_STRLEN];
		server_log("%s connected", format_peer(c, who, sizeof who));
	}
	after_admission(s, fd);
}

void conn_deadline_passed(struct server *s, int fd)
{
	if (s->conns[fd].state == CONN_PROXY) {
		char why[64];

		snprintf(why, sizeof why, "not whole within %lld s",
		         (long long)(s->handshake.delay_ms / 1000));
		drop_header_conn(s, fd, why);
		return;
	}
	if (parked(s, &s->conns[fd])) {
		restart_deadline(s, fd); /* the server is not reading: the client is not idle */
		return;
	}
	if (s->conns[fd].state == CONN_HANDSHAKE)
		close_handshake(s, fd, WHY_TLS_LATE);
	else if (s->conns[fd].state == CONN_OPEN)
		end_with_err(s, fd, WHY_IDLE, "idle timeout");
	else
		conn_close_now(s, fd);
}

/* Shutdown: answer what has arrived (as far as back-pressure allows), then say goodbye. */
void conn_end_for_shutdown(struct server *s, int fd)
{
	struct conn *c = &s->conns[fd];

	if (c->state == CONN_PROXY) {
		conn_close_now(s, fd); /* no conversation yet: nothing to answer or to say */
		return;
	}
	if (c->state == CONN_HANDSHAKE) { /* no TLS yet to say goodbye in */
		close_handshake(s, fd, WHY_SHUTDOWN);
		return;
	}
	for (int i = 0; i < OK_SHUTDOWN_READS && c->state == CONN_OPEN && c->pend == NULL;
	     i++)
		if (read_and_answer(s, fd) < (ssize_t)sizeof s->in)
			break;
	if (c->state == CONN_OPEN)
		end_with_err(s, fd, WHY_SHUTDOWN, "server shutting down");
}

const char *conn_name_peer(const struct sockaddr *peer, socklen_t len, char *buf, size_t size)
{
	struct conn c = { .peer_family = 0 };

	keep_peer(&c, peer, len);
	return format_peer(&c, buf, size);
}
