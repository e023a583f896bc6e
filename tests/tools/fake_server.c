/* fake_server.c - a scripted stand-in server for okclient's tests (failure paths, timing, families). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "netaddr.h"
#include "sock.h"

/*
 * usage: fake_server [-p 0] [-b ADDR | -U PATH] [-g TEXT] [MODE [ARG [TEXT]]]
 *   listens on 127.0.0.1, or on ADDR (IPv4 or IPv6 literal), or on the Unix socket PATH
 *   (removed at exit), always on a free port; prints "listening on ADDRESS" (ok_format_sockaddr)
 *   Every TEXT may hold escapes, \xHH for any byte (NUL included) and \\ for a backslash.
 *   -g TEXT   greet each client with TEXT as a line first (okserver --greeting)
 *   ok        answer OK (CR LF mirrored) per line, echo a Q line and close; many clients in turn;
 *             SIGTERM sends "ERR server shutting down" to the client and exits (default mode)
 *   reply TEXT  as ok, but each line other than a Q line is answered TEXT instead of OK
 *   hangup N  as ok, but close as soon as N lines are answered, without waiting for more
 *   answer N [TEXT]  read everything until the client half-closes, answer only N lines,
 *             then send TEXT as a line if given, close
 *   cut N TEXT  as answer, but TEXT is sent without its LF: a server dying mid-reply
 *   err TEXT  send TEXT as a line at once, then read until the client closes
 *   silent    read and never answer, never close (until SIGTERM)
 *   stall TEXT  once a line has come, send TEXT without its LF, then as silent (one client
 *             only): a reply begun and never finished
 *   delay MS  as ok, but each batch of replies is sent MS milliseconds late
 *   record F  as ok, but after the Q echo keep reading until the client closes, and append
 *             every byte received to file F (what the client really sent)
 *   full      never accept, with the accept queue kept full by our own connection: a TCP
 *             client's handshake gets no answer, its connect hangs (until SIGTERM)
 */

/* Bytes that may hold a NUL: a TEXT argument once its escapes are read. */
struct text {
	char *p;
	size_t n;
};

static volatile sig_atomic_t stopping;
static FILE *recording;
static unsigned long delay_ms;
static struct text reply;                /* what a line other than a Q line is answered */
static unsigned long hangup_after;       /* hangup mode: replies before the close; 0: none */

/* A mode's numeric argument; a test script's mistake ends the server at once. */
static unsigned long number(const char *arg)
{
	unsigned long v;
	const char *why;

	if (ok_parse_number(arg, 0, 3600000, &v, &why) < 0) {
		fprintf(stderr, "fake_server: %s: %s\n", why, arg);
		exit(2);
	}
	return v;
}

/* A TEXT argument with its escapes read (\xHH, \\); a bad escape ends the server at once. */
static struct text unescape(const char *arg)
{
	struct text t = { malloc(strlen(arg) + 1), 0 };

	if (t.p == NULL)
		exit(1);
	while (*arg != '\0') {
		int hi = arg[0] == '\\' && arg[1] == 'x' ? ok_hex_value(arg[2]) : -1;
		int lo = hi >= 0 ? ok_hex_value(arg[3]) : -1;
		if (arg[0] != '\\') {
			t.p[t.n++] = *arg++;
		} else if (arg[1] == '\\') {
			t.p[t.n++] = '\\';
			arg += 2;
		} else if (lo >= 0) {
			t.p[t.n++] = (char)(hi << 4 | lo);
			arg += 4;
		} else {
			fprintf(stderr, "fake_server: bad escape: %s\n", arg);
			exit(2);
		}
	}
	return t;
}

static void record(const char *p, ssize_t n)
{
	if (recording != NULL && n > 0) {
		fwrite(p, 1, (size_t)n, recording);
		fflush(recording);
	}
}

/*
 * Waits until fd is readable; 0, or -1 once stopping. A SIGTERM that lands just before a
 * blocking call would not interrupt it: short slices make the stop take at most 100 ms.
 */
static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (!stopping) {
		if (poll(&p, 1, 100) > 0)
			return 0;
	}
	return -1;
}

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void put(int fd, const char *p, size_t n)
{
	if (delay_ms > 0 && n > 0) {
		struct timespec ts = { (time_t)(delay_ms / 1000), (long)(delay_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Reads until the client closes; returns the number of LFs seen (-1 when stopping). */
static long drain(int fd)
{
	char buf[65536];
	long lines = 0;
	ssize_t n;

	while (wait_readable(fd) == 0 && (n = recv(fd, buf, sizeof buf, 0)) != 0) {
		if (n < 0 && errno == EINTR && stopping)
			return -1;
		if (n < 0 && errno != EINTR)
			break;
		record(buf, n);
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	}
	return stopping ? -1 : lines;
}

/* Where the current line stands: at its start, a Q line, just after a CR; lines answered. */
struct line_state {
	int start, q, cr;
	unsigned long answered;
};

/*
 * The replies to buf[0..n) into out (at least n * (reply.n + 3) bytes): the reply text (OK) for
 * each line, mirroring CRLF, or a Q line's echo. Returns their length; sets *quit when a Q line
 * ended, or hangup mode's last reply was made (the rest is ignored).
 */
static size_t answer_bytes(struct line_state *l, const char *buf, ssize_t n, char *out, int *quit)
{
	size_t o = 0;

	for (ssize_t i = 0; i < n; i++) {
		char c = buf[i];
		if (l->start)
			l->q = c == 'Q';
		l->start = 0;
		if (c == '\n') {
			if (!l->q) {
				memcpy(out + o, reply.p, reply.n);
				o += reply.n;
			}
			if (l->cr)
				out[o++] = '\r';
			out[o++] = '\n';
			l->start = 1;
			if (l->q || (hangup_after > 0 && ++l->answered == hangup_after)) {
				*quit = 1;
				return o;
			}
		} else if (l->q) {
			if (l->cr)
				out[o++] = '\r';
			if (c != '\r')
				out[o++] = c;
		}
		l->cr = c == '\r';
	}
	return o;
}

/* One client in ok mode; returns when it is done or the server is stopping. */
static void serve_ok(int fd)
{
	static char *out;
	char buf[4096];
	struct line_state l = { 1, 0, 0, 0 };
	int quit = 0;
	ssize_t n;

	if (out == NULL && (out = malloc(sizeof buf * (reply.n + 3) + 64)) == NULL)
		exit(1);

	while (wait_readable(fd) == 0 && (n = recv(fd, buf, sizeof buf, 0)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		record(buf, n);
		put(fd, out, answer_bytes(&l, buf, n, out, &quit));
		if (quit)
			return;
	}
	if (stopping)
		put(fd, "ERR server shutting down\n", 25);
	else if (!l.start)
		put(fd, l.q ? "\n" : "OK\n", l.q ? 1 : 3);
}

static void serve(int fd, const char *mode, const char *arg, const struct text *text)
{
	if (strcmp(mode, "answer") == 0 || strcmp(mode, "cut") == 0) {
		long n = drain(fd);
		unsigned long want = number(arg);
		for (long i = 0; (unsigned long)i < want && i < n; i++)
			put(fd, "OK\n", 3);
		if (text != NULL) {
			put(fd, text->p, text->n);
			if (strcmp(mode, "answer") == 0)
				put(fd, "\n", 1);
		}
	} else if (strcmp(mode, "err") == 0) {
		struct text t = unescape(arg);
		put(fd, t.p, t.n);
		put(fd, "\n", 1);
		free(t.p);
		shutdown(fd, SHUT_WR);
		drain(fd);
	} else if (strcmp(mode, "stall") == 0) {
		struct text t = unescape(arg);
		char c;
		while (wait_readable(fd) == 0 && recv(fd, &c, 1, 0) == 1 && c != '\n')
			; /* up to the end of the first line */
		put(fd, t.p, t.n);
		free(t.p);
		drain(fd); /* its half-close too: silent, as a stuck server is */
		(void)wait_readable(-1); /* a negative fd is never ready: returns only at the stop */
	} else if (strcmp(mode, "silent") == 0) {
		drain(fd);
		(void)wait_readable(-1); /* a negative fd is never ready: returns only at the stop */
	} else if (strcmp(mode, "record") == 0) {
		recording = fopen(arg, "a");
		serve_ok(fd);
		shutdown(fd, SHUT_WR);
		drain(fd);
		if (recording != NULL)
			fclose(recording);
		recording = NULL;
	} else {
		if (strcmp(mode, "delay") == 0)
			delay_ms = number(arg);
		serve_ok(fd);
	}
}

/* Sends the greeting, if any, then serves fd in mode. */
static void greet_and_serve(int fd, const struct text *greeting, const char *mode,
                            const char *arg, const struct text *text)
{
	if (greeting != NULL) {
		put(fd, greeting->p, greeting->n);
		put(fd, "\n", 1);
	}
	serve(fd, mode, arg, text);
}

/* A listening socket on the address -b or -U asked for, or on 127.0.0.1; its address in *ss. */
static int listen_on(const char *bind_addr, const char *path, int backlog,
                     struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)(void *)ss;
	int fd;

	if (path != NULL) {
		memset(ss, 0, sizeof *ss);
		sun->sun_family = AF_UNIX;
		snprintf(sun->sun_path, sizeof sun->sun_path, "%s", path);
		*len = sizeof *sun;
	} else if (ok_parse_ip_literal(bind_addr, ss, len, 0) < 0) {
		fprintf(stderr, "fake_server: not an address: %s\n", bind_addr);
		exit(2);
	}
	fd = socket(ss->ss_family, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)ss, *len) < 0 || listen(fd, backlog) < 0 ||
	    getsockname(fd, (struct sockaddr *)ss, len) < 0) {
		fprintf(stderr, "fake_server: listen: %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

/*
 * Fills the accept queue of a listener made with backlog 0: connects until a connect does not
 * complete within a second (loopback completes at once while there is room). The connections
 * stay open, so the queue stays full.
 */
static void fill_queue(const struct sockaddr_storage *ss, socklen_t len)
{
	struct ok_err e;

	for (int i = 0; i < 16; i++) {
		if (ok_connect_addr((const struct sockaddr *)ss, len, 1000, &e) < 0)
			return;
	}
	fprintf(stderr, "fake_server: the accept queue never filled\n");
	exit(1);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };
	struct sockaddr_storage addr;
	socklen_t len;
	char where[OK_SOCKADDR_STRLEN];
	const char *bind_addr = "127.0.0.1", *path = NULL, *greet_arg = NULL;
	struct text greeting = { NULL, 0 }, text = { NULL, 0 };
	int lfd, argi = 1;

	for (; argi + 1 < argc && argv[argi][0] == '-'; argi += 2) {
		if (strcmp(argv[argi], "-b") == 0)
			bind_addr = argv[argi + 1];
		else if (strcmp(argv[argi], "-U") == 0)
			path = argv[argi + 1];
		else if (strcmp(argv[argi], "-g") == 0)
			greet_arg = argv[argi + 1];
	}
	const char *mode = argc > argi ? argv[argi] : "ok";
	const char *arg = argc > argi + 1 ? argv[argi + 1] : "0";
	if (greet_arg != NULL)
		greeting = unescape(greet_arg);
	if (argc > argi + 2)
		text = unescape(argv[argi + 2]);
	reply = unescape(strcmp(mode, "reply") == 0 ? arg : "OK");
	if (strcmp(mode, "hangup") == 0)
		hangup_after = number(arg);
	int full = strcmp(mode, "full") == 0;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	lfd = listen_on(bind_addr, path, full ? 0 : 16, &addr, &len);
	if (full)
		fill_queue(&addr, len);
	printf("listening on %s\n", ok_format_sockaddr((struct sockaddr *)&addr, len, where,
	                                               sizeof where));
	fflush(stdout);
	while (!stopping) {
		int fd = !full && wait_readable(lfd) == 0 ? accept(lfd, NULL, NULL) : -1;
		if (fd < 0) {
			if (full)
				(void)wait_readable(-1); /* returns only at the stop */
			continue;
		}
		greet_and_serve(fd, greeting.p != NULL ? &greeting : NULL, mode, arg,
		                text.p != NULL ? &text : NULL);
		close(fd);
	}
	close(lfd);
	free(greeting.p);
	free(text.p);
	free(reply.p);
	if (path != NULL)
		unlink(path);
	return 0;
}
