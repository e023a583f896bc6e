/* srv_stream.c - a raw peer that sends its standard input while copying replies to stdout. */
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include "srv_common.h"

/*
 * Usage: srv_stream PORT <INPUT >REPLIES
 * Sends INPUT and reads at the same time, never blocking on either (socat and nc block in a
 * write while the server, waiting for them to read, does not read: a deadlock no server can
 * help), half-closes at the end of INPUT, copies every byte received to stdout until the server
 * closes. Exits 0 then; 1 on any error, 2 after 120 s.
 */

/* One read from stdin into buf when it is empty; false once stdin is over. */
static bool fill(char *buf, size_t cap, size_t *len, size_t *off)
{
	ssize_t n;

	if (*off < *len)
		return true;
	n = read(STDIN_FILENO, buf, cap);
	if (n < 0)
		die("read stdin: %s", strerror(errno));
	*len = (size_t)n;
	*off = 0;
	return n > 0;
}

/* Copies what the socket has to stdout; false at the server's end of stream. */
static bool copy_replies(int fd)
{
	char in[65536];
	ssize_t n = recv(fd, in, sizeof in, 0);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n < 0)
		die("recv: %s", strerror(errno));
	if (n > 0 && fwrite(in, 1, (size_t)n, stdout) != (size_t)n)
		die("write stdout: %s", strerror(errno));
	fflush(stdout);
	return n > 0;
}

int main(int argc, char **argv)
{
	static char out[65536];
	size_t len = 0, off = 0;
	bool sending = true;
	int64_t deadline = ok_now_ms() + 120000;
	int fd;

	if (argc != 2)
		die("usage: srv_stream PORT <INPUT >REPLIES");
	fd = connect_loopback(argv[1]);
	for (;;) {
		struct pollfd p = { fd, POLLIN | (sending ? POLLOUT : 0), 0 };

		if (ok_now_ms() > deadline)
			return 2;
		if (poll(&p, 1, 1000) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if ((p.revents & (POLLIN | POLLHUP | POLLERR)) && !copy_replies(fd))
			return 0;
		if (!sending || !(p.revents & POLLOUT))
			continue;
		if (!fill(out, sizeof out, &len, &off)) {
			sending = false;
			if (shutdown(fd, SHUT_WR) < 0)
				die("shutdown: %s", strerror(errno));
			continue;
		}
		ssize_t n = send(fd, out + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			die("send: %s", strerror(errno));
		off += n > 0 ? (size_t)n : 0;
	}
}
