/* session.c - the connection as both modes use it: send, receive, half-close, timer, outcome. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "client.h"

void okc_session_init(struct okc_session *s, int fd, const struct sockaddr_in *peer,
                      const struct okc_options *o)
{
	memset(s, 0, sizeof *s);
	s->fd = fd;
	ok_format_addr(peer, s->peer, sizeof s->peer);
	s->timeout_ms = o->timeout_s > 0 ? o->timeout_s * 1000 : -1;
	s->rep.raw = o->raw;
	s->wait_since = -1;
}

/* The peer went away: what follows is "connection lost", and its last words are still read. */
static int peer_gone(int err)
{
	return err == EPIPE || err == ECONNRESET;
}

int okc_send_pending(struct okc_session *s, struct okc_buf *b)
{
	ssize_t n = send(s->fd, b->data + b->start, okc_buf_used(b), MSG_NOSIGNAL);

	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		s->send_err = errno;
		return -1;
	}
	s->sent += okc_count_lf(b->data + b->start, (size_t)n);
	okc_buf_consume(b, (size_t)n);
	return 0;
}

int okc_recv_replies(struct okc_session *s, struct okc_buf *b)
{
	ssize_t n;

	okc_buf_compact(b);
	n = recv(s->fd, b->data + b->end, okc_buf_tail_room(b), 0);
	if (n > 0) {
		b->end += (size_t)n;
		s->wait_since = ok_now_ms();
		return 0;
	}
	if (n == 0) {
		s->net_eof = 1;
		return 0;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	s->net_eof = 1;
	if (errno == ECONNRESET)
		return 0;
	s->recv_err = errno;
	return -1;
}

int okc_shut_sending(struct okc_session *s)
{
	if (s->wr_shut)
		return 0;
	s->wr_shut = 1;
	if (shutdown(s->fd, SHUT_WR) < 0 && errno != ENOTCONN) {
		s->send_err = errno;
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

int okc_finish_session(struct okc_session *s, int input_done, int timed_out)
{
	unsigned long long got = s->rep.answered, sent = s->sent;

	if (s->rep.err_seen) {
		fprintf(stderr, "okclient: server %s: %s\n", s->peer, s->rep.err);
		return OKC_EXIT_SERVER_ERR;
	}
	if (timed_out) {
		fprintf(stderr, "okclient: no reply from %s in %d s: answered %llu of %llu lines\n",
		        s->peer, s->timeout_ms / 1000, got, sent);
		return OKC_EXIT_TIMEOUT;
	}
	if (s->send_err != 0 && !peer_gone(s->send_err)) {
		fprintf(stderr, "okclient: send to %s: %s\n", s->peer, strerror(s->send_err));
		return OKC_EXIT_SEND;
	}
	if (s->recv_err != 0) {
		fprintf(stderr, "okclient: receive from %s: %s: answered %llu of %llu lines\n",
		        s->peer, strerror(s->recv_err), got, sent);
		return OKC_EXIT_LOST;
	}
	if (input_done && s->net_eof && s->send_err == 0 && got >= sent)
		return OKC_EXIT_OK;
	fprintf(stderr, "okclient: connection to %s lost: answered %llu of %llu lines\n", s->peer,
	        got, sent);
	return OKC_EXIT_LOST;
}
