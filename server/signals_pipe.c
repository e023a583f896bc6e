/* signals_pipe.c - the signals okserver acts on, where there is no signalfd: a self-pipe. */
#include <errno.h>
#include <unistd.h>

#include "signals.h"
#include "sock.h" /* ok_set_nonblock_cloexec */

/*
 * The handler only writes the signal's number, one byte, to a non-blocking pipe; the loop reads
 * it like any other event. Until server_signals_open the signals stay blocked (main blocks them
 * first thing), so sigpending() still sees one that came early, and the handlers are installed
 * before the signals are let in: one that was pending then lands in the pipe at once.
 * One byte per delivery: where signalfd would merge two of the same signal not yet taken, the
 * pipe holds both. A full pipe drops the byte, but then signals are already waiting.
 */
static volatile sig_atomic_t write_end = -1;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (write_end >= 0 && write(write_end, &b, 1) < 0) {
		/* full (EAGAIN): the loop has bytes to read already */
	}
	errno = saved;
}

/* A handler for each of SERVER_SIGNALS, which are all blocked while it runs. Other calls are
 * restarted, but the wait (poll) never is: it returns EINTR and then finds the pipe readable. */
static int install_handlers(const sigset_t *set)
{
	static const int sigs[] = SERVER_SIGNALS;
	struct sigaction sa;

	sa.sa_handler = on_signal;
	sa.sa_mask = *set;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -1;
	return 0;
}

int server_signals_open(void)
{
	sigset_t set;
	int p[2], err;

	server_signal_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 || pipe(p) < 0)
		return -1;
	if (ok_set_nonblock_cloexec(p[0]) == 0 && ok_set_nonblock_cloexec(p[1]) == 0) {
		write_end = p[1];
		if (install_handlers(&set) == 0 && sigprocmask(SIG_UNBLOCK, &set, NULL) == 0)
			return p[0];
	}
	err = errno;
	write_end = -1;
	close(p[0]);
	close(p[1]);
	errno = err;
	return -1;
}

int server_signal_take(int fd)
{
	unsigned char b;

	if (read(fd, &b, 1) != 1)
		return 0;
	return b;
}

/* Blocks the signals again before the pipe goes, so none is written to a descriptor that may
 * already be reused; like signalfd's, they then wait, blocked. */
void server_signals_close(int fd)
{
	sigset_t set;
	int w = write_end;

	server_signal_set(&set);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
	write_end = -1;
	if (w >= 0)
		close(w);
	if (fd >= 0)
		close(fd);
}
