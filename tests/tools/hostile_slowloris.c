/* hostile_slowloris.c - many connections trickling a byte a second, and one normal client timed. */
#define _GNU_SOURCE /* MSG_NOSIGNAL */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
 * Usage: hostile_slowloris PORT CONNS SECONDS TRIPS [IDLE_WAIT]
 * Opens CONNS connections to 127.0.0.1:PORT (or [::1]:PORT, or unix:PATH), each sending one byte ('x', never a whole line)
 * per second, spread evenly over the second, for SECONDS. Meanwhile one more connection makes
 * TRIPS round trips ("ping\n" -> "OK\n"), evenly spaced, each timed alone. Prints:
 *   trickled: CONNS connections, B bytes, K closed early
 *   rtt: n=TRIPS p50_us=.. p99_us=.. max_us=..
 * With IDLE_WAIT (seconds), it then goes silent and waits that long at most for every
 * trickling connection to receive exactly "ERR idle timeout\n" and then EOF:
 *   idle: N of CONNS closed with ERR idle timeout
 * Exit 0 when it could measure all of that (the numbers are for the test to judge), 1 on error.
 */
struct loris {
	int fd;
	long long next_ms;     /* when its next byte is due */
	char got[32];          /* what the server said, if anything */
	size_t got_len;
	bool eof, reset;
};

/* Fails the run after a system call failed. */
static _Noreturn void die_errno(const char *what)
{
	fprintf(stderr, "hostile_slowloris: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Whatever the server sent a trickler, kept (bounded) for the idle check; EOF noted. */
static void drain(struct loris *l)
{
	char buf[256];

	while (!l->eof) {
		ssize_t r = recv(l->fd, buf, sizeof buf, 0);
		if (r > 0) {
			for (ssize_t i = 0; i < r && l->got_len < sizeof l->got - 1; i++)
				l->got[l->got_len++] = buf[i];
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || errno != EAGAIN) {
			l->eof = true;
			l->reset = r < 0;
		}
		return;
	}
}

/* Sends the bytes due by now (and before end); a trickler the server spoke to closed early. */
static void trickle(struct loris *l, int n, long long now_ms, long long end, unsigned long *bytes)
{
	for (int i = 0; i < n; i++) {
		if (l[i].next_ms > now_ms || l[i].next_ms >= end || l[i].eof)
			continue;
		if (send(l[i].fd, "x", 1, MSG_NOSIGNAL) == 1)
			(*bytes)++;
		l[i].next_ms += 1000;
		drain(&l[i]);
	}
}

static int closed_early(struct loris *l, int n)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		drain(&l[i]);
		k += l[i].eof || l[i].got_len > 0;
	}
	return k;
}

/* One timed round trip on a blocking socket: send "ping\n", read until "OK\n". */
static long long round_trip(int fd)
{
	char buf[8];
	size_t got = 0;
	int64_t t0 = ok_now_us();

	if (send(fd, "ping\n", 5, MSG_NOSIGNAL) != 5)
		die_errno("send ping");
	while (got < 3) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;
		int ready = poll(&p, 1, 5000);
		if (ready == 0)
			die("hostile_slowloris: no OK within 5 s");
		if (ready < 0 && errno != EINTR)
			die_errno("poll");
		r = recv(fd, buf + got, sizeof buf - got, 0);
		if (r == 0)
			die("hostile_slowloris: the server closed before OK");
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			die_errno("recv OK");
		got += r > 0 ? (size_t)r : 0;
	}
	if (got != 3 || memcmp(buf, "OK\n", 3) != 0)
		die("hostile_slowloris: the reply is not OK");
	return ok_now_us() - t0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Round trips evenly spread over the trickle's time; bytes trickle in between. */
static void measure(struct loris *l, int n, int fd, int seconds, long long *rtt, int trips)
{
	long long start = ok_now_ms(), end = start + seconds * 1000LL;
	long long every = seconds * 1000LL / trips;
	unsigned long bytes = 0;

	for (int i = 0; i < n; i++)
		l[i].next_ms = start + (long long)i * 1000 / n;
	for (int t = 0; t <= trips; t++) {
		long long due = t < trips ? start + t * every : end;
		long long now;
		while ((now = ok_now_ms()) < due) {
			trickle(l, n, now, end, &bytes);
			poll(NULL, 0, 1);
		}
		trickle(l, n, now, end, &bytes);
		if (t < trips)
			rtt[t] = round_trip(fd);
	}
	printf("trickled: %d connections, %lu bytes, %d closed early\n", n, bytes, closed_early(l, n));
}

/* Silent now: every trickler must get "ERR idle timeout\n" and then EOF, within wait_s. */
static void await_idle(struct loris *l, int n, int wait_s)
{
	struct pollfd *p = calloc((size_t)n, sizeof *p);
	int64_t t0 = ok_now_ms(), deadline = t0 + wait_s * 1000LL;
	int open = n, good = 0;

	if (p == NULL)
		die_errno("calloc");
	while (open > 0 && ok_now_ms() < deadline) {
		for (int i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = l[i].eof ? -1 : l[i].fd, .events = POLLIN };
		if (poll(p, (nfds_t)n, 100) < 0 && errno != EINTR)
			die_errno("poll");
		open = 0;
		for (int i = 0; i < n; i++) {
			if (p[i].revents)
				drain(&l[i]);
			open += !l[i].eof;
		}
	}
	for (int i = 0; i < n; i++)
		good += l[i].eof && !l[i].reset && strcmp(l[i].got, "ERR idle timeout\n") == 0;
	printf("idle: %d of %d closed with ERR idle timeout (last after %lld ms)\n", good, n,
	       (long long)(ok_now_ms() - t0));
	free(p);
}

int main(int argc, char **argv)
{
	unsigned long v[5] = { 0, 0, 0, 0, 0 }; /* port conns seconds trips idle_wait */
	static const unsigned long max[5] = { 65535, 10000, 600, 100000, 600 };
	const char *why;
	int one = 1, fd;

	if (argc != 5 && argc != 6) {
		fputs("usage: hostile_slowloris PORT|[::1]:PORT|unix:PATH CONNS SECONDS TRIPS"
		      " [IDLE_WAIT]\n", stderr);
		return 64;
	}
	for (int i = 2; i < argc; i++) /* the target is checked as it is used */
		if (ok_parse_number(argv[i], 1, max[i - 1], &v[i - 1], &why) < 0) {
			fprintf(stderr, "hostile_slowloris: %s: %s\n", why, argv[i]);
			return 64;
		}
	struct loris *l = calloc(v[1], sizeof *l);
	long long *rtt = calloc(v[3], sizeof *rtt);
	if (l == NULL || rtt == NULL)
		die_errno("calloc");
	fd = connect_loopback(argv[1]);
	if (!target_is_unix(argv[1]) && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
		die_errno("setsockopt TCP_NODELAY");
	for (unsigned long i = 0; i < v[1]; i++)
		l[i].fd = connect_loopback(argv[1]);
	measure(l, (int)v[1], fd, (int)v[2], rtt, (int)v[3]);
	qsort(rtt, v[3], sizeof *rtt, cmp_ll);
	printf("rtt: n=%lu p50_us=%lld p99_us=%lld max_us=%lld\n", v[3], rtt[v[3] / 2],
	       rtt[(v[3] * 99 + 99) / 100 - 1], rtt[v[3] - 1]);
	close(fd);
	if (v[4] > 0)
		await_idle(l, (int)v[1], (int)v[4]);
	for (unsigned long i = 0; i < v[1]; i++)
		close(l[i].fd);
	free(l);
	free(rtt);
	return 0;
}
