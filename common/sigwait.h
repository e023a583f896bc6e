/* sigwait.h - a poll that a signal ends, never misses: ppoll, or poll and the self-pipe. */
#ifndef OK_SIGWAIT_H
#define OK_SIGWAIT_H

#include <poll.h>
#include <signal.h>
#include <stdint.h>

/*
 * A loop that checks a flag its signal handlers set, then waits, keeps those signals blocked
 * and lets them in only while it waits (open_mask), as ppoll does: a signal that comes between
 * the check and the wait ends the wait at once instead of being missed. Where the system has no
 * ppoll (common/platform.h decides) a self-pipe does it: ok_sigwait_open makes it before the
 * handlers are set, each handler calls ok_sigwait_wake, and ok_sigwait watches it in one more
 * slot, pfd[n], which the caller's array must have (its value is kept). With ppoll, open, wake
 * and close cost nothing. Used by okclient's prompt and by okbench.
 */
int ok_sigwait_open(void);  /* 0, or -1 with errno */
void ok_sigwait_wake(void); /* async-signal-safe; keeps errno */
void ok_sigwait_close(void);

/* poll(pfd, n) for at most timeout_ns nanoseconds (< 0: no limit), with the signals of
 * open_mask let in meanwhile (NULL: no change). Where there is no ppoll the wait is rounded up
 * to whole milliseconds. As poll: the number of ready descriptors, 0, or -1 with errno (EINTR:
 * a signal, before or during it). */
int ok_sigwait(struct pollfd *pfd, nfds_t n, int64_t timeout_ns, const sigset_t *open_mask);

#endif
