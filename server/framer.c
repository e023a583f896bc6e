/* framer.c - protocol v1 as a pure function of the bytes received: OK, the Q echo, the limit. */
#include <stdlib.h>
#include <string.h>

#include "framer.h"

#define OK_FR_Q    0x01u  /* the current line starts with 'Q' */
#define OK_FR_CR   0x02u  /* the current line's last byte so far is a CR */
#define OK_FR_CRLF 0x04u  /* the last completed line ended CRLF */

static const char err_lf[] = "ERR line too long\n";
static const char err_crlf[] = "ERR line too long\r\n";

void ok_framer_init(struct ok_framer *f, uint32_t max_line)
{
	memset(f, 0, sizeof *f);
	f->max_line = max_line;
}

void ok_framer_free(struct ok_framer *f)
{
	free(f->echo);
	f->echo = NULL;
	f->echo_cap = 0;
}

/* Sets the status that never changes again (the conversation is over, see conn.h); only QUIT
 * still needs the echo, as its reply. Returns the status. */
static int set_final_status(struct ok_framer *f, int status)
{
	f->status = (uint8_t)status;
	if (status != OK_FRAMER_QUIT)
		ok_framer_free(f);
	return status;
}

/* Room for `need` echo bytes; need <= max_line + 2 by the invariant on len. 0 or -1. */
static int reserve_echo(struct ok_framer *f, size_t need)
{
	size_t cap = f->echo_cap ? f->echo_cap : 64;
	char *p;

	if (need <= f->echo_cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (cap > (size_t)f->max_line + 2)
		cap = (size_t)f->max_line + 2;
	p = realloc(f->echo, cap);
	if (p == NULL)
		return -1;
	f->echo = p;
	f->echo_cap = (uint32_t)cap;
	return 0;
}

/* Tells the sink, if any, of a piece of the current line's content (ends: the line's last). */
static void tell_sink(const struct ok_framer_sink *sink, const char *p, size_t n, int ends)
{
	if (sink != NULL && (n > 0 || ends))
		sink->content(sink->ctx, p, n, ends);
}

/*
 * Adds n > 0 bytes, none of them LF, to the current line. A trailing CR may still be the
 * terminator, so it does not count against the limit yet; every earlier byte does. This makes
 * the check exact and early: a line is refused as soon as it cannot end within the limit.
 * The sink hears of content only once it is known to be content and within the limit.
 */
static int add_bytes(struct ok_framer *f, const struct ok_framer_sink *sink, const char *p,
                     size_t n)
{
	unsigned cr = p[n - 1] == '\r';
	uint64_t total = (uint64_t)f->len + n;

	if (f->len == 0 && p[0] == 'Q')
		f->flags |= OK_FR_Q;
	if (total - cr > f->max_line)
		return set_final_status(f, OK_FRAMER_TOO_LONG);
	if (f->flags & OK_FR_Q) {
		if (reserve_echo(f, (size_t)total + 1) < 0)
			return set_final_status(f, OK_FRAMER_NOMEM);
		memcpy(f->echo + f->len, p, n);
	}
	if (f->flags & OK_FR_CR)
		tell_sink(sink, "\r", 1, 0); /* the CR held back last time: not before an LF */
	tell_sink(sink, p, n - cr, 0);
	f->len = (uint32_t)total;
	f->flags = (uint8_t)((f->flags & ~OK_FR_CR) | (cr ? OK_FR_CR : 0));
	return 0;
}

/* The two OK replies, 4 bytes each ("OK\n" padded with its NUL): one fixed-size store each. */
static const char ok_reply[2][4] = { "OK\n", { 'O', 'K', '\r', '\n' } };

/* The current line is complete: its reply goes out (OK), or its echo is the last reply (Q). */
static void end_line(struct ok_framer *f, const struct ok_framer_sink *sink, char *out,
                     size_t *out_len)
{
	unsigned crlf = (f->flags & OK_FR_CR) != 0;

	f->lines++;
	tell_sink(sink, "", 0, 1);
	if (f->flags & OK_FR_Q) {
		/* The echo holds the CR already, so LF completes either terminator. */
		f->echo[f->len++] = '\n';
		set_final_status(f, OK_FRAMER_QUIT);
		return;
	}
	memcpy(out + *out_len, ok_reply[crlf], 4);
	*out_len += 3 + crlf;
	f->len = 0;
	f->flags = crlf ? OK_FR_CRLF : 0;
}

/*
 * The common case, kept lean for pipelined traffic: whole ordinary lines inside one read, with
 * nothing carried over from the previous read (f->len == 0) and room for one reply at least.
 * The counters stay in locals until the end, so the compiler keeps them in registers (stores
 * through `o` could otherwise alias the framer's fields). Returns where it stopped.
 */
static const char *answer_whole_lines(struct ok_framer *f, const struct ok_framer_sink *sink,
                                      const char *p, const char *end, char *out, size_t cap,
                                      size_t *out_len)
{
	char *o = out + *out_len, *last = out + cap - 4; /* the last place a reply fits */
	uint32_t max = f->max_line, lf_reply, crlf_reply;
	uint64_t n_lines = 0;
	unsigned crlf = 0;
	const char *lf;

	memcpy(&lf_reply, ok_reply[0], 4); /* both replies in registers: a choice and one store */
	memcpy(&crlf_reply, ok_reply[1], 4);

	/* memchr over nothing finds nothing: p == end ends the loop too. */
	while (o <= last && (lf = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		size_t n = (size_t)(lf - p);

		if (*p == 'Q' || n > max)
			break;
		crlf = n > 0 && lf[-1] == '\r';
		memcpy(o, crlf ? &crlf_reply : &lf_reply, 4);
		o += 3 + crlf;
		n_lines++;
		tell_sink(sink, p, n - crlf, 1);
		p = lf + 1;
	}
	*out_len = (size_t)(o - out);
	f->lines += n_lines;
	if (n_lines > 0)
		f->flags = crlf ? OK_FR_CRLF : 0;
	return p;
}

size_t ok_framer_feed(struct ok_framer *f, const char *in, size_t len,
                      char *out, size_t cap, size_t *out_len)
{
	return ok_framer_feed_sink(f, NULL, in, len, out, cap, out_len);
}

size_t ok_framer_feed_sink(struct ok_framer *f, const struct ok_framer_sink *sink,
                           const char *in, size_t len, char *out, size_t cap, size_t *out_len)
{
	const char *p = in, *end;

	if (len == 0 || f->status != OK_FRAMER_MORE)
		return len;
	if (*out_len > cap)
		return 0;
	end = in + len;
	while (p < end && cap - *out_len >= 4) {
		const char *lf;
		size_t n;

		if (f->len == 0) {
			p = answer_whole_lines(f, sink, p, end, out, cap, out_len);
			if (p >= end || cap - *out_len < 4)
				break;
		}
		lf = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((lf ? lf : end) - p);
		if (n > 0 && add_bytes(f, sink, p, n) != OK_FRAMER_MORE)
			return len; /* too long, or no memory: the conversation is over */
		if (lf == NULL)
			return len; /* the line goes on in the next read */
		end_line(f, sink, out, out_len);
		if (f->status != OK_FRAMER_MORE)
			return len; /* bytes after the Q line are discarded */
		p = lf + 1;
	}
	return (size_t)(p - in);
}

void ok_framer_finish(struct ok_framer *f, char *out, size_t cap, size_t *out_len)
{
	ok_framer_finish_sink(f, NULL, out, cap, out_len);
}

void ok_framer_finish_sink(struct ok_framer *f, const struct ok_framer_sink *sink,
                           char *out, size_t cap, size_t *out_len)
{
	if (f->status != OK_FRAMER_MORE)
		return;
	if (f->len == 0) {
		set_final_status(f, OK_FRAMER_EOF);
		return;
	}
	/* Without an LF a trailing CR is content, and the line ends LF. */
	if (f->len > f->max_line) {
		set_final_status(f, OK_FRAMER_TOO_LONG);
		return;
	}
	if (*out_len > cap || cap - *out_len < 4) {
		set_final_status(f, OK_FRAMER_NOMEM);
		return;
	}
	if (f->flags & OK_FR_CR)
		tell_sink(sink, "\r", 1, 0);
	f->flags &= (uint8_t)~OK_FR_CR;
	end_line(f, sink, out, out_len);
	if (f->status == OK_FRAMER_MORE)
		set_final_status(f, OK_FRAMER_EOF);
}

int ok_framer_status(const struct ok_framer *f)
{
	return f->status;
}

const char *ok_framer_final(const struct ok_framer *f, size_t *len)
{
	if (f->status == OK_FRAMER_QUIT && f->echo != NULL) {
		*len = f->len;
		return f->echo;
	}
	if (f->status == OK_FRAMER_TOO_LONG) {
		const char *e = (f->flags & OK_FR_CRLF) ? err_crlf : err_lf;
		*len = strlen(e);
		return e;
	}
	*len = 0;
	return "";
}

char *ok_framer_take_echo(struct ok_framer *f, size_t *len)
{
	char *echo = f->status == OK_FRAMER_QUIT ? f->echo : NULL;

	*len = echo != NULL ? f->len : 0;
	if (echo != NULL) {
		f->echo = NULL;
		f->echo_cap = 0;
	}
	return echo;
}

const char *ok_framer_eol(const struct ok_framer *f)
{
	return (f->flags & OK_FR_CRLF) ? "\r\n" : "\n";
}
