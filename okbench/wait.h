/* wait.h - okbench's one wait: poll, to the microsecond where the system can (ppoll). */
#ifndef OKB_WAIT_H
#define OKB_WAIT_H

#include <poll.h>
#include <signal.h>
#include <stdint.h>

/*
 * A loop that checks okb_stop and then waits keeps SIGINT and SIGTERM blocked (okb_wait_hold)
 * and lets them in only while it waits (okb_wait with the mask hold gave back), as ppoll does,
 * so a stop that comes between the check and the wait ends the wait at once instead of being
 * missed. Where the system has no ppoll (common/platform.h decides) a self-pipe does it:
 * okb_wait_open makes it before the handlers are set, each handler calls okb_wait_wake, and
 * okb_wait watches it in one more slot, pfd[n], which the caller's array must have (its value
 * is kept). With ppoll, open, wake and close cost nothing.
 */
int okb_wait_open(void);  /* 0, or -1 with errno */
void okb_wait_wake(void); /* async-signal-safe; keeps errno */
void okb_wait_close(void);

/* Blocks SIGINT and SIGTERM; *open_mask: the mask before, for okb_wait and okb_wait_release.
 * 0, or -1 with errno. */
int okb_wait_hold(sigset_t *open_mask);
/* The mask before okb_wait_hold again (a stop held meanwhile runs its handler now). */
void okb_wait_release(const sigset_t *open_mask);

/* poll(pfd, n) for at most timeout_ns nanoseconds (< 0: no limit), with the signals of
 * open_mask let in meanwhile (NULL: no change). Where there is no ppoll the wait is rounded up
 * to whole milliseconds, so a line due soon is sent a little late, never early. As poll: the
 * number of ready descriptors, 0, or -1 with errno (EINTR: a signal, before or during it). */
int okb_wait(struct pollfd *pfd, nfds_t n, int64_t timeout_ns, const sigset_t *open_mask);

#endif
