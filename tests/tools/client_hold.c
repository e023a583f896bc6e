/* client_hold.c - opens many connections to okserver and holds them, silent, for a while. */
#include <sys/socket.h>
#include <unistd.h>

#include "client_common.h"

/*
 * Usage: client_hold PORT N SECS [ping]
 * Opens N connections (connect completes in the kernel even while the server does not accept),
 * with "ping" does one round trip on each ("PING\r\n", expecting "OK\r\n"), prints
 * "holding N", keeps them open and silent for SECS seconds (or until killed), then exits.
 */
static void round_trip(int fd)
{
	char buf[4];
	size_t got = 0;

	ok_set_nonblock(fd, 0);
	if (send(fd, "PING\r\n", 6, MSG_NOSIGNAL) != 6)
		die("send: %s", strerror(errno));
	while (got < sizeof buf) {
		ssize_t n = recv(fd, buf + got, sizeof buf - got, 0);
		if (n <= 0)
			die("recv: %s", n == 0 ? "closed" : strerror(errno));
		got += (size_t)n;
	}
	if (memcmp(buf, "OK\r\n", 4) != 0)
		die("unexpected reply");
}
int main(int argc, char **argv)
{
	unsigned long n, secs;
	int *fds;

	if (argc != 4 && !(argc == 5 && strcmp(argv[4], "ping") == 0))
		die("usage: client_hold PORT N SECS [ping]");
	n = number_arg(argv[2]);
	secs = number_arg(argv[3]);
	fds = calloc(n ? n : 1, sizeof *fds);
	if (fds == NULL)
		die("out of memory");
	for (unsigned long i = 0; i < n; i++) {
		fds[i] = connect_loopback(argv[1]);
		if (argc == 5)
			round_trip(fds[i]);
	}
	printf("holding %lu\n", n);
	fflush(stdout);
	for (long long end = ok_now_ms() + (long long)secs * 1000; ok_now_ms() < end;)
		sleep_ms(50);
	for (unsigned long i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return 0;
}
