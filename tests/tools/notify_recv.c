/* notify_recv.c - a stand-in for systemd's NOTIFY_SOCKET: prints each datagram okserver sends. */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "netaddr.h"

/*
 * Usage: notify_recv NAME COUNT SECONDS. Binds a Unix datagram socket at NAME (a path, or
 * "@name" in the abstract namespace), prints "bound NAME", then each datagram on one line (its
 * newlines shown as spaces) until COUNT have come or SECONDS have passed since the last one
 * (then exit 1). A path is removed at exit.
 */
static int bind_name(const char *name)
{
	struct sockaddr_un sa;
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (fd < 0 || len < 2 || len >= sizeof sa.sun_path)
		return -1;
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	len += offsetof(struct sockaddr_un, sun_path);
	if (bind(fd, (struct sockaddr *)&sa, (socklen_t)len) < 0)
		return -1;
	return fd;
}

static int receive(int fd, long count, int timeout_ms)
{
	char buf[4096];

	while (count-- > 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0)
			return 1;
		n = recv(fd, buf, sizeof buf - 1, 0);
		if (n < 0)
			return 1;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\n')
				buf[i] = ' ';
		buf[n] = '\0';
		printf("%s\n", buf);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count, seconds;
	const char *why;
	int fd, rc;

	if (argc != 4 || ok_parse_number(argv[2], 1, 1000, &count, &why) < 0 ||
	    ok_parse_number(argv[3], 1, 3600, &seconds, &why) < 0) {
		fputs("usage: notify_recv NAME COUNT SECONDS\n", stderr);
		return 64;
	}
	fd = bind_name(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "notify_recv: bind %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("bound %s\n", argv[1]);
	fflush(stdout);
	rc = receive(fd, (long)count, (int)seconds * 1000);
	if (argv[1][0] == '/')
		unlink(argv[1]);
	close(fd);
	return rc;
}
