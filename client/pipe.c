/* pipe.c - the streaming mode: stdin to the server, replies to stdout, both at once, bounded. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

/* The poll slots, after OpenBSD nc. An fd of -1 means the stream is finished or paused. */
enum { POLL_STDIN, POLL_NETOUT, POLL_NETIN, POLL_STDOUT, POLL_COUNT };

struct pipe_state {
	struct okc_session *s;
	struct okc_buf tx;       /* stdin bytes waiting for the socket */
	struct okc_buf rx;       /* socket bytes waiting to be turned into output */
	struct okc_buf out;      /* output waiting for stdout */
	struct okc_lines lines;
	int in_open;             /* stdin may still give bytes */
	int in_ended;            /* stdin ended, or a Q line was read: the input is all there */
	int need_lf;             /* input ended inside a line: one LF still to queue */
	int out_closed;          /* stdout's reader went away */
	struct okc_end failure;  /* the first failure a handler met; .how OKC_GOING while none */
};

/* Keeps the first failure: the one that ends the conversation. */
static void fail_with(struct pipe_state *p, enum okc_ending how, const char *what, int err)
{
	if (p->failure.how == OKC_GOING)
		p->failure = (struct okc_end){ .how = how, .what = what, .err = err };
}

/* One read of stdin into tx; only the bytes up to and including a Q line are kept. */
static void read_stdin(struct pipe_state *p)
{
	ssize_t n;

	okc_buf_compact(&p->tx);
	n = read(STDIN_FILENO, p->tx.data + p->tx.end, okc_buf_tail_room(&p->tx));
	if (n < 0) {
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			fail_with(p, OKC_ENDED_LOCAL_FAILED, "read standard input", errno);
		return;
	}
	if (n == 0) {
		p->in_open = 0;
		p->in_ended = 1;
		p->need_lf = p->lines.mid_line;
		return;
	}
	p->tx.end += okc_scan_lines(&p->lines, p->tx.data + p->tx.end, (size_t)n);
	if (p->lines.done) {
		p->in_open = 0;
		p->in_ended = 1;
	}
}

/* One write of pending output; a reader that left ends us quietly. */
static void write_stdout(struct pipe_state *p)
{
	ssize_t n = write(STDOUT_FILENO, p->out.data + p->out.start, okc_buf_used(&p->out));

	if (n < 0) {
		if (errno == EPIPE)
			p->out_closed = 1;
		else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			fail_with(p, OKC_ENDED_LOCAL_FAILED, "write standard output", errno);
		return;
	}
	okc_buf_consume(&p->out, (size_t)n);
}

/* Moves replies from rx to out as far as out has room; queues a missing final LF. */
static void move_bytes(struct pipe_state *p)
{
	struct okc_session *s = p->s;

	if (okc_buf_used(&p->rx) > 0) {
		okc_buf_compact(&p->out);
		okc_buf_consume(&p->rx, okc_feed_replies(&s->rep, p->rx.data + p->rx.start,
		                                         okc_buf_used(&p->rx), s->net_eof, &p->out));
	}
	if (p->need_lf) {
		okc_buf_compact(&p->tx);
		if (okc_buf_tail_room(&p->tx) > 0) {
			p->tx.data[p->tx.end++] = '\n';
			p->need_lf = 0;
		}
	}
}

/* Every input byte is in the socket (or can never be). */
static int input_sent(const struct pipe_state *p)
{
	return !p->in_open && !p->need_lf && okc_buf_used(&p->tx) == 0;
}

/* One send of queued input, if any (the slot may be armed for the half-close alone). A server
 * that went away takes no more, but its last words are still read. */
static void send_input(struct pipe_state *p)
{
	if (okc_buf_used(&p->tx) == 0)
		return;
	switch (okc_send_pending(p->s, &p->tx)) {
	case OKC_SEND_OK:
		break;
	case OKC_SEND_PEER_GONE:
		p->in_open = 0;
		p->need_lf = 0;
		okc_buf_consume(&p->tx, okc_buf_used(&p->tx));
		break;
	case OKC_SEND_FAILED:
		fail_with(p, OKC_ENDED_NET_FAILED, NULL, 0);
		break;
	}
}

/* Arms each slot for what it can do now: back-pressure is a slot left out. The socket's slots
 * wait for the events the transport asked for. */
static void set_events(struct pipe_state *p, struct pollfd *pfd)
{
	struct okc_session *s = p->s;

	okc_buf_compact(&p->tx);
	pfd[POLL_STDIN].fd = p->in_open && okc_buf_tail_room(&p->tx) > 0 ? STDIN_FILENO : -1;
	pfd[POLL_STDIN].events = POLLIN;
	pfd[POLL_NETOUT].fd = okc_buf_used(&p->tx) > 0 || s->shut_again ? s->st.fd : -1;
	pfd[POLL_NETOUT].events = s->send_wait;
	pfd[POLL_NETIN].fd = !s->net_eof && okc_buf_unused(&p->rx) > 0 ? s->st.fd : -1;
	pfd[POLL_NETIN].events = s->recv_wait;
	/* Watched even with nothing to write, so a reader that leaves is noticed at once. */
	pfd[POLL_STDOUT].fd = STDOUT_FILENO;
	pfd[POLL_STDOUT].events = okc_buf_used(&p->out) > 0 ? POLLOUT : 0;
}

/* Does what poll said is ready. A socket slot's revents is what it waited for, or trouble:
 * either way its call comes next and tells which. */
static void handle_events(struct pipe_state *p, const struct pollfd *pfd)
{
	const short gone = POLLHUP | POLLERR | POLLNVAL;

	if (pfd[POLL_STDIN].revents & (POLLIN | gone))
		read_stdin(p);
	if (pfd[POLL_NETOUT].revents != 0)
		send_input(p);
	if (pfd[POLL_NETIN].revents != 0 && okc_recv_replies(p->s, &p->rx) < 0)
		fail_with(p, OKC_ENDED_NET_FAILED, NULL, 0);
	if (pfd[POLL_STDOUT].revents & POLLOUT)
		write_stdout(p);
	else if (pfd[POLL_STDOUT].revents & gone)
		p->out_closed = 1;
}

/* Whether the conversation is over, one rule a line, in this order; OKC_GOING if not. */
static struct okc_end check_ending(struct pipe_state *p)
{
	struct okc_session *s = p->s;

	/* Every input byte is in the socket: half-close, so the server answers the rest. */
	if (input_sent(p) && okc_shut_sending(s) < 0)
		return okc_ended(OKC_ENDED_NET_FAILED);
	/* Our reader left: nothing we print can matter any more. */
	if (p->out_closed)
		return okc_ended(OKC_ENDED_STDOUT_GONE);
	if (p->failure.how != OKC_GOING)
		return p->failure;
	/* The server closed and all it said is out. */
	if (s->net_eof && okc_buf_used(&p->rx) == 0 && okc_buf_used(&p->out) == 0)
		return okc_ended(OKC_ENDED_SERVER_CLOSED);
	return okc_ended(OKC_GOING);
}

/* -t ran out, or the connection failed: nothing more is read, so what came is shown as if the
 * stream had ended there (a line left unfinished ends with its LF, as a cut one does), in one
 * last write. */
static void show_the_rest(struct pipe_state *p)
{
	struct okc_session *s = p->s;

	okc_buf_compact(&p->out);
	okc_buf_consume(&p->rx, okc_feed_replies(&s->rep, p->rx.data + p->rx.start,
	                                         okc_buf_used(&p->rx), 1, &p->out));
	okc_end_replies(&s->rep, &p->out);
	if (okc_buf_used(&p->out) > 0)
		write_stdout(p);
}

/* The loop, until check_ending, the -t clock or a failing poll ends it. */
static struct okc_end stream(struct pipe_state *p)
{
	struct okc_session *s = p->s;
	struct pollfd pfd[POLL_COUNT];

	for (;;) {
		struct okc_end end;
		int timeout, waiting, pending;

		move_bytes(p);
		if ((end = check_ending(p)).how != OKC_GOING)
			return end;
		if (s->net_eof)
			p->in_open = 0; /* nobody left to send to */
		/* A reply is awaited (not held up by our own stdout): the -t clock runs. */
		waiting = !s->net_eof && okc_buf_used(&p->out) == 0 &&
		          (s->sent > s->rep.answered || s->wr_shut || okc_buf_used(&p->tx) > 0);
		timeout = okc_arm_timer(s, waiting);
		if (okc_timer_expired(s))
			return okc_ended(OKC_ENDED_TIMED_OUT);
		set_events(p, pfd);
		/* Bytes TLS has decrypted already make no descriptor readable: take them at once. */
		pending = pfd[POLL_NETIN].fd >= 0 && okc_recv_pending(s);
		if (poll(pfd, POLL_COUNT, pending ? 0 : timeout) < 0) {
			if (errno == EINTR)
				continue;
			return (struct okc_end){ .how = OKC_ENDED_LOCAL_FAILED, .what = "poll",
			                         .err = errno };
		}
		if (pending)
			pfd[POLL_NETIN].revents |= POLLIN;
		handle_events(p, pfd);
	}
}

/*
 * Whether the input had ended by the time the conversation did: stdin's end seen, or (when the
 * server's close came first and stopped the reading) already waiting there, so an end of input
 * that raced the close is not taken for input cut short. Nothing of a line may be left unsent.
 */
static int input_ended(const struct pipe_state *p)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char byte;

	if (p->in_ended || !input_sent(p) || p->lines.mid_line || p->failure.how != OKC_GOING)
		return p->in_ended && input_sent(p);
	return poll(&pfd, 1, 0) == 1 && read(STDIN_FILENO, &byte, 1) == 0;
}

struct okc_end okc_run_pipe(struct okc_session *s, const struct okc_options *o)
{
	struct pipe_state p;
	struct okc_end end = { .how = OKC_ENDED_LOCAL_FAILED, .what = "out of memory" };

	(void)o;
	memset(&p, 0, sizeof p);
	p.s = s;
	p.in_open = 1;
	if (okc_buf_init(&p.tx, OKC_BUF_SIZE) == 0 && okc_buf_init(&p.rx, OKC_BUF_SIZE) == 0 &&
	    okc_buf_init(&p.out, OKC_BUF_SIZE) == 0) {
		end = stream(&p);
		if (end.how == OKC_ENDED_TIMED_OUT || end.how == OKC_ENDED_NET_FAILED)
			show_the_rest(&p);
		end.input_done = input_ended(&p);
	}
	okc_buf_free(&p.tx);
	okc_buf_free(&p.rx);
	okc_buf_free(&p.out);
	return end;
}
