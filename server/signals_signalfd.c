/* signals_signalfd.c - the signals okserver acts on (signals.h) as a descriptor: signalfd. */
#include <sys/signalfd.h>
#include <unistd.h>

#include "signals.h"

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
