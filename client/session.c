/* session.c - the connection as both modes use it: send, receive, half-close, the -t timer. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "client.h"
#include "platform.h" /* OK_MSG_NOSIGNAL */

void okc_session_init(struct okc_session *s, int fd, const struct sockaddr *peer,
                      socklen_t peerlen, const struct okc_options *o)
{
	memset(s, 0, sizeof *s);
	s->fd = fd;
	ok_format_sockaddr(peer, peerlen, s->peer, sizeof s->peer);
	s->timeout_ms = o->timeout_s > 0 ? o->timeout_s * 1000 : -1;
	s->rep.raw = o->raw;
	s->wait_since = -1;
}

enum okc_send_result okc_send_pending(struct okc_session *s, struct okc_buf *b)
{
	ssize_t n = send(s->fd, b->data + b->start, okc_buf_used(b), OK_MSG_NOSIGNAL);

	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return OKC_SEND_OK;
		/* The peer went away: what follows is "connection lost", not "send failed". */
		if (errno == EPIPE || errno == ECONNRESET) {
			s->send_cut = 1;
			return OKC_SEND_PEER_GONE;
		}
		s->send_err = errno;
		return OKC_SEND_FAILED;
	}
	s->sent += okc_count_lf(b->data + b->start, (size_t)n);
	okc_buf_consume(b, (size_t)n);
	return OKC_SEND_OK;
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
	if (s->wr_shut || s->net_eof || s->send_err != 0 || s->send_cut)
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
