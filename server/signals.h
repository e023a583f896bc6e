/* signals.h - the signals okserver acts on, as a descriptor the event loop can wait on. */
#ifndef OK_SIGNALS_H
#define OK_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/*
 * No handler does the server's work: a signal of this set only wakes the loop, which takes it
 * from a descriptor like any other event. Until server_signals_open the set is blocked, so one
 * that comes early waits (stop_signal_pending sees it); from then on the set's handler writes
 * the signal's number into common/selfpipe.c's pipe, whose read end the loop watches. One
 * mechanism on every system: Linux's signalfd would save a few system calls per signal, and
 * signals are an operator's events, so that buys nothing worth a second implementation (and a
 * second path for the tests to cover).
 *
 * The set, listed here once, as an initializer for a static array:
 *     static const int taken[] = SERVER_SIGNALS;
 * SIGINT and SIGTERM stop the server; SIGHUP reopens the --log file (or, without one, is
 * ignored under -d and stops the server otherwise); SIGUSR1 logs the statistics. The loop
 * (loop.c, on_signal) decides what each one does.
 */
#define SERVER_SIGNALS { SIGINT, SIGTERM, SIGHUP, SIGUSR1 }

/* Blocks the set, so that its signals wait to be taken; main's first call, before anything
 * can be interrupted. Cannot fail. */
void server_signals_block(void);

/* True when SIGINT or SIGTERM waits, blocked, to be taken: for main before the loop runs. */
bool stop_signal_pending(void);

/* A non-blocking, close-on-exec descriptor, readable while a signal of the set is pending;
 * the set is taken from it from now on (the handlers are installed and the set let in, so a
 * signal that was pending lands in the pipe at once). The descriptor, or -1 with errno. */
int server_signals_open(void);

/* Takes one pending signal of the set from the descriptor: its number, or 0 when none was
 * there. */
int server_signal_take(int fd);

/* Closes the descriptor (-1 is allowed); the set is blocked again, its signals waiting. */
void server_signals_close(int fd);

#endif
