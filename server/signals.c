/* signals.c - the signals okserver acts on (signals.h) as a descriptor: Linux's signalfd. */
#include <stddef.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "signals.h"

static void stop_signal_set(sigset_t *set)
{
	static const int taken[] = SERVER_SIGNALS;

	sigemptyset(set);
	for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
		sigaddset(set, taken[i]);
}

void stop_signals_block(void)
{
	sigset_t set;

	stop_signal_set(&set);
	(void)sigprocmask(SIG_BLOCK, &set, NULL); /* fails only for an invalid "how" */
}

bool stop_signal_pending(void)
{
	sigset_t pending;

	if (sigpending(&pending) < 0)
		return false;
	return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1;
}

int stop_signals_open(void)
{
	sigset_t set;

	stop_signal_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int stop_signal_take(int fd)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof si) != (ssize_t)sizeof si)
		return 0;
	return (int)si.ssi_signo;
}

void stop_signals_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
