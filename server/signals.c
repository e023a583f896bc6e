/* signals.c - the signals okserver acts on (signals.h): blocked until the loop takes them. */
#include <errno.h>
#include <stddef.h>

#include "selfpipe.h"
#include "signals.h"

/* Fills set with SERVER_SIGNALS. */
static void server_signal_set(sigset_t *set)
{
	static const int taken[] = SERVER_SIGNALS;

	sigemptyset(set);
	for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
		sigaddset(set, taken[i]);
}

void server_signals_block(void)
{
	sigset_t set;

	server_signal_set(&set);
	(void)sigprocmask(SIG_BLOCK, &set, NULL); /* fails only for an invalid "how" */
}

bool stop_signal_pending(void)
{
	sigset_t pending;

	if (sigpending(&pending) < 0)
		return false;
	return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1;
}

/* The self-pipe's handler for each of SERVER_SIGNALS, which are all blocked while it runs.
 * Other calls are restarted, but the wait (epoll_wait, poll) never is: it returns EINTR and
 * then finds the pipe readable. */
static int install_handlers(const sigset_t *set)
{
	static const int sigs[] = SERVER_SIGNALS;
	struct sigaction sa;

	sa.sa_handler = ok_selfpipe_post;
	sa.sa_mask = *set;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -1;
	return 0;
}

/* Until here the signals stayed blocked (main blocks them first thing), so sigpending() saw one
 * that came early; the handlers are installed before the signals are let in, so one that was
 * pending then lands in the pipe at once. */
int server_signals_open(void)
{
	sigset_t set;
	int fd, err;

	server_signal_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 || (fd = ok_selfpipe_open()) < 0)
		return -1;
	if (install_handlers(&set) == 0 && sigprocmask(SIG_UNBLOCK, &set, NULL) == 0)
		return fd;
	err = errno;
	ok_selfpipe_close();
	errno = err;
	return -1;
}

int server_signal_take(int fd)
{
	(void)fd; /* the self-pipe's read end: selfpipe.c holds it */
	return ok_selfpipe_take();
}

/* Blocks the signals again before the pipe goes: they then wait, blocked, as before the loop. */
void server_signals_close(int fd)
{
	sigset_t set;

	(void)fd;
	server_signal_set(&set);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
	ok_selfpipe_close();
}
