/* tls_idle.c - many TLS clients at once, each one round trip, then all idle until told to end. */
#include <poll.h>
#include <sys/resource.h>

#include "client_common.h"
#include "tls.h"

/*
 * Usage: tls_idle PORT CLIENTS AT_ONCE END_FILE CA [CERT KEY]
 * Opens CLIENTS TLS connections to 127.0.0.1:PORT (the server's certificate verified against
 * CA and for 127.0.0.1; CERT and KEY presented when given), AT_ONCE of them on their way at a
 * time (0: all at once); each does its handshake, sends "ping\n" and expects "OK\n". Then it
 * prints "idle CLIENTS" and holds every connection, idle, until END_FILE exists (at most
 * 120 s), sends close_notify on each and prints "done". Any failure: a message on stderr, exit
 * 1. So a test can measure the server with CLIENTS idle TLS connections, each past its
 * handshake and one read and write, made as a stream of clients or as one burst.
 */
enum step { HANDSHAKE, SEND, RECEIVE, IDLE };

/* What every connection is made from. */
struct tls_setup {
	const char *port;
	struct ok_tls_ctx *ctx;
};

struct client {
	struct ok_stream st;     /* fd -1: not connected yet */
	enum step step;
	short events;   /* what the transport asked for last */
	size_t got;     /* bytes of "OK\n" received */
};

/* One step of c: > 0 it went on, or the transport's want, EOF or error. */
static ssize_t step_once(struct client *c)
{
	char buf[8];
	ssize_t n;

	switch (c->step) {
	case HANDSHAKE:
		n = ok_tls_handshake(&c->st);
		if (n == 0)
			c->step = SEND;
		return n == 0 ? 1 : n;
	case SEND: /* one record: all five bytes or none */
		n = ok_stream_write(&c->st, "ping\n", 5);
		if (n == 5)
			c->step = RECEIVE;
		return n;
	case RECEIVE:
		n = ok_stream_read(&c->st, buf, 3 - c->got);
		if (n > 0 && memcmp(buf, &"OK\n"[c->got], (size_t)n) != 0)
			die("unexpected reply");
		if (n > 0 && (c->got += (size_t)n) == 3)
			c->step = IDLE;
		return n;
	default:
		return 1;
	}
}

/* c as far as it goes without waiting; 1 when it reached IDLE. */
static int advance(struct client *c)
{
	while (c->step != IDLE) {
		ssize_t n = step_once(c);

		if (n == OK_IO_WANT_READ || n == OK_IO_WANT_WRITE) {
			c->events = n == OK_IO_WANT_READ ? POLLIN : POLLOUT;
			return 0;
		}
		if (n <= 0)
			die("TLS client: %s (%s)", n == OK_IO_EOF ? "closed" : ok_tls_error(&c->st),
			    strerror(errno));
	}
	return 1;
}

static void raise_fd_limit(unsigned long clients)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < clients + 16) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Connects clients next, next+1 ... while fewer than at_once are on their way, each as far as
 * it goes at once (a quick server may have answered it already: *idle counts it); the new
 * next. */
static unsigned long connect_more(struct client *cl, unsigned long n, unsigned long next,
                                  unsigned long *idle, unsigned long at_once,
                                  struct tls_setup *t)
{
	struct ok_err e;

	for (; next < n && (at_once == 0 || next - *idle < at_once); next++) {
		if (ok_tls_connect(&cl[next].st, connect_loopback(t->port), t->ctx, "127.0.0.1", &e) < 0)
			die("%s", e.msg);
		*idle += (unsigned long)advance(&cl[next]);
	}
	return next;
}

/* Every client to IDLE, waiting with poll for what each one asked for; dies after 60 s. */
static void drive_all(struct client *cl, unsigned long n, unsigned long at_once,
                      struct pollfd *pfd, struct tls_setup *t)
{
	int64_t deadline = ok_now_ms() + 60000;
	unsigned long idle = 0, next = 0;

	for (unsigned long i = 0; i < n; i++)
		cl[i].st.fd = -1;
	while (idle < n) {
		unsigned long m = 0;

		next = connect_more(cl, n, next, &idle, at_once, t);
		for (unsigned long i = 0; i < next; i++)
			if (cl[i].step != IDLE)
				pfd[m++] = (struct pollfd){ cl[i].st.fd, cl[i].events, 0 };
		if (ok_now_ms() > deadline)
			die("only %lu of %lu clients got through in 60 s", idle, n);
		if (poll(pfd, m, 1000) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (unsigned long i = 0, j = 0; i < next; i++)
			if (cl[i].step != IDLE && pfd[j++].revents != 0)
				idle += (unsigned long)advance(&cl[i]);
	}
}

int main(int argc, char **argv)
{
	struct ok_tls_client_conf conf = { NULL, NULL, NULL, NULL, 0 };
	struct tls_setup t;
	struct client *cl;
	struct pollfd *pfd;
	struct ok_err e;
	unsigned long n;
	int64_t end;

	if (argc != 6 && argc != 8)
		die("usage: tls_idle PORT CLIENTS AT_ONCE END_FILE CA [CERT KEY]");
	n = number_arg(argv[2]);
	conf.ca = argv[5];
	conf.cert = argc == 8 ? argv[6] : NULL;
	conf.key = argc == 8 ? argv[7] : NULL;
	raise_fd_limit(n);
	t.port = argv[1];
	if ((t.ctx = ok_tls_client_ctx(&conf, &e)) == NULL)
		die("%s", e.msg);
	cl = calloc(n ? n : 1, sizeof *cl);
	pfd = calloc(n ? n : 1, sizeof *pfd);
	if (cl == NULL || pfd == NULL)
		die("out of memory");
	drive_all(cl, n, number_arg(argv[3]), pfd, &t);
	printf("idle %lu\n", n);
	fflush(stdout);
	for (end = ok_now_ms() + 120000; access(argv[4], F_OK) != 0 && ok_now_ms() < end;)
		sleep_ms(50);
	for (unsigned long i = 0; i < n; i++) {
		(void)ok_stream_shutdown(&cl[i].st); /* best effort: the test is over */
		ok_stream_close(&cl[i].st);
	}
	ok_tls_ctx_free(t.ctx);
	free(cl);
	free(pfd);
	printf("done\n");
	return 0;
}
