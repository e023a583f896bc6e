/* log.h - okserver's log: one whole line per call, on standard error or in the --log file. */
#ifndef OK_LOG_H
#define OK_LOG_H

#include <stdbool.h>

/*
 * Without --log, lines go to standard error as "okserver: TEXT". With --log FILE, they are
 * appended to FILE as "2026-11-30T17:05:03.123Z TEXT" (UTC, milliseconds). Writes are plain
 * write() calls: a regular file takes a line at once. FILE is opened non-blocking, so a pipe or
 * terminal named as the log drops a line it cannot take now rather than stall the server.
 */

/* Sends the log to path from now on (appended; created with mode 0640 less the umask). path
 * should be absolute: it is opened again on SIGHUP, after the daemon's chdir("/"). 0, or -1
 * with errno (the log stays where it was). */
int log_open_file(const char *path);

/* True when the log is a --log file (SIGHUP reopens it). */
bool log_is_file(void);

/* SIGHUP: closes and reopens the --log file, so a rotated file is let go. When the name cannot
 * be opened, logging goes on to the old file, and a line there says why. */
void log_reopen(void);

/* Writes the formatted text, cut to OK_LOG_LINE_MAX, as one line of the log. */
void server_log(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

#endif
