/* test_nbwrite.c - server/nbwrite: a shared pipe, socket or file written without ever waiting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h> /* PIPE_BUF */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nbwrite.h"

#define PB ((size_t)PIPE_BUF) /* what a pipe with room takes at once, as a size */

/* A write that waited would hang the test: SIGALRM ends it instead, as a failure. */
static int arm_alarm(void **state)
{
	(void)state;
	alarm(20);
	return 0;
}

/* n bytes of lines of `len` bytes each ("xxx...x\n"), the last one maybe cut. */
static char *lines_of(size_t n, size_t len)
{
	char *p = malloc(n);

	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (i + 1) % len == 0 ? '\n' : 'x';
	return p;
}

/* Writes to o until it takes nothing; the bytes it took. Never waits, or SIGALRM says so. */
static size_t fill(const struct nb_out *o)
{
	char block[PB];
	size_t total = 0;
	ssize_t w;

	memset(block, 'f', sizeof block);
	block[sizeof block - 1] = '\n';
	while ((w = nb_out_write(o, block, sizeof block)) > 0)
		total += (size_t)w;
	assert_int_equal(w, 0);
	return total;
}

/* A full blocking pipe: written as far as it takes, then 0, and its flags never touched. */
static void a_full_pipe_takes_nothing_and_stays_blocking(void **state)
{
	int p[2];
	struct nb_out o;

	(void)state;
	assert_int_equal(pipe(p), 0);
	nb_out_share(&o, p[1]);
	assert_int_equal(o.way, NB_POLL);
	assert_int_equal(o.fd, p[1]);
	assert_int_equal(nb_out_wait_fd(&o), p[1]);
	assert_true(fill(&o) >= PB);
	assert_int_equal(fcntl(p[1], F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
	nb_out_close(&o);
	assert_true(fcntl(p[1], F_GETFD) >= 0); /* shared: not ours to close */
	close(p[0]);
	close(p[1]);
}

/* Into a pipe at most PIPE_BUF bytes go at once, cut after a line's LF, across two pieces. */
static void a_pipe_takes_whole_lines_of_two_pieces(void **state)
{
	int p[2];
	struct nb_out o;
	size_t a_len = (PB / 100 - 1) * 100, rest = PB - a_len; /* 100 to 199 bytes */
	char *a = lines_of(a_len, 100), *b = lines_of(PB, 30);
	char *c = lines_of(PB, PB + 1); /* no LF */
	struct iovec ab[2] = { { a, a_len }, { b, PB } };
	struct iovec ac[2] = { { a, a_len }, { c, PB } };

	(void)state;
	assert_int_equal(pipe(p), 0);
	nb_out_share(&o, p[1]);
	/* The last LF within PIPE_BUF is b's: a whole, then b's first lines. */
	assert_int_equal(nb_out_writev(&o, ab, 2), a_len + rest / 30 * 30);
	/* c has none: a alone. */
	assert_int_equal(nb_out_writev(&o, ac, 2), a_len);
	free(a);
	free(b);
	free(c);
	close(p[0]);
	close(p[1]);
}

/* No LF within PIPE_BUF: PIPE_BUF bytes; at most PIPE_BUF: all of them, an LF or not. */
static void a_pipe_takes_pipe_buf_without_a_line_end(void **state)
{
	int p[2];
	struct nb_out o;
	char *a = lines_of(3 * PB, 3 * PB + 1); /* no LF at all */

	(void)state;
	assert_int_equal(pipe(p), 0);
	nb_out_share(&o, p[1]);
	assert_int_equal(nb_out_write(&o, a, 3 * PB), PB);
	assert_int_equal(nb_out_write(&o, a, PB - 7), PB - 7);
	free(a);
	close(p[0]);
	close(p[1]);
}

/* A pipe nobody reads any more: -1 with EPIPE (SIGPIPE ignored, as okserver does). */
static void a_broken_pipe_fails(void **state)
{
	int p[2];
	struct nb_out o;

	(void)state;
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	nb_out_share(&o, p[1]);
	assert_int_equal(nb_out_write(&o, "a\n", 2), -1);
	assert_int_equal(errno, EPIPE);
	close(p[1]);
}

/* A full socket: sent to without waiting, and left blocking. */
static void a_full_socket_takes_nothing_and_stays_blocking(void **state)
{
	int sv[2];
	struct nb_out o;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	nb_out_share(&o, sv[0]);
	assert_int_equal(o.way, NB_SEND);
	assert_true(fill(&o) > 0);
	assert_int_equal(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0);
	close(sv[0]);
	close(sv[1]);
}

/* A regular file: written as is, and never watched. */
static void a_regular_file_is_written_as_is(void **state)
{
	char name[] = "/tmp/test_nbwrite.XXXXXX";
	int fd = mkstemp(name);
	struct nb_out o;

	(void)state;
	assert_true(fd >= 0);
	unlink(name);
	nb_out_share(&o, fd);
	assert_int_equal(o.way, NB_WRITE);
	assert_true(o.regular);
	assert_int_equal(nb_out_wait_fd(&o), -1);
	assert_int_equal(nb_out_write(&o, "one\ntwo\n", 8), 8);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 8);
	close(fd);
}

/* More pieces than NB_PIECES_MAX: refused, nothing written. */
static void too_many_pieces_are_refused(void **state)
{
	int p[2];
	struct nb_out o;
	struct iovec iov[NB_PIECES_MAX + 1] = { { "a", 1 } };

	(void)state;
	assert_int_equal(pipe(p), 0);
	nb_out_share(&o, p[1]);
	assert_int_equal(nb_out_writev(&o, iov, NB_PIECES_MAX + 1), -1);
	assert_int_equal(errno, EINVAL);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_full_pipe_takes_nothing_and_stays_blocking),
		cmocka_unit_test(a_pipe_takes_whole_lines_of_two_pieces),
		cmocka_unit_test(a_pipe_takes_pipe_buf_without_a_line_end),
		cmocka_unit_test(a_broken_pipe_fails),
		cmocka_unit_test(a_full_socket_takes_nothing_and_stays_blocking),
		cmocka_unit_test(a_regular_file_is_written_as_is),
		cmocka_unit_test(too_many_pieces_are_refused),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, arm_alarm, NULL);
}
