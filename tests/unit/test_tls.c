/* test_tls.c - common/tls over a socketpair: handshakes, data both ways, endings, failures. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "tls.h"
#include "unit_skip.h"

/*
 * The certificates come from tests/tls-certs.sh (the bats tests use it too): made into a
 * temporary folder by the group's setup, or taken from OK_TLS_CERTS when that names a folder
 * the script already filled. OK_TLS_CERTS_SCRIPT names the script when the tests do not run
 * from the top of the tree.
 */
static char certs[256];
static int made_certs;
static const char *const cert_files[] = {
	"ca.pem", "ca.key", "inter.pem", "inter.key", "server.pem", "server.key", "client.pem",
	"client.key", "selfsigned.pem", "selfsigned.key", "other.key", "reload.pem", "reload.key",
};

/* The path of a file of the certificate folder; a few calls' results are alive at once. */
static const char *cert(const char *name)
{
	static char paths[8][320];
	static unsigned next;
	char *p = paths[next++ % 8];

	snprintf(p, sizeof paths[0], "%s/%s", certs, name);
	return p;
}

/* Runs sh SCRIPT DIR; 0 when it succeeded. */
static int run_script(const char *script, const char *dir)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execlp("sh", "sh", script, dir, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int make_certs(void **state)
{
	const char *given = getenv("OK_TLS_CERTS");
	const char *script = getenv("OK_TLS_CERTS_SCRIPT");
	const char *tmp = getenv("TMPDIR");
	(void)state;

	if (given != NULL && given[0] != '\0') {
		snprintf(certs, sizeof certs, "%s", given);
		return 0;
	}
	snprintf(certs, sizeof certs, "%s/test_tls.XXXXXX", tmp != NULL && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(certs) == NULL)
		return -1;
	made_certs = 1;
	return run_script(script != NULL ? script : "tests/tls-certs.sh", certs);
}

static int remove_certs(void **state)
{
	size_t i;
	(void)state;

	if (!made_certs)
		return 0;
	for (i = 0; i < sizeof cert_files / sizeof cert_files[0]; i++)
		(void)unlink(cert(cert_files[i]));
	return rmdir(certs);
}

/* --- a server and a client stream over a socketpair, both non-blocking --- */

struct pair {
	struct ok_stream srv, cli;
	struct ok_tls_ctx *sctx, *cctx;
};

static void socket_pair(int fds[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(fcntl(fds[1], F_SETFL, O_NONBLOCK), 0);
}

/* Streams over a fresh socketpair from the given contexts, which the pair then owns. */
static void pair_of(struct pair *p, struct ok_tls_ctx *sctx, struct ok_tls_ctx *cctx,
                    const char *host)
{
	struct ok_err e;
	int fds[2];

	assert_non_null(sctx);
	assert_non_null(cctx);
	p->sctx = sctx;
	p->cctx = cctx;
	socket_pair(fds);
	assert_int_equal(ok_tls_accept(&p->srv, fds[0], sctx, &e), 0);
	assert_int_equal(ok_tls_connect(&p->cli, fds[1], cctx, host, &e), 0);
	assert_true(ok_stream_is_tls(&p->srv) && ok_stream_is_tls(&p->cli));
}

static struct ok_tls_ctx *server_ctx(const char *crt, const char *key, const char *ca)
{
	struct ok_tls_server_conf conf = { crt, key, ca };
	struct ok_err e = { 0, 0, "" };
	struct ok_tls_ctx *ctx = ok_tls_server_ctx(&conf, &e);

	if (ctx == NULL)
		fail_msg("server context: %s", e.msg);
	return ctx;
}

static struct ok_tls_ctx *client_ctx(const char *ca, const char *crt, const char *key,
                                     const char *servername, int insecure)
{
	struct ok_tls_client_conf conf = { ca, crt, key, servername, insecure };
	struct ok_err e = { 0, 0, "" };
	struct ok_tls_ctx *ctx = ok_tls_client_ctx(&conf, &e);

	if (ctx == NULL)
		fail_msg("client context: %s", e.msg);
	return ctx;
}

/* The usual pair: the server's chained certificate, a client trusting the root CA. */
static void usual_pair(struct pair *p, const char *host)
{
	pair_of(p, server_ctx(cert("server.pem"), cert("server.key"), NULL),
	        client_ctx(cert("ca.pem"), NULL, NULL, NULL, 0), host);
}

static void pair_free(struct pair *p)
{
	ok_stream_close(&p->srv);
	ok_stream_close(&p->cli);
	ok_tls_ctx_free(p->sctx);
	ok_tls_ctx_free(p->cctx);
}

/* Drives both handshakes in turn until each is done or failed (a bounded number of rounds:
 * the socketpair holds every flight, so each round makes progress or none ever will). */
static void drive(struct pair *p, int *rs, int *rc)
{
	int i;

	*rs = *rc = OK_IO_WANT_READ;
	for (i = 0; i < 50; i++) {
		if (*rs < 0 && *rs != OK_IO_ERROR)
			*rs = ok_tls_handshake(&p->srv);
		if (*rc < 0 && *rc != OK_IO_ERROR)
			*rc = ok_tls_handshake(&p->cli);
		if ((*rs == 0 || *rs == OK_IO_ERROR) && (*rc == 0 || *rc == OK_IO_ERROR))
			return;
	}
}

static void handshake(struct pair *p)
{
	int rs, rc;

	drive(p, &rs, &rc);
	if (rs != 0 || rc != 0)
		fail_msg("handshake: server %d (%s), client %d (%s)", rs, ok_tls_error(&p->srv), rc,
		         ok_tls_error(&p->cli));
}

/* Reads what st has until it wants more; the count. */
static size_t read_some(struct ok_stream *st, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len && (n = ok_stream_read(st, buf + got, len - got)) > 0)
		got += (size_t)n;
	return got;
}

static void write_all(struct ok_stream *st, const char *text)
{
	assert_int_equal(ok_stream_write(st, text, strlen(text)), (ssize_t)strlen(text));
}

static void expect_read(struct ok_stream *st, const char *text)
{
	char buf[256];
	size_t n = read_some(st, buf, sizeof buf - 1);

	buf[n] = '\0';
	assert_string_equal(buf, text);
}

/* --- the build and the handshake --- */

static void version_names_openssl_3(void **state)
{
	(void)state;
	assert_int_equal(ok_tls_available(), 1);
	assert_memory_equal(ok_tls_version(), "OpenSSL 3.", 10);
}

static void handshake_names_protocol_cipher_and_sni(void **state)
{
	struct pair p;
	(void)state;

	usual_pair(&p, "localhost");
	assert_string_equal(ok_tls_protocol(&p.cli), "");
	handshake(&p);
	assert_string_equal(ok_tls_protocol(&p.srv), "TLSv1.3");
	assert_string_equal(ok_tls_protocol(&p.cli), "TLSv1.3");
	assert_memory_equal(ok_tls_cipher(&p.cli), "TLS_", 4);
	assert_string_equal(ok_tls_cipher(&p.srv), ok_tls_cipher(&p.cli));
	assert_int_equal(ok_tls_peer_verified(&p.cli), 1);
	assert_int_equal(ok_tls_peer_verified(&p.srv), 0); /* no client certificate asked */
	assert_string_equal(ok_tls_sni(&p.srv), "localhost");
	assert_int_equal(ok_tls_handshake(&p.cli), 0); /* done stays done */
	pair_free(&p);
}

static void plain_stream_is_not_tls(void **state)
{
	struct ok_stream st;
	(void)state;

	ok_stream_plain(&st, 0);
	assert_int_equal(ok_stream_is_tls(&st), 0);
	assert_int_equal(ok_tls_pending(&st), 0);
	assert_string_equal(ok_tls_protocol(&st), "");
	assert_string_equal(ok_tls_error(&st), "");
	assert_null(ok_tls_sni(&st));
	assert_int_equal(ok_tls_handshake(&st), OK_IO_ERROR);
}

static void plaintext_client_fails_the_handshake(void **state)
{
	struct pair p;
	int fds[2];
	struct ok_err e;
	(void)state;

	p.sctx = server_ctx(cert("server.pem"), cert("server.key"), NULL);
	socket_pair(fds);
	assert_int_equal(ok_tls_accept(&p.srv, fds[0], p.sctx, &e), 0);
	assert_int_equal(write(fds[1], "PING\r\n", 6), 6);
	errno = 0;
	assert_int_equal(ok_tls_handshake(&p.srv), OK_IO_ERROR);
	assert_int_equal(errno, EPROTO);
	assert_string_equal(ok_tls_error(&p.srv), "wrong version number");
	ok_stream_close(&p.srv);
	close(fds[1]);
	ok_tls_ctx_free(p.sctx);
}

/* --- data --- */

static void writev_batch_is_one_record(void **state)
{
	struct iovec iov[3] = {
		{ "PING\n", 5 }, { "PING\r\n", 6 }, { "Q\n", 2 },
	};
	struct pair p;
	int queued = 0;
	(void)state;

	usual_pair(&p, "localhost");
	handshake(&p);
	assert_int_equal(ok_stream_writev(&p.cli, iov, 3), 13);
	/* A TLS 1.3 record: a 5-byte header, the data, its 1-byte type and a 16-byte tag. */
	assert_int_equal(ioctl(p.srv.fd, FIONREAD, &queued), 0);
	assert_int_equal(queued, 5 + 13 + 1 + 16);
	expect_read(&p.srv, "PING\nPING\r\nQ\n");
	pair_free(&p);
}

static void read_of_nothing_wants_read(void **state)
{
	struct pair p;
	char c;
	(void)state;

	usual_pair(&p, "localhost");
	handshake(&p);
	assert_int_equal(ok_stream_read(&p.srv, &c, 1), OK_IO_WANT_READ);
	pair_free(&p);
}

/* Sends len bytes from cli to srv through a small socket buffer, as a caller that keeps its
 * unsent output does: after each want it offers the same bytes again, here from another buffer
 * (they moved, as in a buffer that compacts); srv drains in between. The number of wants. */
static int send_through(struct pair *p, const unsigned char *data, size_t len, unsigned char *got)
{
	unsigned char *buf[2] = { malloc(len), malloc(len) };
	size_t off = 0, left = len, in = 0;
	int cur = 0, wants = 0;

	assert_non_null(buf[0]);
	assert_non_null(buf[1]);
	memcpy(buf[0], data, len);
	while (left > 0) {
		ssize_t n = ok_stream_write(&p->cli, buf[cur] + off, left);
		if (n == OK_IO_WANT_WRITE) {
			wants++;
			memcpy(buf[!cur], buf[cur] + off, left);
			cur = !cur;
			off = 0;
			in += read_some(&p->srv, (char *)got + in, len - in);
			continue;
		}
		assert_true(n > 0);
		off += (size_t)n;
		left -= (size_t)n;
	}
	in += read_some(&p->srv, (char *)got + in, len - in);
	assert_int_equal(in, len);
	free(buf[0]);
	free(buf[1]);
	return wants;
}

static void data_flows_both_ways_with_wants(void **state)
{
	const size_t len = 1 << 20;
	unsigned char *data = malloc(len), *got = calloc(1, len);
	int small = 4096;
	struct pair p;
	size_t i;
	(void)state;

	assert_non_null(data);
	assert_non_null(got);
	for (i = 0; i < len; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	usual_pair(&p, "localhost");
	assert_int_equal(setsockopt(p.cli.fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
	handshake(&p);
	assert_true(send_through(&p, data, len, got) > 0);
	assert_memory_equal(got, data, len);
	write_all(&p.srv, "OK\nOK\n");
	expect_read(&p.cli, "OK\nOK\n");
	pair_free(&p);
	free(data);
	free(got);
}

/* Writes from cli until a write wants (the transport then holds that write); the bytes sent
 * before it. */
static size_t fill_until_want(struct pair *p, const char *chunk, size_t len)
{
	size_t sent = 0;

	for (;;) {
		ssize_t n = ok_stream_write(&p->cli, chunk, len);

		if (n <= 0) {
			assert_int_equal(n, OK_IO_WANT_WRITE);
			return sent;
		}
		sent += (size_t)n;
	}
}

static void retry_with_fewer_bytes_is_refused(void **state)
{
	static char chunk[8192];
	int small = 4096;
	struct pair p;
	(void)state;

	usual_pair(&p, "localhost");
	assert_int_equal(setsockopt(p.cli.fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
	handshake(&p);
	(void)fill_until_want(&p, chunk, sizeof chunk);
	errno = 0;
	assert_int_equal(ok_stream_write(&p.cli, chunk, 10), OK_IO_ERROR);
	assert_int_equal(errno, EINVAL);
	pair_free(&p);
}

static void small_reads_leave_bytes_pending(void **state)
{
	struct pollfd pfd;
	struct pair p;
	char buf[128];
	(void)state;

	usual_pair(&p, "localhost");
	handshake(&p);
	write_all(&p.cli, "0123456789abcdefghij");
	assert_int_equal(ok_stream_read(&p.srv, buf, 4), 4);
	assert_int_equal(ok_tls_pending(&p.srv), 16);
	pfd.fd = p.srv.fd;
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 0), 0); /* the socket has nothing: the stream has it all */
	assert_int_equal(ok_stream_read(&p.srv, buf, sizeof buf), 16);
	assert_memory_equal(buf, "456789abcdefghij", 16);
	assert_int_equal(ok_tls_pending(&p.srv), 0);
	pair_free(&p);
}

/* Nothing waits on the socket: what srv holds, it holds without an event to say so. */
static void socket_is_empty(const struct ok_stream *st)
{
	struct pollfd pfd = { .fd = st->fd, .events = POLLIN };

	assert_int_equal(poll(&pfd, 1, 0), 0);
}

/* OpenSSL reads ahead: three records sent apart arrive in one read(2), and the two left behind
 * count as pending (no event will come for them) until each has been read. */
static void records_read_ahead_are_pending(void **state)
{
	struct pair p;
	char buf[64];
	(void)state;

	usual_pair(&p, "localhost");
	handshake(&p);
	write_all(&p.cli, "one\n");
	write_all(&p.cli, "two\n");
	write_all(&p.cli, "three\n");
	assert_int_equal(ok_stream_read(&p.srv, buf, sizeof buf), 4);
	assert_memory_equal(buf, "one\n", 4);
	socket_is_empty(&p.srv);
	assert_int_not_equal(ok_tls_pending(&p.srv), 0);
	assert_int_equal(ok_stream_read(&p.srv, buf, sizeof buf), 4);
	assert_memory_equal(buf, "two\n", 4);
	assert_int_not_equal(ok_tls_pending(&p.srv), 0);
	assert_int_equal(ok_stream_read(&p.srv, buf, sizeof buf), 6);
	assert_memory_equal(buf, "three\n", 6);
	assert_int_equal(ok_tls_pending(&p.srv), 0);
	assert_int_equal(ok_stream_read(&p.srv, buf, sizeof buf), OK_IO_WANT_READ);
	pair_free(&p);
}

/* Takes the bytes of one record the client sent from the server's socket, before OpenSSL sees
 * them; their count. */
static size_t steal_record(struct pair *p, const char *text, unsigned char *raw, size_t len)
{
	ssize_t n;

	write_all(&p->cli, text);
	n = recv(p->srv.fd, raw, len, 0);
	assert_true(n > 5); /* the header and more */
	return (size_t)n;
}

/* Raw bytes into the server's socket, as the network would bring them. */
static void deliver(struct pair *p, const unsigned char *raw, size_t len)
{
	assert_int_equal(send(p->cli.fd, raw, len, 0), (ssize_t)len);
}

/* Part of a record is not input: after the read that wanted the rest, nothing is pending (a
 * caller that read again would spin); the rest brings an event, then the record. */
static void part_of_a_record_is_not_pending(void **state)
{
	unsigned char first[256], second[256];
	size_t n1, n2;
	struct pair p;
	char buf[64];
	(void)state;

	usual_pair(&p, "localhost");
	handshake(&p);
	n1 = steal_record(&p, "first\n", first, sizeof first);
	n2 = steal_record(&p, "second\n", second, sizeof second);
	deliver(&p, first, n1);
	deliver(&p, second, n2 / 2); /* a whole record and half of the next */
	assert_int_equal(ok_stream_read(&p.srv, buf, sizeof buf), 6);
	assert_memory_equal(buf, "first\n", 6);
	assert_int_not_equal(ok_tls_pending(&p.srv), 0); /* it cannot know the rest is missing */
	assert_int_equal(ok_stream_read(&p.srv, buf, sizeof buf), OK_IO_WANT_READ);
	assert_int_equal(ok_tls_pending(&p.srv), 0);
	assert_int_equal(ok_stream_read(&p.srv, buf, sizeof buf), OK_IO_WANT_READ);
	assert_int_equal(ok_tls_pending(&p.srv), 0);
	deliver(&p, second + n2 / 2, n2 - n2 / 2);
	assert_int_equal(ok_stream_read(&p.srv, buf, sizeof buf), 7);
	assert_memory_equal(buf, "second\n", 7);
	assert_int_equal(ok_tls_pending(&p.srv), 0);
	pair_free(&p);
}

/* count records from cli to srv, a line each, each read by srv. */
static void records(struct pair *p, int count)
{
	char buf[16];

	for (int i = 0; i < count; i++) {
		write_all(&p->cli, "PING\n");
		assert_int_equal(ok_stream_read(&p->srv, buf, sizeof buf), 5);
	}
}

/* A stream keeps OpenSSL's buffers from its 32nd read on; each ok_tls_cool that finds 32 reads
 * since the last one keeps them, the first that finds fewer gives them back. */
static void busy_stream_keeps_buffers_until_quiet(void **state)
{
	struct ok_stream plain;
	struct pair p;
	(void)state;

	usual_pair(&p, "localhost");
	handshake(&p);
	assert_false(ok_tls_keeps_buffers(&p.srv));
	assert_int_equal(ok_tls_cool(&p.srv), 0); /* nothing kept: nothing to give back */
	records(&p, 31);
	assert_false(ok_tls_keeps_buffers(&p.srv));
	records(&p, 1);
	assert_true(ok_tls_keeps_buffers(&p.srv));
	assert_false(ok_tls_keeps_buffers(&p.cli)); /* it only wrote */
	assert_int_equal(ok_tls_cool(&p.srv), 1);   /* 32 reads since: still busy */
	records(&p, 32);
	assert_int_equal(ok_tls_cool(&p.srv), 1);
	records(&p, 31);
	assert_int_equal(ok_tls_cool(&p.srv), 0);   /* 31: quiet */
	assert_false(ok_tls_keeps_buffers(&p.srv));
	records(&p, 31); /* counted from the cool: not busy yet, and records still flow */
	assert_false(ok_tls_keeps_buffers(&p.srv));
	ok_stream_plain(&plain, 0);
	assert_false(ok_tls_keeps_buffers(&plain));
	assert_int_equal(ok_tls_cool(&plain), 0);
	pair_free(&p);
}

/* --- endings --- */

static void close_notify_is_eof_and_a_half_close(void **state)
{
	struct pair p;
	char c;
	(void)state;

	usual_pair(&p, "localhost");
	handshake(&p);
	write_all(&p.cli, "PING\n");
	assert_int_equal(ok_stream_shutdown(&p.cli), 0);
	assert_int_equal(ok_stream_shutdown(&p.cli), 0); /* once is enough */
	expect_read(&p.srv, "PING\n");
	assert_int_equal(ok_stream_read(&p.srv, &c, 1), OK_IO_EOF);
	write_all(&p.srv, "OK\n"); /* every line received is still answered */
	assert_int_equal(ok_stream_shutdown(&p.srv), 0);
	expect_read(&p.cli, "OK\n");
	assert_int_equal(ok_stream_read(&p.cli, &c, 1), OK_IO_EOF);
	assert_int_equal(ok_tls_truncated(&p.cli), 0);
	assert_int_equal(ok_tls_truncated(&p.srv), 0);
	pair_free(&p);
}

static void shutdown_first_finishes_a_pending_write(void **state)
{
	static char chunk[8192], sink[1 << 16];
	int small = 4096;
	size_t sent, got = 0;
	struct pair p;
	int r, i;
	(void)state;

	memset(chunk, 'x', sizeof chunk);
	usual_pair(&p, "localhost");
	assert_int_equal(setsockopt(p.cli.fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
	handshake(&p);
	sent = fill_until_want(&p, chunk, sizeof chunk) + sizeof chunk; /* the pending one too */
	for (i = 0; i < 1000 && (r = ok_stream_shutdown(&p.cli)) != 0; i++) {
		assert_int_equal(r, OK_IO_WANT_WRITE);
		got += read_some(&p.srv, sink, sizeof sink);
	}
	assert_int_equal(ok_stream_shutdown(&p.cli), 0);
	got += read_some(&p.srv, sink, sizeof sink);
	assert_int_equal(got, sent);
	assert_int_equal(ok_stream_read(&p.srv, sink, 1), OK_IO_EOF);
	pair_free(&p);
}

static void shutdown_before_handshake_is_refused(void **state)
{
	struct pair p;
	(void)state;

	usual_pair(&p, "localhost");
	errno = 0;
	assert_int_equal(ok_stream_shutdown(&p.cli), OK_IO_ERROR);
	assert_int_equal(errno, ENOTCONN);
	pair_free(&p);
}

static void tcp_close_without_close_notify_is_truncation(void **state)
{
	struct pair p;
	char buf[16];
	(void)state;

	usual_pair(&p, "localhost");
	handshake(&p);
	write_all(&p.srv, "OK\n");
	ok_stream_close(&p.srv); /* no ok_stream_shutdown: no close_notify */
	expect_read(&p.cli, "OK\n");
	errno = 0;
	assert_int_equal(ok_stream_read(&p.cli, buf, sizeof buf), OK_IO_ERROR);
	assert_int_equal(errno, ECONNRESET);
	assert_int_equal(ok_tls_truncated(&p.cli), 1);
	assert_string_equal(ok_tls_error(&p.cli), "connection closed without close_notify");
	assert_int_equal(ok_stream_shutdown(&p.cli), OK_IO_ERROR); /* nothing to end cleanly */
	pair_free(&p);
}

/* --- files --- */

static void expect_server_ctx_error(const char *crt, const char *key, const char *ca,
                                    const char *expect)
{
	struct ok_tls_server_conf conf = { crt, key, ca };
	struct ok_err e = { 0, 0, "" };

	assert_null(ok_tls_server_ctx(&conf, &e));
	assert_string_equal(e.msg, expect);
}

static void mismatched_key_names_the_key_file(void **state)
{
	char expect[800];
	(void)state;

	snprintf(expect, sizeof expect, "TLS key %s: does not match the certificate %s",
	         cert("other.key"), cert("server.pem"));
	expect_server_ctx_error(cert("server.pem"), cert("other.key"), NULL, expect);
}

static void unreadable_files_are_named_with_the_reason(void **state)
{
	char expect[800];
	(void)state;

	snprintf(expect, sizeof expect, "TLS certificate %s: No such file or directory",
	         cert("none.pem"));
	expect_server_ctx_error(cert("none.pem"), cert("server.key"), NULL, expect);
	snprintf(expect, sizeof expect, "TLS key %s: No such file or directory", cert("none.key"));
	expect_server_ctx_error(cert("server.pem"), cert("none.key"), NULL, expect);
	snprintf(expect, sizeof expect, "TLS CA file %s: No such file or directory", cert("no.pem"));
	expect_server_ctx_error(cert("server.pem"), cert("server.key"), cert("no.pem"), expect);
	snprintf(expect, sizeof expect, "TLS certificate %s: no PEM data found", cert("server.key"));
	expect_server_ctx_error(cert("server.key"), cert("server.key"), NULL, expect);
}

/* --- verification --- */

/* The handshake of p fails on the client's side with this reason. */
static void expect_client_refusal(struct pair *p, const char *reason)
{
	int rs, rc;

	drive(p, &rs, &rc);
	assert_int_equal(rc, OK_IO_ERROR);
	assert_int_equal(errno, EPROTO);
	assert_string_equal(ok_tls_error(&p->cli), reason);
	assert_int_not_equal(rs, 0);
	pair_free(p);
}

static void self_signed_server_is_refused(void **state)
{
	struct pair p;
	(void)state;

	/* The system's trust store, as okclient --tls has it without --tls-ca. */
	pair_of(&p, server_ctx(cert("selfsigned.pem"), cert("selfsigned.key"), NULL),
	        client_ctx(NULL, NULL, NULL, NULL, 0), "localhost");
	expect_client_refusal(&p, "certificate verify failed: self-signed certificate");
}

static void insecure_client_connects_unverified(void **state)
{
	struct pair p;
	(void)state;

	pair_of(&p, server_ctx(cert("selfsigned.pem"), cert("selfsigned.key"), NULL),
	        client_ctx(NULL, NULL, NULL, NULL, 1), "localhost");
	handshake(&p);
	assert_int_equal(ok_tls_peer_verified(&p.cli), 0);
	pair_free(&p);
}

static void hostname_mismatch_names_the_host(void **state)
{
	struct pair p;
	(void)state;

	usual_pair(&p, "example.com");
	expect_client_refusal(&p, "certificate verify failed: hostname mismatch (example.com)");
}

static void ip_literals_match_certificate_addresses(void **state)
{
	static const char *const ok[] = { "127.0.0.1", "::1" };
	struct pair p;
	size_t i;
	(void)state;

	for (i = 0; i < 2; i++) {
		usual_pair(&p, ok[i]);
		handshake(&p);
		assert_int_equal(ok_tls_peer_verified(&p.cli), 1);
		assert_null(ok_tls_sni(&p.srv)); /* an address is never sent as SNI */
		pair_free(&p);
	}
	usual_pair(&p, "127.0.0.2");
	expect_client_refusal(&p, "certificate verify failed: IP address mismatch (127.0.0.2)");
}

static void servername_is_sent_and_matched_instead(void **state)
{
	struct pair p;
	(void)state;

	pair_of(&p, server_ctx(cert("server.pem"), cert("server.key"), NULL),
	        client_ctx(cert("ca.pem"), NULL, NULL, "localhost", 0), "127.0.0.2");
	handshake(&p);
	assert_int_equal(ok_tls_peer_verified(&p.cli), 1);
	assert_string_equal(ok_tls_sni(&p.srv), "localhost");
	pair_free(&p);
}

/* --- mutual TLS --- */

static void mutual_tls_accepts_a_verified_client(void **state)
{
	struct pair p;
	(void)state;

	pair_of(&p, server_ctx(cert("server.pem"), cert("server.key"), cert("ca.pem")),
	        client_ctx(cert("ca.pem"), cert("client.pem"), cert("client.key"), NULL, 0),
	        "localhost");
	handshake(&p);
	assert_int_equal(ok_tls_peer_verified(&p.srv), 1);
	write_all(&p.cli, "PING\n");
	expect_read(&p.srv, "PING\n");
	pair_free(&p);
}

/* TLS 1.3: the client's handshake is done before the server has judged its certificate, so
 * the server's alert reaches the client at its first read. */
static void mutual_tls_refuses_a_client_without_certificate(void **state)
{
	struct pair p;
	char buf[16];
	int rs, rc;
	(void)state;

	pair_of(&p, server_ctx(cert("server.pem"), cert("server.key"), cert("ca.pem")),
	        client_ctx(cert("ca.pem"), NULL, NULL, NULL, 0), "localhost");
	drive(&p, &rs, &rc);
	assert_int_equal(rs, OK_IO_ERROR);
	assert_string_equal(ok_tls_error(&p.srv), "peer did not return a certificate");
	assert_int_equal(rc, 0);
	errno = 0;
	assert_int_equal(ok_stream_read(&p.cli, buf, sizeof buf), OK_IO_ERROR);
	assert_int_equal(errno, EPROTO);
	assert_string_equal(ok_tls_error(&p.cli), "tlsv13 alert certificate required");
	pair_free(&p);
}

static void mutual_tls_refuses_an_unverified_client(void **state)
{
	struct pair p;
	int rs, rc;
	(void)state;

	pair_of(&p, server_ctx(cert("server.pem"), cert("server.key"), cert("ca.pem")),
	        client_ctx(cert("ca.pem"), cert("selfsigned.pem"), cert("selfsigned.key"), NULL, 0),
	        "localhost");
	drive(&p, &rs, &rc);
	assert_int_equal(rs, OK_IO_ERROR);
	assert_string_equal(ok_tls_error(&p.srv), "certificate verify failed: self-signed certificate");
	pair_free(&p);
}

/* --- reload --- */

static void copy_file(const char *from, const char *to)
{
	char buf[4096];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	assert_int_equal(fclose(in), 0);
	assert_int_equal(fclose(out), 0);
}

/* A new connection from ctx, seen by a client that trusts the root CA. */
static void expect_new_connection(struct ok_tls_ctx *ctx, int verifies)
{
	struct pair p;

	pair_of(&p, ctx, client_ctx(cert("ca.pem"), NULL, NULL, NULL, 0), "localhost");
	if (verifies) {
		handshake(&p);
		p.sctx = NULL; /* the caller's */
		pair_free(&p);
		return;
	}
	p.sctx = NULL;
	expect_client_refusal(&p, "certificate verify failed: self-signed certificate");
}

static void reload_builds_a_new_context(void **state)
{
	char crt[320], key[320], expect[800];
	struct ok_err e = { 0, 0, "" };
	struct ok_tls_ctx *ctx2;
	struct pair old;
	(void)state;

	snprintf(crt, sizeof crt, "%s", cert("reload.pem"));
	snprintf(key, sizeof key, "%s", cert("reload.key"));
	copy_file(cert("server.pem"), crt);
	copy_file(cert("server.key"), key);
	pair_of(&old, server_ctx(crt, key, NULL), client_ctx(cert("ca.pem"), NULL, NULL, NULL, 0),
	        "localhost");
	handshake(&old);
	copy_file(cert("selfsigned.pem"), crt);
	copy_file(cert("selfsigned.key"), key);
	ctx2 = ok_tls_reload(old.sctx, &e);
	assert_non_null(ctx2);
	ok_tls_ctx_free(old.sctx); /* swapped: the open connection keeps what it has */
	old.sctx = NULL;
	write_all(&old.cli, "PING\n");
	expect_read(&old.srv, "PING\n");
	write_all(&old.srv, "OK\n");
	expect_read(&old.cli, "OK\n");
	pair_free(&old);
	expect_new_connection(ctx2, 0); /* the new certificate: self-signed */
	assert_int_equal(unlink(crt), 0);
	snprintf(expect, sizeof expect, "TLS certificate %s: No such file or directory", crt);
	assert_null(ok_tls_reload(ctx2, &e));
	assert_string_equal(e.msg, expect);
	assert_int_equal(unlink(key), 0);
	ok_tls_ctx_free(ctx2);
}

/* --- a build without TLS --- */

static void no_tls_build_says_so(void **state)
{
	struct ok_tls_server_conf sconf = { "c.pem", "k.pem", NULL };
	struct ok_tls_client_conf cconf = { NULL, NULL, NULL, NULL, 0 };
	struct ok_err e = { 0, 0, "" };
	struct ok_stream st;
	(void)state;

	assert_int_equal(ok_tls_available(), 0);
	assert_string_equal(ok_tls_version(), "no");
	assert_null(ok_tls_server_ctx(&sconf, &e));
	assert_string_equal(e.msg, "TLS: not in this build (it was made with TLS=0)");
	assert_null(ok_tls_client_ctx(&cconf, &e));
	assert_int_equal(ok_tls_connect(&st, 0, NULL, "localhost", &e), -1);
	ok_stream_plain(&st, 0);
	assert_int_equal(ok_stream_is_tls(&st), 0);
	assert_int_equal(ok_tls_pending(&st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(version_names_openssl_3),
		cmocka_unit_test(handshake_names_protocol_cipher_and_sni),
		cmocka_unit_test(plain_stream_is_not_tls),
		cmocka_unit_test(plaintext_client_fails_the_handshake),
		cmocka_unit_test(writev_batch_is_one_record),
		cmocka_unit_test(read_of_nothing_wants_read),
		cmocka_unit_test(data_flows_both_ways_with_wants),
		cmocka_unit_test(retry_with_fewer_bytes_is_refused),
		cmocka_unit_test(small_reads_leave_bytes_pending),
		cmocka_unit_test(records_read_ahead_are_pending),
		cmocka_unit_test(part_of_a_record_is_not_pending),
		cmocka_unit_test(busy_stream_keeps_buffers_until_quiet),
		cmocka_unit_test(close_notify_is_eof_and_a_half_close),
		cmocka_unit_test(shutdown_first_finishes_a_pending_write),
		cmocka_unit_test(shutdown_before_handshake_is_refused),
		cmocka_unit_test(tcp_close_without_close_notify_is_truncation),
		cmocka_unit_test(mismatched_key_names_the_key_file),
		cmocka_unit_test(unreadable_files_are_named_with_the_reason),
		cmocka_unit_test(self_signed_server_is_refused),
		cmocka_unit_test(insecure_client_connects_unverified),
		cmocka_unit_test(hostname_mismatch_names_the_host),
		cmocka_unit_test(ip_literals_match_certificate_addresses),
		cmocka_unit_test(servername_is_sent_and_matched_instead),
		cmocka_unit_test(mutual_tls_accepts_a_verified_client),
		cmocka_unit_test(mutual_tls_refuses_a_client_without_certificate),
		cmocka_unit_test(mutual_tls_refuses_an_unverified_client),
		cmocka_unit_test(reload_builds_a_new_context),
	};
	const struct CMUnitTest without[] = {
		cmocka_unit_test(no_tls_build_says_so),
	};

	/* A write to a peer that closed is EPIPE, as in both programs. */
	signal(SIGPIPE, SIG_IGN);
	if (!ok_tls_available())
		return cmocka_run_group_tests_name("tls (a build without TLS)", without, NULL, NULL);
	return cmocka_run_group_tests_name("tls", tests, make_certs, remove_certs);
}
