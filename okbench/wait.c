/* wait.c - okbench's stop signals held outside the wait (common/sigwait.h lets them in). */
#include <signal.h>
#include <stddef.h>

#include "wait.h"

int okb_wait_hold(sigset_t *open_mask)
{
	sigset_t stops;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	return sigprocmask(SIG_BLOCK, &stops, open_mask);
}

void okb_wait_release(const sigset_t *open_mask)
{
	(void)sigprocmask(SIG_SETMASK, open_mask, NULL); /* fails only for a bad argument */
}
