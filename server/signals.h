/* signals.h - the signals okserver acts on, as a descriptor the event loop can wait on. */
#ifndef OK_SIGNALS_H
#define OK_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/*
 * No handler does the server's work: a signal of this set stays blocked and pending until the
 * loop takes it from a descriptor, like any other event. signals.c does it with signalfd; a
 * self-pipe (a handler writing the signal's number to a pipe) fits the same five calls.
 *
 * The set, listed here once for every implementation: an initializer for a static array,
 *     static const int taken[] = SERVER_SIGNALS;
 * SIGINT and SIGTERM stop the server; SIGHUP reopens the --log file (or, without one, is
 * ignored under -d and stops the server otherwise); SIGUSR1 logs the statistics. The loop
 * (loop.c, on_signal) decides what each one does.
 */
#define SERVER_SIGNALS { SIGINT, SIGTERM, SIGHUP, SIGUSR1 }

/* Blocks the set, so that its signals wait to be taken; main's first call, before anything
 * can be interrupted. Cannot fail. */
void stop_signals_block(void);

/* True when SIGINT or SIGTERM waits, blocked, to be taken: for main before the loop runs. */
bool stop_signal_pending(void);

/* A non-blocking, close-on-exec descriptor, readable while a signal of the set is pending.
 * Blocks the set too, if it was not yet. The descriptor, or -1 with errno. */
int stop_signals_open(void);

/* Takes one pending signal of the set from the descriptor: its number, or 0 when none was
 * there. */
int stop_signal_take(int fd);

/* Closes the descriptor (-1 is allowed). */
void stop_signals_close(int fd);

#endif
