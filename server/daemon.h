/* daemon.h - -d and --pidfile: detach once listening, record the pid. */
#ifndef OK_DAEMON_H
#define OK_DAEMON_H

#include <stdbool.h>

#include "err.h"

/*
 * The order, in main.c: daemon_detach(), pidfile_write(), the ready line (written by the
 * child), daemon_ready(). So the caller of "okserver -d" gets back control only once the ready
 * line is out and the pidfile written: "port=$(okserver -d -p 0)" and "okserver -d --pidfile F
 * && cat F" just work. The pidfile is removed by main.c at a clean exit, not here. Each failure
 * fills a struct ok_err whose code is SERVER_EXIT_DAEMON (options.h).
 */

/*
 * Forks. The parent waits until the child calls daemon_ready() and exits 0, or exits
 * SERVER_EXIT_DAEMON if the child ends first (after saying why on stderr, or stopped by a signal
 * before its ready line). The child starts a new session and gets back a descriptor for
 * daemon_ready(); -1 with e filled ("daemon: reason") if the fork itself failed.
 */
int daemon_detach(struct ok_err *e);

/*
 * Lets go of the caller: stdin and stdout become /dev/null, and so does stderr unless it is a
 * regular file and the log does not go elsewhere (log_elsewhere: --log FILE). Changes directory
 * to "/", then tells the waiting parent it may exit 0; fd is closed. 0, or -1 with e filled.
 */
int daemon_ready(int fd, bool log_elsewhere, struct ok_err *e);

/*
 * Closes every descriptor from first up that the process inherited: a caller's pipe held open
 * by a daemon (bats' fd 3, "exec 4>&1") would keep "$(okserver -d ...)" waiting forever.
 * For -d, before the server opens anything of its own; first is 3 plus the listeners systemd
 * passed. Reads the open ones from /dev/fd, or tries each up to the open-file limit.
 */
void daemon_close_inherited(int first);

/* Writes "PID\n" to path. 0, or -1 with e filled ("pidfile PATH: reason"). */
int pidfile_write(const char *path, struct ok_err *e);

#endif
