/* notify_recv.c - a stand-in for systemd's NOTIFY_SOCKET: prints each datagram okserver sends. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "netaddr.h"

/*
 * Usage: notify_recv [-f MS] NAME COUNT SECONDS. Binds a Unix datagram socket at NAME (a path,
 * or "@name" in the abstract namespace), prints "bound NAME", then each datagram on one line
 * (its newlines shown as spaces) until COUNT have come or SECONDS have passed since the last one
 * (then exit 1). A path is removed at exit.
 * With -f, a receiver too busy to read: before "bound NAME" its own queue is filled (datagrams
 * sent to itself until the kernel refuses one: /proc/sys/net/unix/max_dgram_qlen of them), and
 * it reads nothing for MS milliseconds after; those fillers are neither printed nor counted.
 */
#define FILLER "\001filler"

/* NAME as an address into sa; its length, or 0 when it does not fit. */
static socklen_t address_of(const char *name, struct sockaddr_un *sa)
{
	size_t len = strlen(name);

	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (len < 2 || len >= sizeof sa->sun_path)
		return 0;
	memcpy(sa->sun_path, name, len);
	if (name[0] == '@')
		sa->sun_path[0] = '\0';
	return (socklen_t)(len + offsetof(struct sockaddr_un, sun_path));
}

static int bind_name(const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = address_of(name, &sa);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (fd < 0 || len == 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, len) < 0)
		return -1;
	return fd;
}

/* Sends fillers to name, non-blocking, until its queue is full; the sending socket (kept open
 * while they wait), or -1. */
static int fill_queue(const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = address_of(name, &sa);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0), sent = 0;

	if (fd < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		return -1;
	while (sent < 100000 &&
	       sendto(fd, FILLER, sizeof FILLER - 1, 0, (struct sockaddr *)&sa, len) >= 0)
		sent++;
	if (sent == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		return -1;
	return fd;
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int receive(int fd, long count, int timeout_ms)
{
	char buf[4096];

	while (count > 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0)
			return 1;
		n = recv(fd, buf, sizeof buf - 1, 0);
		if (n < 0)
			return 1;
		if (n == (ssize_t)sizeof FILLER - 1 && memcmp(buf, FILLER, (size_t)n) == 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\n')
				buf[i] = ' ';
		buf[n] = '\0';
		printf("%s\n", buf);
		fflush(stdout);
		count--;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count, seconds, hold_ms = 0;
	const char *why;
	int fd, filler = -1, rc, a = 1;

	if (argc == 6 && strcmp(argv[1], "-f") == 0) {
		if (ok_parse_number(argv[2], 1, 60000, &hold_ms, &why) < 0)
			argc = 0;
		a = 3;
	}
	if (argc != a + 3 || ok_parse_number(argv[a + 1], 1, 1000, &count, &why) < 0 ||
	    ok_parse_number(argv[a + 2], 1, 3600, &seconds, &why) < 0) {
		fputs("usage: notify_recv [-f MS] NAME COUNT SECONDS\n", stderr);
		return 64;
	}
	fd = bind_name(argv[a]);
	if (fd < 0) {
		fprintf(stderr, "notify_recv: bind %s: %s\n", argv[a], strerror(errno));
		return 1;
	}
	if (hold_ms > 0 && (filler = fill_queue(argv[a])) < 0) {
		fprintf(stderr, "notify_recv: fill %s: %s\n", argv[a], strerror(errno));
		return 1;
	}
	printf("bound %s\n", argv[a]);
	fflush(stdout);
	if (hold_ms > 0)
		sleep_ms(hold_ms);
	rc = receive(fd, (long)count, (int)seconds * 1000);
	if (argv[a][0] == '/')
		unlink(argv[a]);
	if (filler >= 0)
		close(filler);
	close(fd);
	return rc;
}
