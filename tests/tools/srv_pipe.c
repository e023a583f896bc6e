/* srv_pipe.c - pipelined load: C connections, each sending P lines at a time, B times over. */
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "srv_common.h"

/*
 * Usage: srv_pipe PORT C P B
 * Each of C connections sends P "PING\r\n" lines in one write, waits for P "OK\r\n" replies, and
 * does so B times. Prints "lines N" (C*P*B) and exits 0 only if every reply came, within 120 s.
 */
int main(int argc, char **argv)
{
	unsigned long c, p, b, left, total;
	int *fds;
	unsigned long *want, *round;
	struct pollfd *ps;
	static const char ping[6] = { 'P', 'I', 'N', 'G', '\r', '\n' }; /* no NUL */
	char *batch;
	long long deadline = ok_now_ms() + 120000;

	if (argc != 5)
		die("usage: srv_pipe PORT C P B");
	c = number_arg(argv[2]);
	p = number_arg(argv[3]);
	b = number_arg(argv[4]);
	fds = calloc(c, sizeof *fds);
	want = calloc(c, sizeof *want);
	round = calloc(c, sizeof *round);
	ps = calloc(c, sizeof *ps);
	batch = malloc(p * 6);
	if (!fds || !want || !round || !ps || !batch)
		die("out of memory");
	for (unsigned long i = 0; i < p; i++)
		memcpy(batch + i * 6, ping, sizeof ping);
	left = c;
	for (unsigned long i = 0; i < c; i++) {
		fds[i] = connect_loopback(argv[1]);
		ok_set_nonblock(fds[i], 0);
		if (send(fds[i], batch, p * 6, MSG_NOSIGNAL) != (ssize_t)(p * 6))
			die("send: %s", strerror(errno));
		want[i] = p * 4;
	}
	while (left > 0 && ok_now_ms() < deadline) {
		for (unsigned long i = 0; i < c; i++)
			ps[i] = (struct pollfd){ .fd = round[i] < b ? fds[i] : -1, .events = POLLIN };
		poll(ps, c, 1000);
		for (unsigned long i = 0; i < c; i++) {
			char buf[65536];
			ssize_t n;
			if (!(ps[i].revents & POLLIN))
				continue;
			n = recv(fds[i], buf, want[i] < sizeof buf ? want[i] : sizeof buf, 0);
			if (n <= 0)
				die("connection %lu: %s", i, n == 0 ? "closed" : strerror(errno));
			want[i] -= (unsigned long)n;
			if (want[i] > 0)
				continue;
			if (++round[i] == b) {
				left--;
				continue;
			}
			want[i] = p * 4;
			if (send(fds[i], batch, p * 6, MSG_NOSIGNAL) != (ssize_t)(p * 6))
				die("send: %s", strerror(errno));
		}
	}
	total = c * p * b;
	printf("lines %lu\n", total);
	for (unsigned long i = 0; i < c; i++)
		close(fds[i]);
	free(fds);
	free(want);
	free(round);
	free(ps);
	free(batch);
	return left == 0 ? 0 : 1;
}
