/* raise_shim.c - an LD_PRELOAD ppoll and poll that raise a signal just before the first unbounded wait. */
/*
 * OK_TEST_RAISE=15 okbench ... : the first ppoll with no timeout (or poll with a negative one)
 * raises signal 15 in the process, then waits as asked. The signal so comes after the caller
 * last looked at its flags and before the kernel waits: the moment a loop that waits with the
 * signal let in all along misses it, and waits on with nothing left to wake it. A loop that
 * keeps the signal blocked and lets it in with ppoll's mask (or through a self-pipe) is woken
 * at once. Built apart from the programs (a shared object for the test machine's own
 * architecture), never linked in.
 */
#define _GNU_SOURCE /* RTLD_NEXT, ppoll */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

typedef int ppoll_fn(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
typedef int poll_fn(struct pollfd *, nfds_t, int);

static int raised;

/* The first time only: OK_TEST_RAISE's signal, if it names one. */
static void raise_once(void)
{
	const char *text = getenv("OK_TEST_RAISE");
	char *end;
	long sig;

	if (raised || text == NULL)
		return;
	raised = 1;
	sig = strtol(text, &end, 10);
	if (end != text && *end == '\0' && sig > 0 && sig < 65)
		(void)raise((int)sig);
}

int ppoll(struct pollfd *pfd, nfds_t n, const struct timespec *timeout, const sigset_t *mask)
{
	ppoll_fn *real;

	if (timeout == NULL)
		raise_once();
	*(void **)&real = dlsym(RTLD_NEXT, "ppoll");
	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real(pfd, n, timeout, mask);
}

int poll(struct pollfd *pfd, nfds_t n, int timeout_ms)
{
	poll_fn *real;

	if (timeout_ms < 0)
		raise_once();
	*(void **)&real = dlsym(RTLD_NEXT, "poll");
	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real(pfd, n, timeout_ms);
}
