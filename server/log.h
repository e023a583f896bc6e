/* log.h - okserver's log: whole lines, on standard error or in the --log file, never waited for. */
#ifndef OK_LOG_H
#define OK_LOG_H

#include <stdbool.h>

/*
 * Without --log, lines go to standard error as "okserver: TEXT". With --log FILE, they are
 * appended to FILE as "2026-11-30T17:05:03.123Z TEXT" (UTC, milliseconds).
 *
 * Logging never stalls the server (okserver(1), SECURITY). A line the log cannot take at once
 * waits in a buffer of OK_LOG_BUFFER bytes (oklimits.h), which goes out as soon as the log takes
 * more: at the next line, and at each wake-up of the loop, which watches the log's descriptor
 * for that while lines wait (log_wait_fd). When the buffer is full a line is dropped and
 * counted, and the next line that gets through is preceded by "log: N lines lost while the log
 * was full". Only whole lines are ever dropped.
 *
 * Never waiting does not mean setting O_NONBLOCK on standard error: that flag belongs to the open
 * file description, which a pipe or terminal shares with the shell and the other programs on it
 * (a shell reading a non-blocking terminal gets EAGAIN and may exit). So each kind is written in
 * the way that cannot wait (nbwrite.h, as --print writes standard output): a regular file by
 * write(); a socket (journald's stream) by send() with MSG_DONTWAIT; a terminal by a description
 * of our own, reopened by its name with O_NONBLOCK; anything else (a pipe, a device) only when
 * poll() says it has room, at most PIPE_BUF bytes of whole lines at a time, which a pipe with
 * room takes whole, at once.
 */

/* Sends the log to the file name from now on (appended; created with mode 0640 less the umask),
 * opened as safefile.h says: never through a symbolic link, a regular file only. Its folder is
 * resolved now to an absolute name, so SIGHUP reopens it after the daemon's chdir("/"). 0, or
 * -1 with *why the reason (the log stays where it was). */
int log_open_file(const char *name, const char **why);

/* True when the log is a --log file (SIGHUP reopens it). */
bool log_is_file(void);

/* SIGHUP: closes and reopens the --log file, so a rotated file is let go. When the name cannot
 * be opened (it is gone, a symbolic link now, its folder replaced by another), logging goes on
 * to the old file, and a line there says why. */
void log_reopen(void);

/* Without --log: the log is standard error, looked at now (a terminal is reopened here, at
 * start, not at the first line), and again when it changed (-d made it /dev/null). */
void log_follow_stderr(void);

/* Writes the formatted text, cut to OK_LOG_LINE_MAX, as one line of the log. */
void server_log(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

/* Hands on what waits, as far as the log takes it now. */
void log_flush(void);

/* The descriptor to watch for writability: lines wait and the log can be watched (a regular
 * file cannot, and is simply tried again at each wake-up). -1 otherwise. */
int log_wait_fd(void);

/* At exit: one last attempt without waiting; what the log cannot take now is dropped. The log
 * is then standard error again, unbuffered as before. */
void log_end(void);

#endif
