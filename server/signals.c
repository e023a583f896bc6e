/* signals.c - the signals okserver acts on (signals.h): blocking them, seeing a stop pending. */
#include <stddef.h>

#include "signals.h"

void server_signal_set(sigset_t *set)
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
