/* wait.c - the interactive loop's wait: ppoll where the system has it, else poll and a self-pipe. */
#define _GNU_SOURCE /* ppoll, where OK_HAVE_PPOLL */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "platform.h"
#include "selfpipe.h"
#include "wait.h"

#if OK_HAVE_PPOLL

int okc_wait_open(void)
{
	return 0;
}

void okc_wait_wake(void)
{
}

void okc_wait_close(void)
{
}

/* The signal mask is swapped by the kernel for the wait alone: no signal can slip in between. */
int okc_wait(struct pollfd *pfd, size_t n, int timeout_ms, const sigset_t *open_mask)
{
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };

	return ppoll(pfd, (nfds_t)n, timeout_ms < 0 ? NULL : &ts, open_mask);
}

#else

/* The self-pipe's read end (common/selfpipe.c), polled beside the caller's descriptors; each
 * handler posts a byte into it. -1 while closed. */
static int wake_fd = -1;

int okc_wait_open(void)
{
	wake_fd = ok_selfpipe_open();
	return wake_fd < 0 ? -1 : 0;
}

void okc_wait_wake(void)
{
	ok_selfpipe_post(1); /* any byte: the handler has set its flag already */
}

void okc_wait_close(void)
{
	ok_selfpipe_close();
	wake_fd = -1;
}

/* Empties the pipe. The signals are blocked again here, so taking ends only when it is empty. */
static void drain_wakes(void)
{
	while (ok_selfpipe_take() != 0)
		; /* only emptying it */
}

/*
 * Signals are let in only around poll(), as ppoll would. One pending, or arriving before poll()
 * starts, runs its handler as they are let in: its byte makes poll() return at once, so it is
 * never left waiting for the next event. A byte written after poll() returned is drained by
 * the next wait, which then returns at once: a spare turn of the caller's loop, nothing lost.
 */
int okc_wait(struct pollfd *pfd, size_t n, int timeout_ms, const sigset_t *open_mask)
{
	struct pollfd all[OKC_WAIT_MAX + 1];
	sigset_t shut;
	int ready, err;

	if (n > OKC_WAIT_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (n > 0)
		memcpy(all, pfd, n * sizeof *pfd);
	all[n] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
	if (open_mask != NULL && sigprocmask(SIG_SETMASK, open_mask, &shut) < 0)
		return -1;
	ready = poll(all, (nfds_t)n + 1, timeout_ms);
	err = errno;
	if (open_mask != NULL && sigprocmask(SIG_SETMASK, &shut, NULL) < 0)
		return -1;
	if (ready < 0) {
		errno = err;
		return -1;
	}
	if (n > 0)
		memcpy(pfd, all, n * sizeof *pfd);
	if (all[n].revents == 0)
		return ready;
	drain_wakes();
	/* Woken by a signal alone: what ppoll says then. */
	if (--ready == 0) {
		errno = EINTR;
		return -1;
	}
	return ready;
}

#endif
