/* selfpipe.h - the self-pipe: how a signal handler wakes a poll loop, one per process. */
#ifndef OK_SELFPIPE_H
#define OK_SELFPIPE_H

/*
 * A handler marks its signal posted and writes a byte into the pipe; the loop polls the read end
 * beside its other descriptors and takes the signals like any other event (libevent's
 * evsignal, OpenBSD's). Both ends are non-blocking and close-on-exec: a handler never blocks on
 * a full pipe (bytes wait to be taken then anyway). The mark, not the byte, says which signal
 * came, so a full pipe loses none, and repeats of one signal not yet taken are taken once, as
 * the kernel's pending signals are. The one pipe is the process's, because a handler is given
 * no pointer of ours.
 */

/* Makes the pipe; its read end, for the caller's poll, or -1 with errno set. */
int ok_selfpipe_open(void);

/* Marks sig posted and wakes the loop, if the pipe is open: async-signal-safe, errno kept. Its
 * type is a signal handler's, so a handler that has nothing else to do is this function. */
void ok_selfpipe_post(int sig);

/* Takes one posted signal (the lowest number first): its number, or 0 when none is posted (or
 * the pipe is closed). */
int ok_selfpipe_take(void);

/* Closes both ends (a handler still installed then writes nothing); safe when not open. */
void ok_selfpipe_close(void);

#endif
