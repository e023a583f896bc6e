/* notify.h - systemd's readiness protocol (sd_notify) without libsystemd. */
#ifndef OK_NOTIFY_H
#define OK_NOTIFY_H

#include <stdbool.h>

/*
 * When NOTIFY_SOCKET names a Unix datagram socket ("/path", or "@name" for the abstract
 * namespace), each call sends it one datagram: "READY=1" (with "\nMAINPID=<pid>" when
 * with_pid: the detached server of -d is not the process systemd started) or "STOPPING=1".
 * NOTIFY_SOCKET unset: nothing. A send that fails (no such socket, a full one: the socket is
 * non-blocking, so the server never waits on it) is said once on the log, and the server goes
 * on: being watched is not a reason to stop serving. NOTIFY_SOCKET is left set; okserver
 * starts no other program to inherit it.
 */
void notify_ready(bool with_pid);
void notify_stopping(void);

#endif
