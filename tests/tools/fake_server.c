/* fake_server.c - a scripted stand-in server for okclient's tests (failure paths, timing). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netaddr.h"
#include "sock.h"

/*
 * usage: fake_server [-p 0] [MODE [ARG]]
 *   ok        answer OK (CR LF mirrored) per line, echo a Q line and close; many clients in turn;
 *             SIGTERM sends "ERR server shutting down" to the client and exits (default mode)
 *   answer N [TEXT]  read everything until the client half-closes, answer only N lines,
 *             then send TEXT as a line if given, close
 *   cut N TEXT  as answer, but TEXT is sent without its LF: a server dying mid-reply
 *   err TEXT  send TEXT as a line at once, then read until the client closes
 *   silent    read and never answer, never close (until SIGTERM)
 *   delay MS  as ok, but each batch of replies is sent MS milliseconds late
 *   record F  as ok, but after the Q echo keep reading until the client closes, and append
 *             every byte received to file F (what the client really sent)
 */

static volatile sig_atomic_t stopping;
static FILE *recording;
static unsigned long delay_ms;

/* A mode's numeric argument; a test script's mistake ends the server at once. */
static unsigned long number(const char *arg)
{
	unsigned long v;
	const char *why;

	if (ok_parse_number(arg, 0, 3600000, &v, &why) < 0) {
		fprintf(stderr, "fake_server: %s: %s\n", why, arg);
		exit(2);
	}
	return v;
}

static void record(const char *p, ssize_t n)
{
	if (recording != NULL && n > 0) {
		fwrite(p, 1, (size_t)n, recording);
		fflush(recording);
	}
}

/*
 * Waits until fd is readable; 0, or -1 once stopping. A SIGTERM that lands just before a
 * blocking call would not interrupt it: short slices make the stop take at most 100 ms.
 */
static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (!stopping) {
		if (poll(&p, 1, 100) > 0)
			return 0;
	}
	return -1;
}

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void put(int fd, const char *p, size_t n)
{
	if (delay_ms > 0 && n > 0) {
		struct timespec ts = { (time_t)(delay_ms / 1000), (long)(delay_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Reads until the client closes; returns the number of LFs seen (-1 when stopping). */
static long drain(int fd)
{
	char buf[65536];
	long lines = 0;
	ssize_t n;

	while (wait_readable(fd) == 0 && (n = recv(fd, buf, sizeof buf, 0)) != 0) {
		if (n < 0 && errno == EINTR && stopping)
			return -1;
		if (n < 0 && errno != EINTR)
			break;
		record(buf, n);
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	}
	return stopping ? -1 : lines;
}

/* Where the current line stands: at its start, a Q line, just after a CR. */
struct line_state {
	int start, q, cr;
};

/*
 * The replies to buf[0..n) into out (at least 3 * n bytes): OK for each line, mirroring CRLF, or
 * a Q line's echo. Returns their length; sets *quit when a Q line ended (the rest is ignored).
 */
static size_t answer_bytes(struct line_state *l, const char *buf, ssize_t n, char *out, int *quit)
{
	size_t o = 0;

	for (ssize_t i = 0; i < n; i++) {
		char c = buf[i];
		if (l->start)
			l->q = c == 'Q';
		l->start = 0;
		if (c == '\n') {
			if (!l->q) {
				out[o++] = 'O';
				out[o++] = 'K';
			}
			if (l->cr)
				out[o++] = '\r';
			out[o++] = '\n';
			l->start = 1;
			if (l->q) {
				*quit = 1;
				return o;
			}
		} else if (l->q) {
			if (l->cr)
				out[o++] = '\r';
			if (c != '\r')
				out[o++] = c;
		}
		l->cr = c == '\r';
	}
	return o;
}

/* One client in ok mode; returns when it is done or the server is stopping. */
static void serve_ok(int fd)
{
	char buf[4096], out[4096 * 3 + 64];
	struct line_state l = { 1, 0, 0 };
	int quit = 0;
	ssize_t n;

	while (wait_readable(fd) == 0 && (n = recv(fd, buf, sizeof buf, 0)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		record(buf, n);
		put(fd, out, answer_bytes(&l, buf, n, out, &quit));
		if (quit)
			return;
	}
	if (stopping)
		put(fd, "ERR server shutting down\n", 25);
	else if (!l.start)
		put(fd, l.q ? "\n" : "OK\n", l.q ? 1 : 3);
}

static void serve(int fd, const char *mode, const char *arg, const char *text)
{
	if (strcmp(mode, "answer") == 0 || strcmp(mode, "cut") == 0) {
		long n = drain(fd);
		unsigned long want = number(arg);
		for (long i = 0; (unsigned long)i < want && i < n; i++)
			put(fd, "OK\n", 3);
		if (text != NULL) {
			put(fd, text, strlen(text));
			if (strcmp(mode, "answer") == 0)
				put(fd, "\n", 1);
		}
	} else if (strcmp(mode, "err") == 0) {
		put(fd, arg, strlen(arg));
		put(fd, "\n", 1);
		shutdown(fd, SHUT_WR);
		drain(fd);
	} else if (strcmp(mode, "silent") == 0) {
		drain(fd);
		(void)wait_readable(-1); /* a negative fd is never ready: returns only at the stop */
	} else if (strcmp(mode, "record") == 0) {
		recording = fopen(arg, "a");
		serve_ok(fd);
		shutdown(fd, SHUT_WR);
		drain(fd);
		if (recording != NULL)
			fclose(recording);
		recording = NULL;
	} else {
		if (strcmp(mode, "delay") == 0)
			delay_ms = number(arg);
		serve_ok(fd);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };
	struct sockaddr_in addr;
	struct ok_sock_error e;
	char where[OK_ADDRSTRLEN];
	int lfd, argi = 1;

	if (argc > 2 && strcmp(argv[1], "-p") == 0)
		argi = 3;
	const char *mode = argc > argi ? argv[argi] : "ok";
	const char *arg = argc > argi + 1 ? argv[argi + 1] : "0";
	const char *text = argc > argi + 2 ? argv[argi + 2] : NULL;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	ok_sockaddr_in(&addr, "127.0.0.1", 0);
	lfd = ok_listen_tcp(&addr, 16, &e);
	if (lfd < 0 || ok_set_nonblock(lfd, 0) < 0 || ok_local_addr(lfd, &addr) < 0) {
		fprintf(stderr, "fake_server: %s\n", e.msg);
		return 1;
	}
	printf("listening on %s\n", ok_format_addr(&addr, where, sizeof where));
	fflush(stdout);
	while (!stopping) {
		int fd = wait_readable(lfd) == 0 ? accept(lfd, NULL, NULL) : -1;
		if (fd < 0)
			continue;
		serve(fd, mode, arg, text);
		close(fd);
	}
	close(lfd);
	return 0;
}
