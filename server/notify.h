/* notify.h - systemd's readiness protocol (sd_notify) without libsystemd. */
#ifndef OK_NOTIFY_H
#define OK_NOTIFY_H

#include <stdbool.h>

#include "err.h"

/*
 * When NOTIFY_SOCKET names a Unix datagram socket ("/path", or "@name" for the abstract
 * namespace), each call sends it one datagram: "READY=1" (with "\nMAINPID=<pid>" when
 * with_pid: the detached server of -d is not the process systemd started) or "STOPPING=1".
 * NOTIFY_SOCKET unset: nothing. A send that fails (no such socket, a full one: the socket is
 * non-blocking, so the server never waits on it) is worth one line on the log, and the server
 * goes on: being watched is not a reason to stop serving. So each call returns 0, or -1 with e
 * filled for the first failure only (later ones would only repeat it): the caller logs it.
 * NOTIFY_SOCKET is left set; okserver starts no other program to inherit it.
 */
int notify_ready(bool with_pid, struct ok_err *e);
int notify_stopping(struct ok_err *e);

#endif
