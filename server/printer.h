/* printer.h - --print: answered lines to standard output through one bounded buffer, never waiting. */
#ifndef OK_PRINTER_H
#define OK_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * How --print keeps its promises (okserver(1)):
 *  - whole lines: a connection's line waits in its own print_line until the framer says it is
 *    answered; only then does it go, with its LF, into the shared buffer in one piece, so lines
 *    of different connections never mix and come out in the order they were answered;
 *  - never waiting on standard output, and never making it non-blocking: O_NONBLOCK belongs to
 *    the open file description the shell and every program on the same terminal or pipe share.
 *    It is written as nbwrite.h says (a terminal reopened as our own, a socket by MSG_DONTWAIT,
 *    a pipe only when poll() says it has room, PIPE_BUF bytes of whole lines at most), as far as
 *    it takes data, and watched by the loop (loop.c) for room only while the buffer holds some.
 *    The loop watches standard output itself: a terminal reopened is the same terminal, with
 *    room exactly when standard output has;
 *  - bounded: once more than OK_PRINT_BUFFER bytes wait (printer_full), the connections are not
 *    read until half of it has drained (printer_drained). The buffer has room for that much
 *    plus what one more read can add: its own OK_READ_CHUNK bytes, a line in progress from an
 *    earlier read (at most --max-line), a CR held back and the LF. So nothing is ever dropped,
 *    unless standard output fails, or takes nothing for the whole shutdown grace.
 */

/* One connection's line in progress: malloc'd only while it has content (at most --max-line
 * bytes), so a connection between lines owns nothing here. */
struct print_line {
	char *buf;
	uint32_t len, cap;
};

struct printer;

/* A printer on descriptor fd (standard output) for lines of at most max_line bytes. fd's flags
 * are left as they are. NULL with errno. */
struct printer *printer_open(int fd, uint32_t max_line);
/* Frees the printer (NULL is allowed) and what it opened; unwritten bytes are lost. */
void printer_close(struct printer *pr);

/* One piece of a connection's line, from the framer's sink; ends: the line is answered, so the
 * whole line and LF go to the buffer. 0, or -1 (ENOMEM) when the piece could not be kept. */
int printer_take(struct printer *pr, struct print_line *l, const char *p, size_t n, bool ends);
/* Forgets a line in progress: its connection is over and the line will never be answered. */
void print_line_drop(struct print_line *l);

/* Writes what fd takes now. A failed write is said once on the log, and from then on lines are
 * dropped (printer_give_up). */
void printer_flush(struct printer *pr);
/* fd failed for good (what: "" for a write, or what else failed, ending in ": "): says so once,
 * drops what waits, and prints nothing more. */
void printer_give_up(struct printer *pr, const char *what, int err);
/* Bytes waiting for fd. */
size_t printer_waiting(const struct printer *pr);
/* More than OK_PRINT_BUFFER bytes wait: one more read might not fit. */
bool printer_full(const struct printer *pr);
/* Half of OK_PRINT_BUFFER or less waits: reading may go on. */
bool printer_drained(const struct printer *pr);
/* The shutdown's time ran out: drops what waits, saying how much. */
void printer_abandon(struct printer *pr);

#endif
