/* hostile_send.c - sends standard input raw to a server while reading its replies to stdout. */
#define _GNU_SOURCE /* MSG_NOSIGNAL */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "srv_common.h"
#include "util.h"

/*
 * Usage: hostile_send [-s] [-t SECS] PORT|[::1]:PORT|unix:PATH < bytes > replies
 * Sends every byte of standard input to 127.0.0.1:PORT (or ::1, or a Unix socket) exactly as
 * given (no line handling),
 * reading at the same time so a server's back-pressure cannot deadlock it; with -s it then
 * half-closes. It reads until the server closes its sending side, and sends until everything
 * is sent: a server that answers ERR and half-closes may still read the rest (okserver lingers).
 * Exit: 0 everything sent and EOF read, 3 the server stopped taking bytes first (a send failed
 * with EPIPE or ECONNRESET), 1 an error (named on stderr), 2 timed out (default 10 s), 64 usage.
 */
#define INPUT_MAX (16u << 20)

static int usage(void)
{
	fputs("usage: hostile_send [-s] [-t SECS] PORT|[::1]:PORT|unix:PATH < input\n", stderr);
	return 64;
}

/* All of standard input (at most INPUT_MAX), or NULL with errno set. */
static char *read_input(size_t *len)
{
	char *buf = malloc(INPUT_MAX);
	size_t n = 0, r;

	if (buf == NULL)
		return NULL;
	while ((r = fread(buf + n, 1, INPUT_MAX - n, stdin)) > 0)
		n += r;
	if (ferror(stdin)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* One send. 1 sent or try again, 0 the server has stopped reading (EPIPE, ECONNRESET), -1 error. */
static int send_some(int fd, const char *buf, size_t len, size_t *off)
{
	ssize_t w = send(fd, buf + *off, len - *off, MSG_NOSIGNAL);

	if (w >= 0) {
		*off += (size_t)w;
		return 1;
	}
	if (errno == EAGAIN || errno == EINTR)
		return 1;
	if (errno == EPIPE || errno == ECONNRESET)
		return 0;
	fprintf(stderr, "hostile_send: send: %s\n", strerror(errno));
	return -1;
}

/* One read to stdout. 1 more to come, 0 EOF, -1 recv failed (errno set). */
static int receive_some(int fd)
{
	char buf[65536];
	ssize_t r = recv(fd, buf, sizeof buf, 0);

	if (r > 0) {
		if (fwrite(buf, 1, (size_t)r, stdout) != (size_t)r)
			die("hostile_send: writing standard output: %s", strerror(errno));
		return 1;
	}
	if (r == 0)
		return 0;
	return errno == EAGAIN || errno == EINTR ? 1 : -1;
}

/* Where talk() stands: each direction ends on its own, the exchange when both have. */
struct talk_state {
	size_t off;   /* bytes sent so far */
	bool sending; /* bytes left to send and the server still takes them */
	bool reading; /* no EOF yet */
	bool refused; /* a send failed with EPIPE/ECONNRESET: the server stopped reading */
};

/* One poll's worth of work in each direction: -1 on an error, else 0. */
static int step(int fd, short revents, const char *buf, size_t len, struct talk_state *t)
{
	int r;

	/* An error or hang-up is reported whatever we asked for: the send or recv names it. */
	if (t->sending && (revents & (POLLOUT | POLLERR | POLLHUP))) {
		r = send_some(fd, buf, len, &t->off);
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
			fprintf(stderr, "hostile_send: recv: %s\n", strerror(errno));
			return -1;
		}
		t->reading = r > 0;
	}
	return 0;
}

static int talk(int fd, const char *buf, size_t len, bool half_close, int seconds)
{
	int64_t deadline = ok_now_ms() + seconds * 1000LL;
	struct talk_state t = { .off = 0, .sending = true, .reading = true, .refused = false };

	for (;;) {
		struct pollfd p = { .fd = fd, .events = 0 };
		int64_t left = deadline - ok_now_ms();

		if (t.sending && t.off == len) {
			t.sending = false;
			if (half_close)
				(void)shutdown(fd, SHUT_WR); /* if the server has gone, the read says so */
		}
		/* The server's EOF alone ends nothing: after ERR it half-closes and may read on. */
		if (!t.sending && !t.reading)
			return t.refused ? 3 : 0;
		p.events = (short)((t.reading ? POLLIN : 0) | (t.sending ? POLLOUT : 0));
		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			fprintf(stderr, "hostile_send: timed out after %d s\n", seconds);
			return 2;
		}
		if (step(fd, p.revents, buf, len, &t) < 0)
			return 1;
	}
}

int main(int argc, char **argv)
{
	unsigned long secs = 10;
	bool half_close = false;
	const char *why;
	size_t len;
	char *buf;
	int opt, fd, status;

	while ((opt = getopt(argc, argv, "st:")) != -1) {
		if (opt == 's')
			half_close = true;
		else if (opt != 't' || ok_parse_number(optarg, 1, 3600, &secs, &why) < 0)
			return usage();
	}
	if (optind != argc - 1)
		return usage();
	buf = read_input(&len);
	if (buf == NULL) {
		fprintf(stderr, "hostile_send: reading standard input: %s\n", strerror(errno));
		return 1;
	}
	fd = connect_loopback(argv[optind]);
	status = talk(fd, buf, len, half_close, (int)secs);
	close(fd);
	free(buf);
	return fflush(stdout) == 0 ? status : 1;
}
