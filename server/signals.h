/* signals.h - the signals okserver acts on, as a descriptor the event loop can wait on. */
#ifndef OK_SIGNALS_H
#define OK_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

/*
 * No handler does the server's work: a signal of this set waits, blocked, until the loop takes
 * it from a descriptor, like any other event. signals.c blocks the set and sees a stop signal
 * pending; the descriptor is signals_signalfd.c's (Linux's signalfd) or signals_pipe.c's (a
 * self-pipe: a handler writes the signal's number to a pipe), whichever the Makefile's SIGNALS
 * compiles.
 *
 * The set, listed here once for every implementation: an initializer for a static array,
 *     static const int taken[] = SERVER_SIGNALS;
 * SIGINT and SIGTERM stop the server; SIGHUP reopens the --log file (or, without one, is
 * ignored under -d and stops the server otherwise); SIGUSR1 logs the statistics. The loop
 * (loop.c, on_signal) decides what each one does.
 */
#define SERVER_SIGNALS { SIGINT, SIGTERM, SIGHUP, SIGUSR1 }

/* Fills set with SERVER_SIGNALS, for the descriptor's implementation. */
void server_signal_set(sigset_t *set);

/* Blocks the set, so that its signals wait to be taken; main's first call, before anything
 * can be interrupted. Cannot fail. */
void server_signals_block(void);

/* True when SIGINT or SIGTERM waits, blocked, to be taken: for main before the loop runs. */
bool stop_signal_pending(void);

/* A non-blocking, close-on-exec descriptor, readable while a signal of the set is pending;
 * the set is taken from it from now on (the self-pipe's handlers are installed and the set let
 * in, so a signal that was pending lands in the pipe at once). The descriptor, or -1 with
 * errno. */
int server_signals_open(void);

/* Takes one pending signal of the set from the descriptor: its number, or 0 when none was
 * there. */
int server_signal_take(int fd);

/* Closes the descriptor (-1 is allowed); the set is left blocked, its signals waiting. */
void server_signals_close(int fd);

#endif
