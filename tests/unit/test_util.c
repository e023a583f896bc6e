/* test_util.c - common/util: the clock moves forward, closed standard descriptors get /dev/null. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "util.h"

static void clock_moves_forward(void **state)
{
	struct timespec pause = { 0, 20000000L }; /* 20 ms */
	int64_t ms = ok_now_ms(), us = ok_now_us();
	(void)state;

	nanosleep(&pause, NULL);
	assert_true(ok_now_ms() - ms >= 20);
	assert_true(ok_now_us() - us >= 20000);
}

/* In a child, so the test runner's own descriptors are never touched. */
static void closed_stdin_and_stdout_become_dev_null(void **state)
{
	pid_t pid = fork();
	int status;
	(void)state;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct stat null_st, st;
		close(STDIN_FILENO);
		close(STDOUT_FILENO);
		if (ok_keep_stdio_open() != 0 || stat("/dev/null", &null_st) != 0)
			_exit(1);
		for (int fd = STDIN_FILENO; fd <= STDOUT_FILENO; fd++)
			if (fstat(fd, &st) != 0 || st.st_rdev != null_st.st_rdev)
				_exit(2);
		_exit(open("/dev/null", O_RDONLY) > STDERR_FILENO ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clock_moves_forward),
		cmocka_unit_test(closed_stdin_and_stdout_become_dev_null),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
