/* test_admit.c - server/admit with conn.c: every way a connection ends leaves no count behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netaddr.h"
#include "sock.h"
#include "util.h"
#include "../../server/admit.h" /* the Makefile adds only -Icommon */
#include "../../server/backend.h"
#include "../../server/conn.h"
#include "../../server/server.h"

/*
 * A server without its loop: a listener on 127.0.0.1, a connection table, the admission state,
 * and conn.c driven here as loop.c drives it (an event when poll says the descriptor is ready
 * for what the connection waits for, deadlines when they pass). Clients connect from 127.0.0.1
 * or 127.0.0.2 (any 127/8 address is this machine's).
 */
struct fixture {
	struct server_config cfg;
	struct server *s;
	int lfd;
	uint16_t port;
};

static const char *const proxy_from[] = { "127.0.0.9" };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	struct ok_err e;

	assert_non_null(f);
	f->cfg.table_size = 1024;
	f->cfg.max_clients = 100;
	f->cfg.max_line = 8;
	f->cfg.max_per_address = 1;
	f->cfg.proxy_from = (const char **)proxy_from;
	f->cfg.n_proxy_from = 1;
	f->s = calloc(1, sizeof *f->s);
	assert_non_null(f->s);
	f->s->cfg = &f->cfg;
	f->s->conns = calloc((size_t)f->cfg.table_size, sizeof *f->s->conns);
	assert_non_null(f->s->conns);
	f->s->idle = (struct deadline_list){ -1, -1, 0 };
	f->s->ending = (struct deadline_list){ -1, -1, OK_END_GRACE_MS };
	f->s->handshake = (struct deadline_list){ -1, -1, 200 };
	f->s->admit = admit_new(&f->cfg, &e);
	assert_non_null(f->s->admit);
	f->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(f->lfd >= 0);
	assert_int_equal(ok_sockaddr_in(&sin, "127.0.0.1", 0), 0);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(f->lfd, 16), 0);
	assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&sin, &len), 0);
	f->port = ok_ntohs(sin.sin_port);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (int fd = 0; fd < f->cfg.table_size; fd++)
		if (f->s->conns[fd].state != CONN_FREE)
			conn_close_now(f->s, fd);
	assert_int_equal(admit_addresses(f->s->admit), 0);
	admit_free(f->s->admit);
	free(f->s->conns);
	free(f->s);
	close(f->lfd);
	free(f);
	return 0;
}

/* A client connected from source address from; *server gets the accepted descriptor, opened
 * as a connection as loop.c opens one (refuse: full). Returns the client's descriptor. */
static int connect_from(struct fixture *f, const char *from, bool refuse, int *server)
{
	struct sockaddr_in src, dst;
	struct sockaddr_storage peer;
	socklen_t len = sizeof peer;
	int c = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(c >= 0);
	assert_int_equal(ok_sockaddr_in(&src, from, 0), 0);
	assert_int_equal(ok_sockaddr_in(&dst, "127.0.0.1", f->port), 0);
	assert_int_equal(bind(c, (struct sockaddr *)&src, sizeof src), 0);
	assert_int_equal(connect(c, (struct sockaddr *)&dst, sizeof dst), 0);
	*server = accept(f->lfd, (struct sockaddr *)&peer, &len);
	assert_true(*server >= 0 && *server < f->cfg.table_size);
	assert_int_equal(ok_set_nonblock(*server, 1), 0);
	assert_true(admit_accept(f->s, (struct sockaddr *)&peer, len));
	conn_open(f->s, *server, (struct sockaddr *)&peer, len, refuse, false);
	return c;
}

/* The deadlines of one list that have passed, as loop.c's expire_list. */
static void expire(struct server *s, struct deadline_list *l)
{
	int64_t due;

	while ((due = deadline_next(s->conns, l)) >= 0 && due <= ok_now_ms())
		conn_deadline_passed(s, l->head);
}

/* Runs the connection on fd for up to ms, or until it is closed (state FREE). */
static void run_conn(struct server *s, int fd, int ms)
{
	int64_t end = ok_now_ms() + ms;

	while (s->conns[fd].state != CONN_FREE && ok_now_ms() < end) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (conn_interest(s, fd) == BACKEND_WRITE)
			p.events = POLLOUT;
		s->now_valid = false;
		if (poll(&p, 1, 10) > 0)
			conn_on_event(s, fd);
		s->now_valid = false;
		expire(s, &s->idle);
		expire(s, &s->ending);
		expire(s, &s->handshake);
	}
}

/* What the client has received within ms, as a string. */
static const char *client_reads(int c, int ms, char *buf, size_t size)
{
	size_t got = 0;
	int64_t end = ok_now_ms() + ms;

	while (got + 1 < size && ok_now_ms() < end) {
		struct pollfd p = { c, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, 10) <= 0)
			continue;
		n = recv(c, buf + got, size - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return buf;
}

static void send_text(int c, const char *text)
{
	assert_int_equal(send(c, text, strlen(text), 0), (ssize_t)strlen(text));
}

/* Connections open from addr now, as admit counted them. */
static unsigned long open_from(const struct fixture *f, const char *addr)
{
	struct sockaddr_in sin;

	assert_int_equal(ok_sockaddr_in(&sin, addr, 0), 0);
	return admit_open_from(f->s->admit, (struct sockaddr *)&sin, sizeof sin);
}

/* The client says something that ends the conversation, reads the server's last word, closes;
 * the server's side runs to its end. The count was 1 while it was open, and is 0 after. */
static void ends_with(struct fixture *f, const char *say, const char *last_word, bool half)
{
	char buf[256];
	int fd, c = connect_from(f, "127.0.0.2", false, &fd);

	assert_int_equal(open_from(f, "127.0.0.2"), 1);
	if (say != NULL)
		send_text(c, say);
	if (half)
		assert_int_equal(shutdown(c, SHUT_WR), 0);
	run_conn(f->s, fd, 300); /* answers, ends (or times out: 100 ms), lingers */
	assert_string_equal(client_reads(c, 2000, buf, sizeof buf), last_word);
	close(c);
	run_conn(f->s, fd, 2000);
	assert_int_equal(f->s->conns[fd].state, CONN_FREE);
	assert_int_equal(admit_addresses(f->s->admit), 0);
}

static void ends_by_q(void **state)
{
	ends_with(*state, "a\nQbye\n", "OK\nQbye\n", false);
}

static void ends_by_eof(void **state)
{
	ends_with(*state, "a\nb", "OK\nOK\n", true);
}

static void ends_by_idle_timeout(void **state)
{
	struct fixture *f = *state;

	f->s->idle.delay_ms = 100;
	ends_with(f, "a\n", "OK\nERR idle timeout\n", false);
}

static void ends_by_line_too_long(void **state)
{
	ends_with(*state, "a line too long\n", "ERR line too long\n", false);
}

static void ends_by_reset(void **state)
{
	struct fixture *f = *state;
	struct linger abort_it = { 1, 0 };
	int fd, c = connect_from(f, "127.0.0.2", false, &fd);

	assert_int_equal(open_from(f, "127.0.0.2"), 1);
	assert_int_equal(setsockopt(c, SOL_SOCKET, SO_LINGER, &abort_it, sizeof abort_it), 0);
	close(c); /* a reset */
	run_conn(f->s, fd, 2000);
	assert_int_equal(f->s->conns[fd].state, CONN_FREE);
	assert_int_equal(admit_addresses(f->s->admit), 0);
}

static void ends_by_shutdown(void **state)
{
	struct fixture *f = *state;
	char buf[64];
	int fd, c = connect_from(f, "127.0.0.2", false, &fd);

	send_text(c, "a\n");
	run_conn(f->s, fd, 50);
	conn_end_for_shutdown(f->s, fd);
	assert_int_equal(open_from(f, "127.0.0.2"), 1); /* still ending */
	assert_string_equal(client_reads(c, 2000, buf, sizeof buf), "OK\nERR server shutting down\n");
	conn_close_now(f->s, fd); /* the shutdown's time ran out */
	assert_int_equal(admit_addresses(f->s->admit), 0);
	close(c);
}

/* Closed while open, as the loop's teardown and a failed backend call do. */
static void ends_by_close_now(void **state)
{
	struct fixture *f = *state;
	int fd, c = connect_from(f, "127.0.0.2", false, &fd);

	assert_int_equal(open_from(f, "127.0.0.2"), 1);
	conn_close_on_error(f->s, fd, 5);
	assert_int_equal(admit_addresses(f->s->admit), 0);
	close(c);
}

/* Refused, as too many from its address or as full: never counted, and the one that was
 * counted still is until it ends. */
static void refused_ones_are_never_counted(void **state)
{
	struct fixture *f = *state;
	char buf[64];
	int fa, fb, fc;
	int a = connect_from(f, "127.0.0.2", false, &fa);
	int b = connect_from(f, "127.0.0.2", false, &fb);
	int c = connect_from(f, "127.0.0.3", true, &fc);

	assert_string_equal(client_reads(b, 2000, buf, sizeof buf), "ERR too many connections\n");
	assert_string_equal(client_reads(c, 2000, buf, sizeof buf), "ERR server full\n");
	assert_int_equal(open_from(f, "127.0.0.2"), 1);
	assert_int_equal(open_from(f, "127.0.0.3"), 0);
	assert_int_equal(f->s->stats.refused, 2);
	assert_int_equal(f->s->counted_clients, 1);
	close(b);
	close(c);
	run_conn(f->s, fb, 2000);
	run_conn(f->s, fc, 2000);
	assert_int_equal(open_from(f, "127.0.0.2"), 1);
	close(a);
	run_conn(f->s, fa, 2000);
	assert_int_equal(f->s->conns[fa].state, CONN_FREE);
	assert_int_equal(admit_addresses(f->s->admit), 0);
	assert_int_equal(f->s->counted_clients, 0);
}

/* A PROXY header's client is what is counted; a header that never comes counts nothing. */
static void a_header_counts_its_client(void **state)
{
	struct fixture *f = *state;
	char buf[64];
	int fd, c = connect_from(f, "127.0.0.9", false, &fd);

	assert_int_equal(f->s->conns[fd].state, CONN_PROXY);
	assert_int_equal(admit_addresses(f->s->admit), 0);
	send_text(c, "PROXY TCP4 10.1.2.3 127.0.0.1 5555 4242\r\nQx\n");
	run_conn(f->s, fd, 100);
	assert_int_equal(open_from(f, "10.1.2.3"), 1);
	assert_int_equal(open_from(f, "127.0.0.9"), 0);
	assert_string_equal(client_reads(c, 2000, buf, sizeof buf), "Qx\n");
	close(c);
	run_conn(f->s, fd, 2000);
	assert_int_equal(admit_addresses(f->s->admit), 0);
	/* One that sends nothing: closed at the handshake deadline (200 ms here), nothing sent. */
	c = connect_from(f, "127.0.0.9", false, &fd);
	run_conn(f->s, fd, 2000);
	assert_int_equal(f->s->conns[fd].state, CONN_FREE);
	assert_string_equal(client_reads(c, 100, buf, sizeof buf), "");
	assert_int_equal(f->s->counted_clients, 0);
	close(c);
}

/* The header's bytes and not one more are taken: the line after it, in the same segment, is
 * answered; and a malformed one is closed with nothing sent. */
static void a_header_leaves_what_follows(void **state)
{
	struct fixture *f = *state;
	char buf[64];
	int fd, c = connect_from(f, "127.0.0.9", false, &fd);

	send_text(c, "GET / HTTP/1.0\r\n\r\n");
	run_conn(f->s, fd, 100);
	assert_int_equal(f->s->conns[fd].state, CONN_FREE);
	assert_string_equal(client_reads(c, 100, buf, sizeof buf), "");
	close(c);
	c = connect_from(f, "127.0.0.9", false, &fd);
	assert_int_equal(send(c, "\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00" "a\n", 18, 0), 18);
	run_conn(f->s, fd, 100);
	assert_int_equal(f->s->conns[fd].state, CONN_OPEN);
	assert_string_equal(client_reads(c, 2000, buf, sizeof buf), "OK\n");
	assert_int_equal(open_from(f, "127.0.0.9"), 1); /* LOCAL: the real peer */
	close(c);
	run_conn(f->s, fd, 2000);
	assert_int_equal(admit_addresses(f->s->admit), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ends_by_q, setup, teardown),
		cmocka_unit_test_setup_teardown(ends_by_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(ends_by_idle_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(ends_by_line_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(ends_by_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(ends_by_shutdown, setup, teardown),
		cmocka_unit_test_setup_teardown(ends_by_close_now, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_ones_are_never_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(a_header_counts_its_client, setup, teardown),
		cmocka_unit_test_setup_teardown(a_header_leaves_what_follows, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
