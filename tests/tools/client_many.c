/* client_many.c - many clients at once, each doing many round trips, then Q; all checked. */
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_common.h"

/*
 * Usage: client_many PORT CLIENTS ROUNDS
 * Every client sends one line, waits for "OK\n", ROUNDS times (odd rounds end CRLF and expect
 * "OK\r\n"), then sends "Qdone" and expects it echoed and the connection closed. Prints
 * "clients C rounds R done D" and exits 0 only if all clients finished exactly so within 60 s.
 */
struct client {
	int fd;
	unsigned long round; /* rounds completed */
	size_t got;          /* bytes of the current reply received */
	int done;
};

static const char *request(const struct client *c, unsigned long rounds)
{
	if (c->round == rounds)
		return "Qdone\n";
	return c->round % 2 ? "ping\r\n" : "ping\n";
}

static const char *reply(const struct client *c, unsigned long rounds)
{
	if (c->round == rounds)
		return "Qdone\n";
	return c->round % 2 ? "OK\r\n" : "OK\n";
}

static void send_request(struct client *c, unsigned long rounds)
{
	const char *r = request(c, rounds);

	if (send(c->fd, r, strlen(r), MSG_NOSIGNAL) != (ssize_t)strlen(r))
		die("send: %s", strerror(errno));
}

/* Reads what is there; advances a round when its reply is complete. -1 when it went wrong. */
static int on_readable(struct client *c, unsigned long rounds)
{
	char buf[64];
	const char *want = reply(c, rounds);
	ssize_t n = recv(c->fd, buf, sizeof buf, 0);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return c->round > rounds ? (c->done = 1, 0) : -1;
	if (c->round > rounds || c->got + (size_t)n > strlen(want) ||
	    memcmp(buf, want + c->got, (size_t)n) != 0)
		return -1;
	c->got += (size_t)n;
	if (c->got == strlen(want)) {
		c->got = 0;
		if (++c->round <= rounds)
			send_request(c, rounds);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n, rounds, done = 0;
	struct client *cs;
	struct pollfd *ps;
	long long deadline = ok_now_ms() + 60000;

	if (argc != 4)
		die("usage: client_many PORT CLIENTS ROUNDS");
	n = number_arg(argv[2]);
	rounds = number_arg(argv[3]);
	cs = calloc(n, sizeof *cs);
	ps = calloc(n, sizeof *ps);
	if (cs == NULL || ps == NULL)
		die("out of memory");
	for (unsigned long i = 0; i < n; i++) {
		cs[i].fd = connect_loopback(argv[1]);
		send_request(&cs[i], rounds);
	}
	while (done < n && ok_now_ms() < deadline) {
		for (unsigned long i = 0; i < n; i++)
			ps[i] = (struct pollfd){ .fd = cs[i].done ? -1 : cs[i].fd, .events = POLLIN };
		if (poll(ps, n, 1000) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (unsigned long i = 0; i < n; i++) {
			if (ps[i].revents == 0)
				continue;
			if (on_readable(&cs[i], rounds) < 0)
				die("client %lu: unexpected reply in round %lu", i, cs[i].round);
			if (cs[i].done == 1) {
				done++;
				cs[i].done = 2; /* counted */
			}
		}
	}
	printf("clients %lu rounds %lu done %lu\n", n, rounds, done);
	for (unsigned long i = 0; i < n; i++)
		close(cs[i].fd);
	free(cs);
	free(ps);
	return done == n ? 0 : 1;
}
