/* daemon.h - -d and --pidfile: detach once listening, record the pid, remove it at the end. */
#ifndef OK_DAEMON_H
#define OK_DAEMON_H

/*
 * Forks. The parent waits until the child calls daemon_ready() and exits 0, or exits 4 if the
 * child dies first (the child has said why on stderr). The child starts a new session and gets
 * back a descriptor for daemon_ready(); -1 (errno set) if the fork itself failed.
 */
int daemon_detach(void);

/* Tells the waiting parent it may exit 0, and points stdin/stdout (and stderr, if it is a
 * terminal) at /dev/null. 0, or -1 with errno set. */
int daemon_ready(int fd);

/* Writes "PID\n" to path. 0, or -1 with errno set. */
int pidfile_write(const char *path);

#endif
