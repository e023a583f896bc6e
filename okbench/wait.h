/* wait.h - okbench's stop signals: held outside the wait, let in by common/sigwait.h's. */
#ifndef OKB_WAIT_H
#define OKB_WAIT_H

#include <signal.h>

#include "sigwait.h"

/*
 * A loop that checks okb_stop and then waits keeps SIGINT and SIGTERM blocked (okb_wait_hold)
 * and lets them in only while it waits (ok_sigwait with the mask hold gave back), so a stop
 * that comes between the check and the wait ends the wait at once instead of being missed.
 */

/* Blocks SIGINT and SIGTERM; *open_mask: the mask before, for ok_sigwait and okb_wait_release.
 * 0, or -1 with errno. */
int okb_wait_hold(sigset_t *open_mask);
/* The mask before okb_wait_hold again (a stop held meanwhile runs its handler now). */
void okb_wait_release(const sigset_t *open_mask);

#endif
