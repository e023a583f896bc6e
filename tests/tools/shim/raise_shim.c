/* raise_shim.c - an LD_PRELOAD that raises a signal at a chosen moment: before a wait, or a socket. */
/*
 * OK_TEST_RAISE=15 okbench ... : the first ppoll with no timeout (or poll with a negative one)
 * raises signal 15 in the process, then waits as asked. The signal so comes after the caller
 * last looked at its flags and before the kernel waits: the moment a loop that waits with the
 * signal let in all along misses it, and waits on with nothing left to wake it. A loop that
 * keeps the signal blocked and lets it in with ppoll's mask (or through a self-pipe) is woken
 * at once.
 * OK_TEST_RAISE_SOCKET=N as well: the signal is raised just before the Nth socket() instead
 * (then made as asked), as if it came while connections are being opened.
 * Built apart from the programs (a shared object for the test machine's own architecture),
 * never linked in.
 */
#define _GNU_SOURCE /* RTLD_NEXT, ppoll */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

typedef int ppoll_fn(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
typedef int poll_fn(struct pollfd *, nfds_t, int);
typedef int socket_fn(int, int, int);

static int raised;
static long sockets;

/* A positive number from the environment variable name, or 0. */
static long env_number(const char *name)
{
	const char *text = getenv(name);
	char *end;
	long v;

	if (text == NULL)
		return 0;
	v = strtol(text, &end, 10);
	return end != text && *end == '\0' && v > 0 ? v : 0;
}

/* The first time only: OK_TEST_RAISE's signal, if it names one. */
static void raise_once(void)
{
	long sig = env_number("OK_TEST_RAISE");

	if (raised || sig <= 0 || sig >= 65)
		return;
	raised = 1;
	(void)raise((int)sig);
}

/* Whether a wait with no time limit is the moment (no OK_TEST_RAISE_SOCKET given). */
static int at_wait(void)
{
	return env_number("OK_TEST_RAISE_SOCKET") == 0;
}

int ppoll(struct pollfd *pfd, nfds_t n, const struct timespec *timeout, const sigset_t *mask)
{
	ppoll_fn *real;

	if (timeout == NULL && at_wait())
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

	if (timeout_ms < 0 && at_wait())
		raise_once();
	*(void **)&real = dlsym(RTLD_NEXT, "poll");
	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real(pfd, n, timeout_ms);
}

int socket(int domain, int type, int protocol)
{
	socket_fn *real;

	if (++sockets == env_number("OK_TEST_RAISE_SOCKET"))
		raise_once();
	*(void **)&real = dlsym(RTLD_NEXT, "socket");
	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real(domain, type, protocol);
}
