/* test_sigwait.c - the wait of okclient and okbench: descriptors, timeout, signals let in only then. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "sigwait.h"

/* Long enough that a wait that missed its signal fails by timing out (0), never by a clock. */
#define NEVER_NS 10000000000LL

static volatile sig_atomic_t got_usr1;
static sigset_t open_mask; /* the mask the tests started with, SIGUSR1 let in */

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
	ok_sigwait_wake();
}

/* A handler for SIGUSR1, blocked from here on (as the interactive loop keeps its signals). */
static int catch_usr1(void **state)
{
	struct sigaction sa;
	sigset_t usr1;

	(void)state;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (ok_sigwait_open() < 0 || sigaction(SIGUSR1, &sa, NULL) < 0 ||
	    sigprocmask(SIG_BLOCK, &usr1, &open_mask) < 0)
		return -1;
	sigdelset(&open_mask, SIGUSR1);
	got_usr1 = 0;
	return 0;
}

static int release_usr1(void **state)
{
	(void)state;
	signal(SIGUSR1, SIG_DFL);
	sigprocmask(SIG_SETMASK, &open_mask, NULL);
	ok_sigwait_close();
	return 0;
}

static int usr1_blocked(void)
{
	sigset_t now;

	sigprocmask(SIG_SETMASK, NULL, &now);
	return sigismember(&now, SIGUSR1);
}

static void ready_descriptor_is_reported(void **state)
{
	int p[2];
	struct pollfd pfd[2]; /* one slot more: ok_sigwait's own, where there is no ppoll */

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	pfd[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	assert_int_equal(ok_sigwait(pfd, 1, NEVER_NS, &open_mask), 1);
	assert_true(pfd[0].revents & POLLIN);
	assert_true(usr1_blocked());
	close(p[0]);
	close(p[1]);
}

static void nothing_ready_times_out_with_0(void **state)
{
	struct pollfd pfd[2] = { { .fd = -1, .events = POLLIN } };

	(void)state;
	assert_int_equal(ok_sigwait(pfd, 1, 20000000, &open_mask), 0); /* 20 ms */
	assert_int_equal(pfd[0].revents, 0);
}

/* The race a plain poll() loses: the signal came after the flags were checked, before the wait. */
static void signal_pending_before_the_wait_ends_it_at_once(void **state)
{
	struct pollfd pfd[2] = { { .fd = -1, .events = POLLIN } };

	(void)state;
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(got_usr1, 0); /* blocked until the wait */
	errno = 0;
	assert_int_equal(ok_sigwait(pfd, 1, NEVER_NS, &open_mask), -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(got_usr1, 1);
	assert_true(usr1_blocked());
}

static void signal_during_the_wait_ends_it(void **state)
{
	struct pollfd pfd[2] = { { .fd = -1, .events = POLLIN } };
	pid_t child;
	int status;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct timespec ts = { 0, 50 * 1000000L };

		nanosleep(&ts, NULL);
		_exit(kill(getppid(), SIGUSR1) == 0 ? 0 : 1);
	}
	errno = 0;
	assert_int_equal(ok_sigwait(pfd, 1, NEVER_NS, &open_mask), -1);
	assert_int_equal(errno, EINTR);
	assert_int_equal(got_usr1, 1);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ready_descriptor_is_reported, catch_usr1, release_usr1),
		cmocka_unit_test_setup_teardown(nothing_ready_times_out_with_0, catch_usr1, release_usr1),
		cmocka_unit_test_setup_teardown(signal_pending_before_the_wait_ends_it_at_once, catch_usr1,
		                                release_usr1),
		cmocka_unit_test_setup_teardown(signal_during_the_wait_ends_it, catch_usr1, release_usr1),
	};

	return cmocka_run_group_tests_name("sigwait", tests, NULL, NULL);
}
