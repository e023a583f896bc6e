/* client_pipe.c - pipelined load: C connections, each sending P lines at a time, B times over. */
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_common.h"

/*
 * Usage: client_pipe PORT C P B
 * Each of C connections sends P "PING\r\n" lines in one write, waits for P "OK\r\n" replies, and
 * does so B times. Prints "lines N" (C*P*B) and exits 0 only if every reply came, within 120 s.
 */

/* The whole load: per connection its socket, reply bytes still due and rounds done. */
struct pipe_load {
	unsigned long c, p, b, left;
	int *fds;
	unsigned long *want, *round;
	struct pollfd *ps;
	char *batch;             /* P pings, sent in one write */
};

/* Sends connection i its batch of P pings; P "OK\r\n" replies are then due. */
static void send_batch(struct pipe_load *pl, unsigned long i)
{
	if (send(pl->fds[i], pl->batch, pl->p * 6, MSG_NOSIGNAL) != (ssize_t)(pl->p * 6))
		die("send: %s", strerror(errno));
	pl->want[i] = pl->p * 4;
}

/* Reads the arguments and allocates everything, or dies. */
static void setup_load(struct pipe_load *pl, char **argv)
{
	static const char ping[6] = { 'P', 'I', 'N', 'G', '\r', '\n' }; /* no NUL */

	pl->c = number_arg(argv[2]);
	pl->p = number_arg(argv[3]);
	pl->b = number_arg(argv[4]);
	pl->left = pl->c;
	pl->fds = calloc(pl->c, sizeof *pl->fds);
	pl->want = calloc(pl->c, sizeof *pl->want);
	pl->round = calloc(pl->c, sizeof *pl->round);
	pl->ps = calloc(pl->c, sizeof *pl->ps);
	pl->batch = malloc(pl->p * 6);
	if (!pl->fds || !pl->want || !pl->round || !pl->ps || !pl->batch)
		die("out of memory");
	for (unsigned long i = 0; i < pl->p; i++)
		memcpy(pl->batch + i * 6, ping, sizeof ping);
}

/* Reads what connection i has; once its batch is answered, sends the next or counts it done. */
static void read_replies(struct pipe_load *pl, unsigned long i)
{
	char buf[65536];
	ssize_t n = recv(pl->fds[i], buf, pl->want[i] < sizeof buf ? pl->want[i] : sizeof buf, 0);

	if (n <= 0)
		die("connection %lu: %s", i, n == 0 ? "closed" : strerror(errno));
	pl->want[i] -= (unsigned long)n;
	if (pl->want[i] > 0)
		return;
	if (++pl->round[i] == pl->b)
		pl->left--;
	else
		send_batch(pl, i);
}

/* Polls the connections that still have rounds to do until all are done or the time is up. */
static void run_rounds(struct pipe_load *pl, long long deadline)
{
	while (pl->left > 0 && ok_now_ms() < deadline) {
		for (unsigned long i = 0; i < pl->c; i++)
			pl->ps[i] = (struct pollfd){ .fd = pl->round[i] < pl->b ? pl->fds[i] : -1,
			                             .events = POLLIN };
		poll(pl->ps, pl->c, 1000);
		for (unsigned long i = 0; i < pl->c; i++)
			if (pl->ps[i].revents & POLLIN)
				read_replies(pl, i);
	}
}

int main(int argc, char **argv)
{
	struct pipe_load pl;
	long long deadline = ok_now_ms() + 120000;

	if (argc != 5)
		die("usage: client_pipe PORT C P B");
	setup_load(&pl, argv);
	for (unsigned long i = 0; i < pl.c; i++) {
		pl.fds[i] = connect_loopback(argv[1]);
		ok_set_nonblock(pl.fds[i], 0);
		send_batch(&pl, i);
	}
	run_rounds(&pl, deadline);
	printf("lines %lu\n", pl.c * pl.p * pl.b);
	for (unsigned long i = 0; i < pl.c; i++)
		close(pl.fds[i]);
	free(pl.fds);
	free(pl.want);
	free(pl.round);
	free(pl.ps);
	free(pl.batch);
	return pl.left == 0 ? 0 : 1;
}
