/* daemon.h - -d and --pidfile: detach once listening, record the pid. */
#ifndef OK_DAEMON_H
#define OK_DAEMON_H

#include <stdbool.h>
#include <sys/stat.h>

#include "err.h"

/*
 * The order, in main.c: pidfile_open() (before the listeners, so a second server stops at once),
 * daemon_detach(), pidfile_write() (the detached server's pid), the ready line (written by the
 * child), daemon_ready(). So the caller of "okserver -d" gets back control only once the ready
 * line is out and the pidfile written: "port=$(okserver -d -p 0)" and "okserver -d --pidfile F
 * && cat F" just work, and an error before that still reaches the caller. main.c calls
 * pidfile_remove() at the end, whatever the way out. Each failure fills a struct ok_err whose
 * code is SERVER_EXIT_DAEMON (options.h).
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

/*
 * --pidfile, as OpenBSD's pidfile(3) and FreeBSD's pidfile_open(3) keep one: opened (never
 * through a symbolic link, a regular file only: safefile.h) and locked with flock for the
 * server's whole life. The descriptor is close-on-exec and shared with the child of -d's fork,
 * so the lock taken before detaching is the detached server's. The folder is kept open too: the
 * removal at exit goes through it, not through a path a swap (or -d's chdir) could change.
 */
struct pidfile {
	int fd;               /* the open, locked file; -1: none */
	int dirfd;            /* its folder */
	const char *path;     /* as given, for messages */
	const char *name;     /* the last component, within dirfd (points into path) */
	struct stat st;       /* which file it is */
	char text[24];        /* what this process wrote: "PID\n"; empty before pidfile_write */
	bool created;         /* made by this server (so an empty one is removed at exit too) */
};

/* Opens and locks path. 0, or -1 with e filled ("pidfile PATH: reason"): a symbolic link or not
 * a regular file (safefile.h), or "in use by pid N" when another process holds the lock. */
int pidfile_open(struct pidfile *p, const char *path, struct ok_err *e);

/* Writes "PID\n" (this process's pid, in place of anything there). 0, or -1 with e filled. */
int pidfile_write(struct pidfile *p, struct ok_err *e);

/* True when the name still leads to the file opened and it still holds what this process wrote
 * (or, made by it and never written, is still empty): then the file is this server's to remove. */
bool pidfile_is_ours(const struct pidfile *p);

/* At exit: removes the file if pidfile_is_ours, then lets it and its folder go (the lock with
 * them). Does nothing for a pidfile never opened; safe to call twice. */
void pidfile_remove(struct pidfile *p);

#endif
