/* client_qhold.c - clients that send a huge Q line and leave its echo unread; then read it, checked. */
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_common.h"

/*
 * Usage: client_qhold PORT CLIENTS BYTES GO_FILE
 * Opens CLIENTS connections (at most 64) and sends on each, all at once, one Q line of BYTES
 * content bytes and its LF, reading nothing. Once every echo has begun to arrive (the socket is
 * readable: the server has the whole line and answers it), prints "held CLIENTS" and waits for
 * GO_FILE to exist (the test measures the server meanwhile). Then reads every echo, checks that
 * it is exactly its line and that the server closes after it, and prints "echoed N": the
 * clients whose echo came whole. Exits 0 when N = CLIENTS, within 60 s; 1 otherwise.
 */
#define MAX_CLIENTS 64

struct client {
	size_t sent, got;
	int fd;
	int done; /* the echo came whole, then the server's close */
};

static char *line;       /* "Q", then letters, then LF: the same line for every client */
static size_t line_len;

/* Sends what it can of the line on every client still sending; the number still sending. */
static int send_all(struct client *c, int n)
{
	struct pollfd p[MAX_CLIENTS];
	int left = 0;

	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = c[i].fd, .events = c[i].sent < line_len ? POLLOUT : 0 };
	poll(p, (nfds_t)n, 100);
	for (int i = 0; i < n; i++) {
		ssize_t w;

		if (c[i].sent == line_len)
			continue;
		w = send(c[i].fd, line + c[i].sent, line_len - c[i].sent, MSG_NOSIGNAL);
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			die("send: %s", strerror(errno));
		if (w > 0)
			c[i].sent += (size_t)w;
		left += c[i].sent < line_len;
	}
	return left;
}

/* True once every client's socket is readable: each echo has begun, nothing read of it. */
static int all_answered(const struct client *c, int n)
{
	struct pollfd p[MAX_CLIENTS];

	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = c[i].fd, .events = POLLIN };
	if (poll(p, (nfds_t)n, 100) < n)
		return 0;
	for (int i = 0; i < n; i++)
		if (!(p[i].revents & POLLIN))
			return 0;
	return 1;
}

/* Reads what is there on client c: the echo must be the line, then the end. */
static void read_echo(struct client *c)
{
	static char buf[65536];
	ssize_t r = recv(c->fd, buf, sizeof buf, 0);

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0 || c->got + (size_t)r > line_len || memcmp(buf, line + c->got, (size_t)r) != 0) {
		c->done = r == 0 && c->got == line_len ? 1 : -1; /* the close after it, or wrong */
		return;
	}
	c->got += (size_t)r;
}

static int read_all(struct client *c, int n, long long deadline)
{
	int echoed = 0, open = n;

	while (open > 0 && ok_now_ms() < deadline) {
		struct pollfd p[MAX_CLIENTS];

		for (int i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = c[i].done ? -1 : c[i].fd, .events = POLLIN };
		poll(p, (nfds_t)n, 100);
		for (int i = 0; i < n; i++) {
			if (c[i].done || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			read_echo(&c[i]);
			if (c[i].done) {
				open--;
				echoed += c[i].done > 0;
			}
		}
	}
	return echoed;
}

int main(int argc, char **argv)
{
	struct client c[MAX_CLIENTS];
	long long deadline = ok_now_ms() + 60000;
	unsigned long n, bytes;
	int echoed;

	if (argc != 5)
		die("usage: client_qhold PORT CLIENTS BYTES GO_FILE");
	n = number_arg(argv[2]);
	bytes = number_arg(argv[3]);
	if (n < 1 || n > MAX_CLIENTS || bytes < 1)
		die("CLIENTS must be 1-%d, BYTES at least 1", MAX_CLIENTS);
	line_len = bytes + 1;
	if ((line = malloc(line_len)) == NULL)
		die("no memory for %lu bytes", bytes);
	for (size_t i = 0; i < bytes; i++)
		line[i] = "abcdefghijklmnopqrstuvwxyz"[i % 26];
	line[0] = 'Q';
	line[bytes] = '\n';
	for (unsigned long i = 0; i < n; i++)
		c[i] = (struct client){ .fd = connect_loopback(argv[1]) };
	while (send_all(c, (int)n) > 0 && ok_now_ms() < deadline)
		;
	while (!all_answered(c, (int)n) && ok_now_ms() < deadline)
		;
	printf("held %lu\n", n);
	fflush(stdout);
	while (access(argv[4], F_OK) != 0 && ok_now_ms() < deadline)
		sleep_ms(10);
	echoed = read_all(c, (int)n, deadline);
	printf("echoed %d\n", echoed);
	free(line);
	return (unsigned long)echoed == n ? 0 : 1;
}
