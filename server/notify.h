/* notify.h - systemd's readiness protocol (sd_notify) without libsystemd. */
#ifndef OK_NOTIFY_H
#define OK_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

/*
 * When NOTIFY_SOCKET names a Unix datagram socket ("/path", or "@name" for the abstract
 * namespace), each call sends it one datagram: "READY=1" (with "\nMAINPID=<pid>" when
 * with_pid: the detached server of -d is not the process systemd started) or "STOPPING=1".
 * NOTIFY_SOCKET unset: nothing. The socket is non-blocking, so the server never waits on it; a
 * receiver whose queue is full (EAGAIN) is not a reason to lose the message, though (systemd
 * would time out a Type=notify unit that never hears READY=1): it waits, in order with any that
 * follow, and the loop tries it again every OK_NOTIFY_AGAIN_MS for OK_NOTIFY_RETRY_MS
 * (oklimits.h) before giving it up. Any other failure (no such socket) is worth one line on the
 * log, and the server goes on: being watched is not a reason to stop serving. So each call
 * returns 0, or -1 with e filled for the first failure only (later ones would only repeat it):
 * the caller logs it. NOTIFY_SOCKET is left set; okserver starts no other program to inherit it.
 */
int notify_ready(bool with_pid, struct ok_err *e);
int notify_stopping(struct ok_err *e);

/* When the next try of a message that waits is due (ok_now_ms's clock), or -1: none waits. */
int64_t notify_due(void);

/* Tries what waits again, if due at now: 0, or -1 with e filled when a message was given up
 * (the receiver stayed full) or failed otherwise, once, as above. */
int notify_retry(int64_t now, struct ok_err *e);

#endif
