/* session.c - the connection as both modes use it: send, receive, half-close, the -t timer. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "client.h"

void okc_session_init(struct okc_session *s, const struct ok_stream *st,
                      const struct sockaddr *peer, socklen_t peerlen,
                      const struct okc_options *o)
{
	memset(s, 0, sizeof *s);
	s->st = *st;
	s->send_wait = POLLOUT;
	s->recv_wait = POLLIN;
	ok_format_sockaddr(peer, peerlen, s->peer, sizeof s->peer);
	s->timeout_ms = o->timeout_s > 0 ? o->timeout_s * 1000 : -1;
	s->rep.raw = o->raw;
	s->rep.greeting_due = o->greeting;
	s->wait_since = -1;
}

void okc_session_close(struct okc_session *s)
{
	ok_stream_close(&s->st);
}

/* Whether a transport's answer is a want (transport.h): "call again once ready". */
static int is_want(ssize_t n)
{
	return n == OK_IO_WANT_READ || n == OK_IO_WANT_WRITE;
}

/* The poll event a want waits for. */
static short want_event(ssize_t want)
{
	return want == OK_IO_WANT_WRITE ? POLLOUT : POLLIN;
}

/* Keeps why TLS failed (errno EPROTO from a TLS stream: the server's alert, such as a refused
 * client certificate, or a record that does not decrypt) for the exit status 8; returns err. */
static int note_tls_failure(struct okc_session *s, int err)
{
	if (err == EPROTO && ok_stream_is_tls(&s->st) && s->tls_failure[0] == '\0')
		snprintf(s->tls_failure, sizeof s->tls_failure, "%s", ok_tls_error(&s->st));
	return err;
}

enum okc_send_result okc_send_pending(struct okc_session *s, struct okc_buf *b)
{
	ssize_t n = ok_stream_write(&s->st, b->data + b->start, okc_buf_used(b));

	if (is_want(n)) {
		s->send_wait = want_event(n);
		return OKC_SEND_OK;
	}
	if (n < 0) {
		/* The peer went away: what follows is "connection lost", not "send failed". */
		if (errno == EPIPE || errno == ECONNRESET) {
			s->send_cut = 1;
			return OKC_SEND_PEER_GONE;
		}
		s->send_err = note_tls_failure(s, errno);
		return OKC_SEND_FAILED;
	}
	s->send_wait = POLLOUT;
	s->sent += okc_count_lf(b->data + b->start, (size_t)n);
	okc_buf_consume(b, (size_t)n);
	return OKC_SEND_OK;
}

int okc_recv_replies(struct okc_session *s, struct okc_buf *b)
{
	ssize_t n;

	okc_buf_compact(b);
	n = ok_stream_read(&s->st, b->data + b->end, okc_buf_tail_room(b));
	if (is_want(n)) {
		s->recv_wait = want_event(n);
		return 0;
	}
	s->recv_wait = POLLIN;
	if (n > 0) {
		b->end += (size_t)n;
		s->wait_since = ok_now_ms();
		return 0;
	}
	s->net_eof = 1;
	if (n == OK_IO_EOF || errno == ECONNRESET)
		return 0;
	s->recv_err = note_tls_failure(s, errno);
	return -1;
}

int okc_recv_pending(const struct okc_session *s)
{
	return ok_tls_pending(&s->st) > 0;
}

int okc_shut_sending(struct okc_session *s)
{
	int rc;

	/* The connection is over: a half-close still waiting is given up, or the loops would keep
	 * the sending slot armed on a socket that is always ready (a busy loop). */
	if (s->net_eof || s->send_err != 0 || s->send_cut) {
		s->shut_again = 0;
		return 0;
	}
	if (s->wr_shut && !s->shut_again)
		return 0;
	s->wr_shut = 1;
	rc = ok_stream_shutdown(&s->st);
	s->shut_again = is_want(rc);
	if (s->shut_again) {
		s->send_wait = want_event(rc);
		return 0;
	}
	/* TLS's close_notify is a write: a server already gone is lost, not a failed send. */
	if (rc < 0 && (errno == EPIPE || errno == ECONNRESET)) {
		s->send_cut = 1;
		return 0;
	}
	if (rc < 0 && errno != ENOTCONN) {
		s->send_err = note_tls_failure(s, errno);
		return -1;
	}
	return 0;
}

int okc_arm_timer(struct okc_session *s, int waiting)
{
	int64_t left;

	if (!waiting) {
		s->wait_since = -1;
		return -1;
	}
	if (s->wait_since < 0)
		s->wait_since = ok_now_ms();
	if (s->timeout_ms < 0)
		return -1;
	left = s->wait_since + s->timeout_ms - ok_now_ms();
	return left > 0 ? (int)left : 0;
}

int okc_timer_expired(const struct okc_session *s)
{
	return s->timeout_ms >= 0 && s->wait_since >= 0 && ok_now_ms() - s->wait_since >= s->timeout_ms;
}
