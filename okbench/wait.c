/* wait.c - okbench's one wait: ppoll where the system has it (timers to the nanosecond), else poll. */
#define _GNU_SOURCE /* ppoll, where OK_HAVE_PPOLL */
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "platform.h"
#include "wait.h"

#if OK_HAVE_PPOLL

int okb_wait(struct pollfd *pfd, nfds_t n, int64_t timeout_ns)
{
	struct timespec ts = { (time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000) };

	return ppoll(pfd, n, timeout_ns < 0 ? NULL : &ts, NULL);
}

#else

int okb_wait(struct pollfd *pfd, nfds_t n, int64_t timeout_ns)
{
	int64_t ms = timeout_ns < 0 ? -1 : (timeout_ns + 999999) / 1000000;

	return poll(pfd, n, ms > 1000000 ? 1000000 : (int)ms);
}

#endif
