/* hostile_send.c - sends standard input raw to a server while reading its replies to stdout. */
#define _GNU_SOURCE /* MSG_NOSIGNAL */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netaddr.h"
#include "sock.h"

/*
 * Usage: hostile_send [-s] [-t SECS] PORT < bytes > replies
 * Sends every byte of standard input to 127.0.0.1:PORT exactly as given (no line handling),
 * reading at the same time so a server's back-pressure cannot deadlock it; with -s it then
 * half-closes. It reads until the server closes. Exit: 0 EOF after sending everything,
 * 3 EOF before everything was sent (the server closed first), 1 an error (named on stderr),
 * 2 timed out (default 10 s), 64 usage.
 */
#define INPUT_MAX (16u << 20)

static int usage(void)
{
	fputs("usage: hostile_send [-s] [-t SECS] PORT < input\n", stderr);
	return 64;
}

static char *read_input(size_t *len)
{
	char *buf = malloc(INPUT_MAX);
	size_t n = 0, r;

	if (buf == NULL)
		return NULL;
	while ((r = fread(buf + n, 1, INPUT_MAX - n, stdin)) > 0)
		n += r;
	*len = n;
	return buf;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One send; false when the server has gone (EPIPE, ECONNRESET): stop sending, keep reading. */
static bool send_some(int fd, const char *buf, size_t len, size_t *off)
{
	ssize_t w = send(fd, buf + *off, len - *off, MSG_NOSIGNAL);

	if (w >= 0) {
		*off += (size_t)w;
		return true;
	}
	return errno == EAGAIN || errno == EINTR;
}

/* One read to stdout. 1 more to come, 0 EOF, -1 error. */
static int receive_some(int fd)
{
	char buf[65536];
	ssize_t r = recv(fd, buf, sizeof buf, 0);

	if (r > 0)
		return fwrite(buf, 1, (size_t)r, stdout) == (size_t)r ? 1 : -1;
	if (r == 0)
		return 0;
	if (errno == EAGAIN || errno == EINTR)
		return 1;
	fprintf(stderr, "hostile_send: recv: %s\n", strerror(errno));
	return -1;
}

static int talk(int fd, const char *buf, size_t len, bool half_close, int seconds)
{
	long long deadline = now_ms() + seconds * 1000LL;
	size_t off = 0;
	bool sending = true;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN | (sending ? POLLOUT : 0) };
		long long left = deadline - now_ms();

		if (sending && off == len) {
			sending = false;
			if (half_close)
				(void)shutdown(fd, SHUT_WR); /* if the server has gone, the read says so */
		}
		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			fprintf(stderr, "hostile_send: timed out after %d s\n", seconds);
			return 2;
		}
		if (sending && (p.revents & POLLOUT) && !send_some(fd, buf, len, &off))
			sending = false;
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			int r = receive_some(fd);
			if (r <= 0)
				return r < 0 ? 1 : off == len ? 0 : 3;
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct ok_sock_error e;
	unsigned long secs = 10;
	bool half_close = false;
	const char *why;
	uint16_t port;
	size_t len;
	char *buf;
	int opt, fd, status;

	while ((opt = getopt(argc, argv, "st:")) != -1) {
		if (opt == 's')
			half_close = true;
		else if (opt != 't' || ok_parse_number(optarg, 1, 3600, &secs, &why) < 0)
			return usage();
	}
	if (optind != argc - 1 || ok_parse_port(argv[optind], &port, &why) < 0)
		return usage();
	buf = read_input(&len);
	if (buf == NULL || ok_sockaddr_in(&sa, "127.0.0.1", port) < 0)
		return 1;
	fd = ok_connect_tcp(&sa, 5000, &e);
	if (fd < 0) {
		fprintf(stderr, "hostile_send: %s\n", e.msg);
		return 1;
	}
	status = talk(fd, buf, len, half_close, (int)secs);
	close(fd);
	free(buf);
	return fflush(stdout) == 0 ? status : 1;
}
