/* pipe.c - the streaming mode: stdin to the server, replies to stdout, both at once, bounded. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
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
	int need_lf;             /* input ended inside a line: one LF still to queue */
	int out_closed;          /* stdout's reader went away */
	int fatal;               /* an exit status decided here, or 0 */
};

/* One read of stdin into tx; only the bytes up to and including a Q line are kept. */
static void read_stdin(struct pipe_state *p)
{
	ssize_t n;

	okc_buf_compact(&p->tx);
	n = read(STDIN_FILENO, p->tx.data + p->tx.end, okc_buf_tail_room(&p->tx));
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		fprintf(stderr, "okclient: read standard input: %s\n", strerror(errno));
		p->fatal = OKC_EXIT_IO;
		return;
	}
	if (n == 0) {
		p->in_open = 0;
		p->need_lf = p->lines.mid_line;
		return;
	}
	p->tx.end += okc_scan_lines(&p->lines, p->tx.data + p->tx.end, (size_t)n);
	if (p->lines.done)
		p->in_open = 0;
}

/* One write of pending output; a reader that left ends us quietly. */
static void write_stdout(struct pipe_state *p)
{
	ssize_t n = write(STDOUT_FILENO, p->out.data + p->out.start, okc_buf_used(&p->out));

	if (n < 0) {
		if (errno == EPIPE)
			p->out_closed = 1;
		else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
			fprintf(stderr, "okclient: write standard output: %s\n", strerror(errno));
			p->fatal = OKC_EXIT_IO;
		}
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

/* After the peer went away mid-send, nothing more can be sent; its last words are still read. */
static void drop_input(struct pipe_state *p)
{
	p->in_open = 0;
	p->need_lf = 0;
	p->tx.start = p->tx.end = 0;
}

/* Arms each slot for what it can do now: back-pressure is a slot left out. */
static void set_events(struct pipe_state *p, struct pollfd *pfd)
{
	struct okc_session *s = p->s;

	okc_buf_compact(&p->tx);
	pfd[POLL_STDIN].fd = p->in_open && okc_buf_tail_room(&p->tx) > 0 ? STDIN_FILENO : -1;
	pfd[POLL_STDIN].events = POLLIN;
	pfd[POLL_NETOUT].fd = okc_buf_used(&p->tx) > 0 ? s->fd : -1;
	pfd[POLL_NETOUT].events = POLLOUT;
	pfd[POLL_NETIN].fd = !s->net_eof && okc_buf_unused(&p->rx) > 0 ? s->fd : -1;
	pfd[POLL_NETIN].events = POLLIN;
	/* Watched even with nothing to write, so a reader that leaves is noticed at once. */
	pfd[POLL_STDOUT].fd = STDOUT_FILENO;
	pfd[POLL_STDOUT].events = okc_buf_used(&p->out) > 0 ? POLLOUT : 0;
}

/* Does what poll said is ready. */
static void handle_events(struct pipe_state *p, const struct pollfd *pfd)
{
	const short gone = POLLHUP | POLLERR | POLLNVAL;

	if (pfd[POLL_STDIN].revents & (POLLIN | gone))
		read_stdin(p);
	if (pfd[POLL_NETOUT].revents & (POLLOUT | gone) && okc_send_pending(p->s, &p->tx) < 0) {
		if (p->s->send_err == EPIPE || p->s->send_err == ECONNRESET)
			drop_input(p);
		else
			p->fatal = -1;
	}
	if (pfd[POLL_NETIN].revents & (POLLIN | gone) && okc_recv_replies(p->s, &p->rx) < 0)
		p->fatal = -1;
	if (pfd[POLL_STDOUT].revents & POLLOUT)
		write_stdout(p);
	else if (pfd[POLL_STDOUT].revents & gone)
		p->out_closed = 1;
}

/* The loop; returns -1 when the session decides the status, else the status itself. */
static int stream(struct pipe_state *p)
{
	struct okc_session *s = p->s;
	struct pollfd pfd[POLL_COUNT];

	for (;;) {
		int timeout, waiting;

		move_bytes(p);
		if (input_sent(p) && !s->net_eof && !s->send_err && okc_shut_sending(s) < 0)
			return -1;
		/* Our reader left: nothing we print can matter any more. */
		if (p->out_closed)
			return OKC_EXIT_OK;
		if (p->fatal)
			return p->fatal;
		/* The server closed and all it said is out: done. */
		if (s->net_eof && okc_buf_used(&p->rx) == 0 && okc_buf_used(&p->out) == 0)
			return -1;
		if (s->net_eof)
			p->in_open = 0; /* nobody left to send to */
		/* A reply is awaited (not held up by our own stdout): the -t clock runs. */
		waiting = !s->net_eof && okc_buf_used(&p->out) == 0 &&
		          (s->sent > s->rep.answered || s->wr_shut || okc_buf_used(&p->tx) > 0);
		timeout = okc_arm_timer(s, waiting);
		if (okc_timer_expired(s))
			return -2;
		set_events(p, pfd);
		if (poll(pfd, POLL_COUNT, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "okclient: poll: %s\n", strerror(errno));
			return OKC_EXIT_IO;
		}
		handle_events(p, pfd);
	}
}

int okc_run_pipe(struct okc_session *s, const struct okc_options *o)
{
	struct pipe_state p;
	int rc = OKC_EXIT_IO;

	(void)o;
	memset(&p, 0, sizeof p);
	p.s = s;
	p.in_open = 1;
	if (okc_buf_init(&p.tx, OKC_BUF_SIZE) == 0 && okc_buf_init(&p.rx, OKC_BUF_SIZE) == 0 &&
	    okc_buf_init(&p.out, OKC_BUF_SIZE) == 0) {
		rc = stream(&p);
		if (rc < 0)
			rc = okc_finish_session(s, input_sent(&p), rc == -2);
	} else {
		fprintf(stderr, "okclient: out of memory\n");
	}
	okc_buf_free(&p.tx);
	okc_buf_free(&p.rx);
	okc_buf_free(&p.out);
	return rc;
}
