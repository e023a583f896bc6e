/* signals.h - the stop signals (SIGINT, SIGTERM) as a descriptor the event loop can wait on. */
#ifndef OK_SIGNALS_H
#define OK_SIGNALS_H

#include <stdbool.h>

/*
 * No handler does the server's work: a stop signal stays blocked and pending until the loop
 * takes it from a descriptor, like any other event. signals.c does it with signalfd; a
 * self-pipe (a handler writing the signal's number to a pipe) fits the same four calls.
 */

/* Blocks SIGINT and SIGTERM, so that they wait to be taken; main's first call, before anything
 * can be interrupted. Cannot fail. */
void stop_signals_block(void);

/* True when SIGINT or SIGTERM waits, blocked, to be taken: for main before the loop runs. */
bool stop_signal_pending(void);

/* A non-blocking, close-on-exec descriptor, readable while a stop signal is pending. Blocks
 * the signals too, if they were not yet. The descriptor, or -1 with errno. */
int stop_signals_open(void);

/* Takes one pending stop signal from the descriptor: its number, or 0 when none was there. */
int stop_signal_take(int fd);

/* Closes the descriptor (-1 is allowed). */
void stop_signals_close(int fd);

#endif
