/* tls_flood.c - tls_flood over TLS: sends lines without reading, stalls, then reads every reply. */
#include <poll.h>

#include "client_common.h"
#include "tls.h"

/*
 * Usage: tls_flood PORT MBYTES LINE_LEN GO_FILE CA
 * As tls_flood, through a TLS connection to 127.0.0.1:PORT (the server verified against CA):
 * sends MBYTES MiB of LINE_LEN-byte lines (LF included) without reading until the server stops
 * taking them (no progress for 500 ms), prints "stalled SENT" and waits for GO_FILE to exist.
 * Then sends the rest while reading, sends close_notify, reads to the server's close_notify,
 * prints "lines N replies M bad B" and exits 0 only if every line got "OK\n".
 */
static char pattern[16384]; /* one record's worth: a write never offers more */
static size_t pattern_len;

/* Offers the bytes from *sent on (after a want, the same ones again, as TLS requires). */
static size_t send_some(struct ok_stream *st, unsigned long long *sent, unsigned long long total)
{
	size_t at = (size_t)(*sent % pattern_len);
	size_t n = pattern_len - at;
	ssize_t w;

	if ((unsigned long long)n > total - *sent)
		n = (size_t)(total - *sent);
	w = ok_stream_write(st, pattern + at, n);
	if (w == OK_IO_ERROR)
		die("write: %s (%s)", ok_tls_error(st), strerror(errno));
	if (w > 0)
		*sent += (unsigned long long)w;
	return w > 0 ? (size_t)w : 0;
}

/* Waits up to ms for what the transport asked for (want), or for either when want is 0. */
static void wait_for(const struct ok_stream *st, ssize_t want, int ms)
{
	struct pollfd p = { .fd = st->fd, .events = POLLIN | POLLOUT };

	if (want == OK_IO_WANT_WRITE)
		p.events = POLLOUT;
	else if (want == OK_IO_WANT_READ)
		p.events = POLLIN;
	(void)poll(&p, 1, ms);
}

static void handshake(struct ok_stream *st)
{
	int64_t deadline = ok_now_ms() + 10000;
	int r;

	while ((r = ok_tls_handshake(st)) != 0) {
		if (r == OK_IO_ERROR || ok_now_ms() > deadline)
			die("handshake: %s", ok_tls_error(st));
		wait_for(st, r, 100);
	}
}

static void stall(struct ok_stream *st, unsigned long long *sent, unsigned long long total,
                  const char *go)
{
	int64_t last = ok_now_ms();

	while (*sent < total && ok_now_ms() - last < 500) {
		wait_for(st, OK_IO_WANT_WRITE, 50);
		if (send_some(st, sent, total) > 0)
			last = ok_now_ms();
	}
	printf("stalled %llu\n", *sent);
	fflush(stdout);
	for (int64_t end = ok_now_ms() + 30000; access(go, F_OK) != 0 && ok_now_ms() < end;)
		sleep_ms(20);
}

/* Reads what has come: the count of reply bytes, *bad the ones that were not "OK\n"; -1 at
 * the server's close_notify. */
static ssize_t read_replies(struct ok_stream *st, unsigned long long got,
                            unsigned long long *bad)
{
	char buf[16384];
	ssize_t n = ok_stream_read(st, buf, sizeof buf);

	if (n == OK_IO_EOF)
		return -1;
	if (n == OK_IO_ERROR)
		die("read: %s (%s)", ok_tls_error(st), strerror(errno));
	for (ssize_t i = 0; i < n; i++)
		*bad += buf[i] != "OK\n"[(got + (unsigned long long)i) % 3];
	return n > 0 ? n : 0;
}

int main(int argc, char **argv)
{
	struct ok_tls_client_conf conf = { NULL, NULL, NULL, NULL, 0 };
	unsigned long long sent = 0, got = 0, bad = 0, total, lines;
	int64_t deadline = ok_now_ms() + 60000;
	struct ok_tls_ctx *ctx;
	struct ok_stream st;
	struct ok_err e;
	unsigned long line_len;
	int ended = 0;

	if (argc != 6)
		die("usage: tls_flood PORT MBYTES LINE_LEN GO_FILE CA");
	line_len = number_arg(argv[3]);
	if (line_len < 1 || line_len > 4096)
		die("LINE_LEN must be 1-4096");
	for (pattern_len = 0; pattern_len + line_len <= sizeof pattern; pattern_len += line_len) {
		memset(pattern + pattern_len, 'x', line_len - 1);
		pattern[pattern_len + line_len - 1] = '\n';
	}
	lines = number_arg(argv[2]) * 1024 * 1024 / line_len;
	total = lines * line_len;
	conf.ca = argv[5];
	if ((ctx = ok_tls_client_ctx(&conf, &e)) == NULL ||
	    ok_tls_connect(&st, connect_loopback(argv[1]), ctx, "127.0.0.1", &e) < 0)
		die("%s", e.msg);
	handshake(&st);
	stall(&st, &sent, total, argv[4]);
	while (ok_now_ms() < deadline) {
		ssize_t n;

		wait_for(&st, sent < total ? 0 : OK_IO_WANT_READ, 100);
		if (sent < total)
			send_some(&st, &sent, total);
		else if (!ended && ok_stream_shutdown(&st) == 0)
			ended = 1;
		if ((n = read_replies(&st, got, &bad)) < 0)
			break;
		got += (unsigned long long)n;
	}
	printf("lines %llu replies %llu bad %llu\n", lines, got / 3, bad);
	ok_stream_close(&st);
	ok_tls_ctx_free(ctx);
	return got == lines * 3 && bad == 0 ? 0 : 1;
}
