/* selfpipe.h - the self-pipe: how a signal handler wakes a poll loop, one per process. */
#ifndef OK_SELFPIPE_H
#define OK_SELFPIPE_H

/*
 * A handler writes the signal's number, one byte, into the pipe; the loop polls the read end
 * beside its other descriptors and takes the numbers like any other event (libevent's
 * evsignal, OpenBSD's). Both ends are non-blocking and close-on-exec: a handler never blocks on
 * a full pipe (bytes wait to be taken then anyway), and taking stops when it is empty. One byte
 * per delivery: two of a signal that the kernel delivered apart are two bytes. The one pipe is
 * the process's, because a handler is given no pointer of ours.
 */

/* Makes the pipe; its read end, for the caller's poll, or -1 with errno set. */
int ok_selfpipe_open(void);

/* Writes sig as one byte, if the pipe is open: async-signal-safe, errno kept. Its type is a
 * signal handler's, so a handler that has nothing else to do is this function. */
void ok_selfpipe_post(int sig);

/* Takes one posted byte: the signal's number, or 0 when the pipe is empty (or closed). */
int ok_selfpipe_take(void);

/* Closes both ends (a handler still installed then writes nothing); safe when not open. */
void ok_selfpipe_close(void);

#endif
