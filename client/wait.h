/* wait.h - the interactive loop's wait: for its descriptors or a signal, whichever comes first. */
#ifndef OKC_WAIT_H
#define OKC_WAIT_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>

/* The most descriptors one okc_wait watches (the interactive loop has three slots). */
#define OKC_WAIT_MAX 8

/*
 * The caller keeps the signals it handles blocked; okc_wait lets them in (open_mask, NULL for
 * no change) only while it waits, as ppoll does, and a signal that arrives just before the wait
 * ends it at once: -1 with EINTR, as for one that arrives during it. Where the system has no
 * ppoll (common/platform.h decides) a self-pipe does it: okc_wait_open makes it, each handler
 * calls okc_wait_wake, okc_wait_close undoes it once the handlers are gone. With ppoll these
 * cost nothing. Otherwise okc_wait is poll(): the number of ready slots, 0 on timeout
 * (timeout_ms < 0: none), -1 with errno set.
 */
int okc_wait_open(void);
void okc_wait_wake(void); /* async-signal-safe; keeps errno */
int okc_wait(struct pollfd *pfd, size_t n, int timeout_ms, const sigset_t *open_mask);
void okc_wait_close(void);

#endif
