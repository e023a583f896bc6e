/* test_client_session.c - okclient's session over a transport: the loops wait for what it asks. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../client/client.h" /* the Makefile gives only -Icommon */

/*
 * A transport that answers from a script, as TLS may: a read that must write first, a write
 * that must read first, a close_notify that cannot go out yet. Each call takes the next answer.
 */
static ssize_t script[8];
static size_t next;
static int script_errno; /* errno with each OK_IO_ERROR answer */

static ssize_t scripted(void)
{
	if (script[next] == OK_IO_ERROR)
		errno = script_errno;
	return script[next++];
}

static ssize_t fake_read(struct ok_stream *st, void *buf, size_t len)
{
	ssize_t n = scripted();

	(void)st;
	if (n > 0)
		memset(buf, '\n', (size_t)n < len ? (size_t)n : len);
	return n;
}

static ssize_t fake_writev(struct ok_stream *st, const struct iovec *iov, int iovcnt)
{
	(void)st;
	(void)iov;
	(void)iovcnt;
	return scripted();
}

static int fake_shutdown(struct ok_stream *st)
{
	(void)st;
	return (int)scripted();
}

static void fake_close(struct ok_stream *st)
{
	st->fd = -1;
}

static const struct ok_transport fake = { "fake", fake_read, fake_writev, fake_shutdown,
                                          fake_close };

/* A session over the fake transport, whose calls give the n answers in turn. */
static void start(struct okc_session *s, const ssize_t *answers, size_t n)
{
	struct ok_stream st = { &fake, NULL, 5 };
	struct okc_options o = { .timeout_s = 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET };

	memcpy(script, answers, n * sizeof *answers);
	next = 0;
	okc_session_init(s, &st, (const struct sockaddr *)&sin, sizeof sin, &o);
}

static void a_read_that_wants_to_write_waits_for_pollout(void **state)
{
	const ssize_t answers[] = { OK_IO_WANT_WRITE, 3, OK_IO_WANT_READ, OK_IO_EOF };
	struct okc_session s;
	struct okc_buf b;
	(void)state;

	assert_int_equal(okc_buf_init(&b, 16), 0);
	start(&s, answers, 4);
	assert_int_equal(s.recv_wait, POLLIN);
	assert_int_equal(okc_recv_replies(&s, &b), 0);
	assert_int_equal(s.recv_wait, POLLOUT);
	assert_int_equal(okc_buf_used(&b), 0);
	assert_int_equal(okc_recv_replies(&s, &b), 0);
	assert_int_equal(s.recv_wait, POLLIN); /* done: back to what a read waits for */
	assert_int_equal(okc_buf_used(&b), 3);
	assert_int_equal(okc_recv_replies(&s, &b), 0);
	assert_int_equal(s.recv_wait, POLLIN);
	assert_false(s.net_eof);
	assert_int_equal(okc_recv_replies(&s, &b), 0);
	assert_true(s.net_eof);
	okc_buf_free(&b);
	okc_session_close(&s);
	assert_int_equal(s.st.fd, -1);
}

static void a_write_that_wants_to_read_waits_for_pollin(void **state)
{
	const ssize_t answers[] = { OK_IO_WANT_READ, OK_IO_WANT_WRITE, 2 };
	char text[] = "a\nb\n";
	struct okc_buf b = { text, 4, 0, 4 };
	struct okc_session s;
	(void)state;

	start(&s, answers, 3);
	assert_int_equal(s.send_wait, POLLOUT);
	assert_int_equal(okc_send_pending(&s, &b), OKC_SEND_OK);
	assert_int_equal(s.send_wait, POLLIN);
	assert_int_equal(okc_buf_used(&b), 4);
	assert_int_equal(okc_send_pending(&s, &b), OKC_SEND_OK);
	assert_int_equal(s.send_wait, POLLOUT);
	assert_int_equal(okc_send_pending(&s, &b), OKC_SEND_OK);
	assert_int_equal(s.send_wait, POLLOUT);
	assert_int_equal(okc_buf_used(&b), 2);
	assert_int_equal(s.sent, 1);
}

/* A half-close that cannot finish at once is called again, until it is done. */
static void a_half_close_that_wants_is_called_again(void **state)
{
	const ssize_t answers[] = { OK_IO_WANT_READ, OK_IO_WANT_WRITE, 0 };
	struct okc_session s;
	(void)state;

	start(&s, answers, 3);
	assert_int_equal(okc_shut_sending(&s), 0);
	assert_true(s.wr_shut);
	assert_true(s.shut_again);
	assert_int_equal(s.send_wait, POLLIN);
	assert_int_equal(okc_shut_sending(&s), 0);
	assert_true(s.shut_again);
	assert_int_equal(s.send_wait, POLLOUT);
	assert_int_equal(okc_shut_sending(&s), 0);
	assert_false(s.shut_again);
	assert_int_equal(next, 3);
	assert_int_equal(okc_shut_sending(&s), 0); /* done: not called again */
	assert_int_equal(next, 3);
	assert_int_equal(s.send_err, 0);
}

/* TLS's close_notify is a write: one that finds the server gone (EPIPE, ECONNRESET) leaves the
 * session to read what the server said last; any other failure is a failed send. */
static void a_half_close_that_finds_the_server_gone_is_no_failure(void **state)
{
	const ssize_t answers[] = { OK_IO_ERROR };
	struct okc_session s;
	(void)state;

	script_errno = EPIPE;
	start(&s, answers, 1);
	assert_int_equal(okc_shut_sending(&s), 0);
	assert_true(s.send_cut);
	assert_int_equal(s.send_err, 0);
	script_errno = ECONNRESET;
	start(&s, answers, 1);
	assert_int_equal(okc_shut_sending(&s), 0);
	assert_true(s.send_cut);
	script_errno = EIO;
	start(&s, answers, 1);
	assert_int_equal(okc_shut_sending(&s), -1);
	assert_false(s.send_cut);
	assert_int_equal(s.send_err, EIO);
	assert_string_equal(s.tls_failure, ""); /* only a TLS stream's failure is TLS's */
}

/* A half-close still waiting when the server's end comes is given up: the loops arm the sending
 * slot while shut_again is set, and a socket the server closed is always ready, so a slot left
 * armed would wake the loop at once, again and again, until stdout took the rest. */
static void a_half_close_waiting_at_the_servers_end_is_given_up(void **state)
{
	const ssize_t answers[] = { OK_IO_WANT_WRITE, OK_IO_EOF };
	struct okc_session s;
	struct okc_buf b;
	(void)state;

	assert_int_equal(okc_buf_init(&b, 16), 0);
	start(&s, answers, 2);
	assert_int_equal(okc_shut_sending(&s), 0);
	assert_true(s.shut_again);
	assert_int_equal(okc_recv_replies(&s, &b), 0);
	assert_true(s.net_eof);
	assert_int_equal(okc_shut_sending(&s), 0);
	assert_false(s.shut_again); /* the sending slot is no longer armed */
	assert_int_equal(next, 2);  /* and the half-close is not called again */
	assert_int_equal(s.send_err, 0);
	okc_buf_free(&b);
}

/* The same when the server went away while we sent (send_cut): nothing more can go out. */
static void a_half_close_waiting_when_the_send_is_cut_is_given_up(void **state)
{
	const ssize_t answers[] = { OK_IO_WANT_WRITE };
	struct okc_session s;
	(void)state;

	start(&s, answers, 1);
	assert_int_equal(okc_shut_sending(&s), 0);
	assert_true(s.shut_again);
	s.send_cut = 1;
	assert_int_equal(okc_shut_sending(&s), 0);
	assert_false(s.shut_again);
	assert_int_equal(next, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_read_that_wants_to_write_waits_for_pollout),
		cmocka_unit_test(a_write_that_wants_to_read_waits_for_pollin),
		cmocka_unit_test(a_half_close_that_wants_is_called_again),
		cmocka_unit_test(a_half_close_that_finds_the_server_gone_is_no_failure),
		cmocka_unit_test(a_half_close_waiting_at_the_servers_end_is_given_up),
		cmocka_unit_test(a_half_close_waiting_when_the_send_is_cut_is_given_up),
	};

	return cmocka_run_group_tests_name("client session over a transport", tests, NULL, NULL);
}
