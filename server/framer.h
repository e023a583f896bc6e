/* framer.h - protocol v1 without I/O: bytes a client sent in, the server's replies out. */
#ifndef OK_FRAMER_H
#define OK_FRAMER_H

#include <stddef.h>
#include <stdint.h>

#include "oklimits.h" /* OK_MAX_LINE_DEFAULT, OK_MAX_LINE_LIMIT */

/*
 * The protocol is described in doc/protocol.md; the line limit is --max-line in okserver(1).
 *
 * One framer per connection. It keeps only counters and flags for an ordinary line, so a
 * connection between lines costs nothing but this struct; a line that starts with 'Q' is copied
 * into `echo` (malloc'd, at most max_line + 2 bytes) because its content is the reply.
 *
 * Invariants, true between any two calls:
 *  - len <= max_line + 1 (content so far, plus a CR that may yet turn out to be the terminator);
 *  - echo != NULL only while a Q line is in progress or after it ended (status OK_FRAMER_QUIT,
 *    until ok_framer_take_echo hands it over), and then echo_cap >= len + 2;
 *  - once status is not OK_FRAMER_MORE it never changes again and input is discarded;
 *  - no globals, no I/O; the only allocation is echo, released by ok_framer_free().
 */
struct ok_framer {
	char *echo;          /* the Q line's bytes so far (CR included), NULL otherwise */
	uint32_t len;        /* bytes of the current line seen so far, LF excluded */
	uint32_t echo_cap;
	uint32_t max_line;   /* content longer than this is an error */
	uint8_t flags;       /* OK_FR_* below: private */
	uint8_t status;      /* enum ok_framer_status */
	uint64_t lines;      /* replies produced: OK lines and the Q echo */
};

enum ok_framer_status {
	OK_FRAMER_MORE = 0,  /* waiting for more bytes */
	OK_FRAMER_QUIT,      /* a Q line ended: its echo is the last reply */
	OK_FRAMER_TOO_LONG,  /* a line passed max_line: "ERR line too long" is the last reply */
	OK_FRAMER_EOF,       /* ok_framer_finish() answered the rest: nothing more to say */
	OK_FRAMER_NOMEM      /* the echo could not be allocated: close without a reply */
};

/* Output space that guarantees ok_framer_feed consumes all n input bytes (a lone LF -> "OK\n",
 * a LF completing a CR from the previous call -> "OK\r\n"). */
#define OK_FRAMER_OUT_MAX(n) (3 * (size_t)(n) + 4)

/*
 * Where the content of the lines goes, for okserver --print. content() gets each line's content
 * in pieces, in order: no piece holds the LF or the CR of a CR LF terminator (a CR held back at
 * the end of one input, until the next byte shows what it is, comes as its own piece). The
 * piece with `ends` set, possibly empty, is the line's last; it comes exactly when the line is
 * answered (its OK, or its echo for a Q line), so the lines come in the order of the replies.
 * A line that is never answered (too long, or cut off by the end of the conversation) gets
 * pieces but no end: the receiver throws them away when the conversation is over.
 */
struct ok_framer_sink {
	void (*content)(void *ctx, const char *p, size_t n, int ends);
	void *ctx;
};

/* A fresh framer; 1 <= max_line <= OK_MAX_LINE_LIMIT. */
void ok_framer_init(struct ok_framer *f, uint32_t max_line);

/*
 * Reads in[0..len) and appends one reply per completed line to out[*out_len..cap), in order.
 * Stops early only when fewer than 4 bytes of output space are left, or the status leaves
 * OK_FRAMER_MORE (then the rest of the input is discarded: counted as consumed).
 * Returns the number of input bytes consumed. Any byte values, any split of the input between
 * calls give the same replies; *out_len > cap consumes nothing.
 */
size_t ok_framer_feed(struct ok_framer *f, const char *in, size_t len,
                      char *out, size_t cap, size_t *out_len);
/* The same, telling sink (NULL: nobody) where each line's content is. */
size_t ok_framer_feed_sink(struct ok_framer *f, const struct ok_framer_sink *sink,
                           const char *in, size_t len, char *out, size_t cap, size_t *out_len);

/*
 * End of input (the client half-closed): the bytes after the last LF count as one final line
 * terminated LF. Appends its "OK\n" (needs 4 bytes of space) or ends with its echo (QUIT).
 * Afterwards the status is not OK_FRAMER_MORE.
 */
void ok_framer_finish(struct ok_framer *f, char *out, size_t cap, size_t *out_len);
/* The same, telling sink (NULL: nobody) the end of the final line and any CR it still holds. */
void ok_framer_finish_sink(struct ok_framer *f, const struct ok_framer_sink *sink,
                           char *out, size_t cap, size_t *out_len);

/* The status: enum ok_framer_status. */
int ok_framer_status(const struct ok_framer *f);

/* The last reply for QUIT (the echo) or TOO_LONG (the ERR line); otherwise length 0. */
const char *ok_framer_final(const struct ok_framer *f, size_t *len);

/* QUIT: the echo's buffer itself (len bytes, the line's terminator included), handed over: the
 * caller frees it, and the framer holds it no more, so a Q echo a client does not read is held
 * once (by the connection's pending output), never twice. NULL otherwise, or once taken. */
char *ok_framer_take_echo(struct ok_framer *f, size_t *len);

/* "\r\n" if the client's last complete line ended CRLF, else "\n": for the server's ERR lines. */
const char *ok_framer_eol(const struct ok_framer *f);

/* Releases the echo buffer. The framer may be initialized again afterwards. */
void ok_framer_free(struct ok_framer *f);

#endif
