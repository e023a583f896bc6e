/* client_rude.c - clients that send lines and vanish without reading: close, or reset. */
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_common.h"

/*
 * Usage: client_rude PORT COUNT KBYTES close|reset
 * COUNT times: connect, send up to KBYTES KiB of empty lines without reading a reply (stopping
 * early if the server stops taking them for 200 ms), then close with replies unread (the kernel
 * answers the server's next send with a reset) or abort at once with SO_LINGER 0.
 * Prints "done COUNT".
 */
int main(int argc, char **argv)
{
	static char lines[16384];
	unsigned long count, total;
	int reset;

	if (argc != 5)
		die("usage: client_rude PORT COUNT KBYTES close|reset");
	count = number_arg(argv[2]);
	total = number_arg(argv[3]) * 1024;
	reset = strcmp(argv[4], "reset") == 0;
	memset(lines, '\n', sizeof lines);
	for (unsigned long i = 0; i < count; i++) {
		int fd = connect_loopback(argv[1]);
		unsigned long sent = 0;
		long long last = ok_now_ms();

		while (sent < total && ok_now_ms() - last < 200) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			size_t n = total - sent < sizeof lines ? total - sent : sizeof lines;
			ssize_t w;

			poll(&p, 1, 50);
			w = send(fd, lines, n, MSG_NOSIGNAL);
			if (w > 0) {
				sent += (unsigned long)w;
				last = ok_now_ms();
			}
		}
		if (reset) {
			struct linger l = { 1, 0 };
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
		}
		close(fd);
	}
	printf("done %lu\n", count);
	return 0;
}
