/* test_selfpipe.c - the self-pipe loses no signal to a full pipe, and merges repeats. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>

#include "selfpipe.h"

static int readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* A flood of one signal fills the pipe; one posted then is still taken, and the flood once. */
static void a_full_pipe_loses_no_signal(void **state)
{
	int fd = ok_selfpipe_open();

	(void)state;
	assert_true(fd >= 0);
	for (int i = 0; i < 200000; i++) /* far beyond a pipe's 64 KiB */
		ok_selfpipe_post(SIGUSR1);
	ok_selfpipe_post(SIGTERM);
	assert_true(readable(fd));
	assert_int_equal(ok_selfpipe_take(), SIGUSR1); /* the lowest number first */
	assert_true(readable(fd));                     /* woken again for the one left */
	assert_int_equal(ok_selfpipe_take(), SIGTERM);
	assert_int_equal(ok_selfpipe_take(), 0);
	assert_false(readable(fd));
	ok_selfpipe_close();
}

/* Nothing posted: nothing taken; closed: posting is harmless and taking gives 0. */
static void empty_and_closed(void **state)
{
	int fd = ok_selfpipe_open();

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ok_selfpipe_take(), 0);
	ok_selfpipe_close();
	ok_selfpipe_post(SIGHUP);
	assert_int_equal(ok_selfpipe_take(), 0);
	fd = ok_selfpipe_open(); /* a post while closed is no signal of the new pipe */
	assert_true(fd >= 0);
	assert_int_equal(ok_selfpipe_take(), 0);
	ok_selfpipe_close();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_full_pipe_loses_no_signal),
		cmocka_unit_test(empty_and_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
