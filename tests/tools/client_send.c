/* client_send.c - a raw client: sends standard input as it is, copying every reply to stdout. */
#define _GNU_SOURCE /* MSG_NOSIGNAL */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_common.h"
#include "util.h"

/*
 * Usage: client_send [-s] [-t SECS] PORT|[::1]:PORT|unix:PATH <INPUT >REPLIES
 * Sends every byte of INPUT to 127.0.0.1:PORT (or ::1, or a Unix socket) exactly as given (no
 * line handling), reading at the same time and blocking on neither: nc and socat block in a
 * write while a server that waits for them to read does not read, a deadlock no server can
 * help. With -s it half-closes once INPUT is all sent. Each reply is on stdout as soon as it
 * arrives, so a test can watch them come. It reads until the server closes its sending side,
 * and sends until everything is sent: a server that answers ERR and half-closes may still read
 * the rest (okserver lingers).
 * Exit: 0 everything sent and EOF read, 3 the server stopped taking bytes first (a send failed
 * with EPIPE or ECONNRESET), 1 an error (named on stderr), 2 timed out (-t SECS, default 10),
 * 64 usage.
 */

static int usage(void)
{
	fputs("usage: client_send [-s] [-t SECS] PORT|[::1]:PORT|unix:PATH < input\n", stderr);
	return 64;
}

/* Where talk() stands: each direction ends on its own, the exchange when both have. */
struct talk_state {
	char buf[65536]; /* input read but not sent yet: buf[off, len) */
	size_t len, off;
	bool sending; /* input left to send and the server still takes it */
	bool reading; /* no EOF yet */
	bool refused; /* a send failed with EPIPE/ECONNRESET: the server stopped reading */
};

/* Refills t->buf from stdin once it is all sent. 1 bytes to send, 0 the input is over, -1 error. */
static int fill(struct talk_state *t)
{
	ssize_t n;

	if (t->off < t->len)
		return 1;
	do
		n = read(STDIN_FILENO, t->buf, sizeof t->buf);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		fprintf(stderr, "client_send: reading standard input: %s\n", strerror(errno));
		return -1;
	}
	t->len = (size_t)n;
	t->off = 0;
	return n > 0;
}

/* One send. 1 sent or try again, 0 the server has stopped reading (EPIPE, ECONNRESET), -1 error. */
static int send_some(int fd, struct talk_state *t)
{
	ssize_t w = send(fd, t->buf + t->off, t->len - t->off, MSG_NOSIGNAL);

	if (w >= 0) {
		t->off += (size_t)w;
		return 1;
	}
	if (errno == EAGAIN || errno == EINTR)
		return 1;
	if (errno == EPIPE || errno == ECONNRESET)
		return 0;
	fprintf(stderr, "client_send: send: %s\n", strerror(errno));
	return -1;
}

/* One read to stdout, flushed. 1 more to come, 0 EOF, -1 recv failed (errno set). */
static int receive_some(int fd)
{
	char buf[65536];
	ssize_t r = recv(fd, buf, sizeof buf, 0);

	if (r > 0) {
		if (fwrite(buf, 1, (size_t)r, stdout) != (size_t)r || fflush(stdout) != 0)
			die("client_send: writing standard output: %s", strerror(errno));
		return 1;
	}
	if (r == 0)
		return 0;
	return errno == EAGAIN || errno == EINTR ? 1 : -1;
}

/* One poll's worth of work in each direction: -1 on an error, else 0. */
static int step(int fd, short revents, struct talk_state *t)
{
	int r;

	/* An error or hang-up is reported whatever we asked for: the send or recv names it. */
	if (t->sending && (revents & (POLLOUT | POLLERR | POLLHUP))) {
		r = send_some(fd, t);
		if (r < 0)
			return -1;
		t->refused = r == 0;
		t->sending = r > 0;
	}
	if (t->reading && (revents & (POLLIN | POLLERR | POLLHUP))) {
		r = receive_some(fd);
		if (r < 0 && errno == ECONNRESET && t->sending) {
			r = 0; /* reset while bytes were left: the server stopped reading them */
			t->sending = false;
			t->refused = true;
		} else if (r < 0) {
			fprintf(stderr, "client_send: recv: %s\n", strerror(errno));
			return -1;
		}
		t->reading = r > 0;
	}
	return 0;
}

/* The exchange: the exit status of the usage comment. */
static int talk(int fd, struct talk_state *t, bool half_close, int seconds)
{
	int64_t deadline = ok_now_ms() + seconds * 1000LL;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = 0 };
		int64_t left = deadline - ok_now_ms();
		int more = t->sending ? fill(t) : 1, n;

		if (more < 0)
			return 1;
		if (more == 0) {
			t->sending = false;
			if (half_close)
				(void)shutdown(fd, SHUT_WR); /* a server gone: the read says so */
		}
		/* The server's EOF alone ends nothing: after ERR it half-closes and may read on. */
		if (!t->sending && !t->reading)
			return t->refused ? 3 : 0;
		p.events = (short)((t->reading ? POLLIN : 0) | (t->sending ? POLLOUT : 0));
		n = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (n == 0) {
			fprintf(stderr, "client_send: timed out after %d s\n", seconds);
			return 2;
		}
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "client_send: poll: %s\n", strerror(errno));
			return 1;
		}
		if (n > 0 && step(fd, p.revents, t) < 0)
			return 1;
	}
}

int main(int argc, char **argv)
{
	static struct talk_state t = { .sending = true, .reading = true };
	unsigned long secs = 10;
	bool half_close = false;
	const char *why;
	int opt, fd, status;

	while ((opt = getopt(argc, argv, "st:")) != -1) {
		if (opt == 's')
			half_close = true;
		else if (opt != 't' || ok_parse_number(optarg, 1, 3600, &secs, &why) < 0)
			return usage();
	}
	if (optind != argc - 1)
		return usage();
	fd = connect_loopback(argv[optind]);
	status = talk(fd, &t, half_close, (int)secs);
	close(fd);
	return fflush(stdout) == 0 ? status : 1;
}
