/* client_flood.c - a client that sends lines without reading, stalls, then reads every reply. */
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_common.h"

/*
 * Usage: client_flood PORT MBYTES LINE_LEN GO_FILE
 * Sends MBYTES MiB of LINE_LEN-byte lines (LF included) without reading until the server stops
 * taking them (no progress for 500 ms), prints "stalled SENT" and waits for GO_FILE to exist
 * (the test measures the server meanwhile). Then sends the rest while reading, half-closes,
 * reads to the end, prints "lines N replies M bad B" and exits 0 only if every line got "OK\n".
 */
static char pattern[65536];
static size_t pattern_len;

static size_t send_some(int fd, unsigned long long *sent, unsigned long long total)
{
	size_t at = (size_t)(*sent % pattern_len);
	size_t n = pattern_len - at;
	ssize_t w;

	if ((unsigned long long)n > total - *sent)
		n = (size_t)(total - *sent);
	w = send(fd, pattern + at, n, MSG_NOSIGNAL);
	if (w < 0 && errno != EAGAIN && errno != EINTR)
		die("send: %s", strerror(errno));
	if (w > 0)
		*sent += (unsigned long long)w;
	return w > 0 ? (size_t)w : 0;
}

static void stall(int fd, unsigned long long *sent, unsigned long long total, const char *go)
{
	long long last = ok_now_ms();

	while (*sent < total && ok_now_ms() - last < 500) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		poll(&p, 1, 50);
		if (send_some(fd, sent, total) > 0)
			last = ok_now_ms();
	}
	printf("stalled %llu\n", *sent);
	fflush(stdout);
	for (long long end = ok_now_ms() + 30000; access(go, F_OK) != 0 && ok_now_ms() < end;)
		sleep_ms(20);
}

int main(int argc, char **argv)
{
	unsigned long long sent = 0, got = 0, bad = 0, total, lines;
	unsigned long line_len;
	long long deadline = ok_now_ms() + 60000;
	int fd, half_closed = 0;

	if (argc != 5)
		die("usage: client_flood PORT MBYTES LINE_LEN GO_FILE");
	fd = connect_loopback(argv[1]);
	line_len = number_arg(argv[3]);
	if (line_len < 1 || line_len > 4096)
		die("LINE_LEN must be 1-4096");
	for (pattern_len = 0; pattern_len + line_len <= sizeof pattern; pattern_len += line_len) {
		memset(pattern + pattern_len, 'x', line_len - 1);
		pattern[pattern_len + line_len - 1] = '\n';
	}
	lines = number_arg(argv[2]) * 1024 * 1024 / line_len;
	total = lines * line_len;
	stall(fd, &sent, total, argv[4]);
	while (ok_now_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN | (sent < total ? POLLOUT : 0) };
		char buf[65536];
		ssize_t n;

		poll(&p, 1, 100);
		if (sent < total)
			send_some(fd, &sent, total);
		else if (!half_closed && shutdown(fd, SHUT_WR) == 0)
			half_closed = 1;
		n = recv(fd, buf, sizeof buf, 0);
		if (n == 0)
			break;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			die("recv: %s", strerror(errno));
		for (ssize_t i = 0; i < n; i++, got++)
			bad += buf[i] != "OK\n"[got % 3];
	}
	printf("lines %llu replies %llu bad %llu\n", lines, got / 3, bad);
	return got == lines * 3 && bad == 0 ? 0 : 1;
}
