/* activation.h - systemd socket activation (sd_listen_fds) without libsystemd. */
#ifndef OK_ACTIVATION_H
#define OK_ACTIVATION_H

#include <stddef.h>

#include "err.h"

/* The first descriptor passed, by the protocol (sd_listen_fds(3)). */
#define ACTIVATION_FIRST_FD 3

/*
 * When LISTEN_PID is this process's pid and LISTEN_FDS is N >= 1, descriptors 3 .. 3+N-1 are
 * listeners made for it. Each must be a listening stream socket of AF_INET, AF_INET6 or AF_UNIX;
 * each is made non-blocking and close-on-exec, and its number stored in fds[0 .. N).
 * LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES are unset whenever LISTEN_PID or LISTEN_FDS was set,
 * so they mean nothing to anyone after.
 *
 * Returns N; 0 when not activated (no LISTEN_PID, another pid's, or LISTEN_FDS=0); -1 when
 * activated wrongly (LISTEN_FDS not a number, more than max, a descriptor that is no listener:
 * all of them must be right), with e filled (code 0: the caller picks the status) such as
 * "socket activation: descriptor 3: not a socket".
 */
int activation_take(int *fds, int max, struct ok_err *e);

#endif
