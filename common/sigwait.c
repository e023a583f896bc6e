/* sigwait.c - the wait of sigwait.h: ppoll where the system has it, else poll and a self-pipe. */
#define _GNU_SOURCE /* ppoll, where OK_HAVE_PPOLL */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "platform.h"
#include "selfpipe.h"
#include "sigwait.h"

#if OK_HAVE_PPOLL

int ok_sigwait_open(void)
{
	return 0;
}

void ok_sigwait_wake(void)
{
}

void ok_sigwait_close(void)
{
}

/* The signal mask is swapped by the kernel for the wait alone: no signal can slip in between. */
int ok_sigwait(struct pollfd *pfd, nfds_t n, int64_t timeout_ns, const sigset_t *open_mask)
{
	struct timespec ts = { (time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000) };

	return ppoll(pfd, n, timeout_ns < 0 ? NULL : &ts, open_mask);
}

#else

/* The self-pipe's read end (common/selfpipe.c); -1 while closed. */
static int wake_fd = -1;

int ok_sigwait_open(void)
{
	wake_fd = ok_selfpipe_open();
	return wake_fd < 0 ? -1 : 0;
}

void ok_sigwait_wake(void)
{
	ok_selfpipe_post(1); /* any byte: the handler has set its flag already */
}

void ok_sigwait_close(void)
{
	ok_selfpipe_close();
	wake_fd = -1;
}

/* poll() with open_mask in force around it. A signal pending, or arriving before poll()
 * starts, runs its handler as it is let in: its byte makes poll() return at once. */
static int poll_open(struct pollfd *pfd, nfds_t n, int ms, const sigset_t *open_mask)
{
	sigset_t held;
	int ready, err;

	if (open_mask != NULL && sigprocmask(SIG_SETMASK, open_mask, &held) < 0)
		return -1;
	ready = poll(pfd, n, ms);
	err = errno;
	if (open_mask != NULL && sigprocmask(SIG_SETMASK, &held, NULL) < 0)
		return -1;
	errno = err;
	return ready;
}

/* The pipe in pfd[n] for the wait alone; a wake-up alone is what ppoll says for a signal. */
int ok_sigwait(struct pollfd *pfd, nfds_t n, int64_t timeout_ns, const sigset_t *open_mask)
{
	int64_t ms = timeout_ns < 0 ? -1 : (timeout_ns + 999999) / 1000000;
	struct pollfd spare = pfd[n];
	int ready, woken;

	pfd[n] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
	ready = poll_open(pfd, n + 1, ms > 1000000 ? 1000000 : (int)ms, open_mask);
	woken = ready > 0 && pfd[n].revents != 0;
	pfd[n] = spare;
	if (!woken)
		return ready;
	while (ok_selfpipe_take() != 0)
		; /* only emptying it */
	if (--ready == 0) {
		errno = EINTR;
		return -1;
	}
	return ready;
}

#endif
