/* test_transport.c - common/transport's plain seam: no stream (ok_stream_none), closing safely. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "transport.h"

/* A descriptor that is open: fcntl answers for it. */
static int is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* No stream reads as none: descriptor -1, a transport whose calls fail, a close that does
 * nothing (and can be repeated), never a call through a missing table. */
static void no_stream_is_fd_minus_one_and_its_calls_fail(void **state)
{
	struct ok_stream st;
	char byte = 'x';
	(void)state;

	memset(&st, 0xa5, sizeof st); /* whatever was there before */
	ok_stream_none(&st);
	assert_int_equal(st.fd, -1);
	assert_non_null(st.t);
	assert_null(st.impl);
	errno = 0;
	assert_int_equal(ok_stream_read(&st, &byte, 1), OK_IO_ERROR);
	assert_int_equal(errno, EBADF);
	assert_int_equal(ok_stream_write(&st, &byte, 1), OK_IO_ERROR);
	assert_int_equal(ok_stream_shutdown(&st), OK_IO_ERROR);
	ok_stream_close(&st);
	ok_stream_close(&st);
	assert_int_equal(st.fd, -1);
}

/* A zeroed record (calloc, memset) says descriptor 0 with no transport: closing it must neither
 * call through the missing table nor close descriptor 0, which is not its own. */
static void closing_a_zeroed_record_touches_nothing(void **state)
{
	struct ok_stream st;
	(void)state;

	if (!is_open(0)) /* the test needs a descriptor 0 that a wrong close would take */
		assert_int_equal(open("/dev/null", O_RDONLY), 0);
	memset(&st, 0, sizeof st);
	assert_true(is_open(0));
	ok_stream_close(&st);
	assert_true(is_open(0));
}

/* A plain stream's close closes its descriptor and leaves the stream as none. */
static void closing_a_plain_stream_closes_its_descriptor(void **state)
{
	struct ok_stream st;
	int sv[2];
	(void)state;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ok_stream_plain(&st, sv[0]);
	ok_stream_close(&st);
	assert_int_equal(st.fd, -1);
	assert_false(is_open(sv[0]));
	ok_stream_close(&st); /* again: nothing */
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_stream_is_fd_minus_one_and_its_calls_fail),
		cmocka_unit_test(closing_a_zeroed_record_touches_nothing),
		cmocka_unit_test(closing_a_plain_stream_closes_its_descriptor),
	};

	return cmocka_run_group_tests_name("transport: no stream, closing", tests, NULL, NULL);
}
