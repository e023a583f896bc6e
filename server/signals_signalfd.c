/* signals_signalfd.c - the signals okserver acts on (signals.h) as a descriptor: signalfd. */
#include <sys/signalfd.h>
#include <unistd.h>

#include "signals.h"

int server_signals_open(void)
{
	sigset_t set;

	server_signal_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int server_signal_take(int fd)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof si) != (ssize_t)sizeof si)
		return 0;
	return (int)si.ssi_signo;
}

void server_signals_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
