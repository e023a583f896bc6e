/* replies.c - the server's bytes as the user sees them: one line per reply, ERR lines caught. */
#include <string.h>

#include "client.h"

#define ERR_TAG "ERR "
#define ERR_TAG_LEN (sizeof ERR_TAG - 1)
#define PREFIX_LEN (sizeof OKC_REPLY_PREFIX - 1)

/*
 * Decides what the line starting at in[0] is. 0 when decided (prefix written if needed), 1 when
 * more bytes or more room are needed first.
 */
static int start_line(struct okc_replies *r, const char *in, size_t n, int eof,
                      struct okc_buf *out)
{
	/* "ER" could still become "ERR ": wait, unless the line or the stream already ended. */
	if (n < ERR_TAG_LEN && !eof && memchr(in, '\n', n) == NULL)
		return 1;
	r->in_err = n >= ERR_TAG_LEN && memcmp(in, ERR_TAG, ERR_TAG_LEN) == 0;
	if (r->in_err) {
		r->err_len = 0;
	} else if (!r->raw) {
		if (okc_buf_tail_room(out) < PREFIX_LEN)
			return 1;
		memcpy(out->data + out->end, OKC_REPLY_PREFIX, PREFIX_LEN);
		out->end += PREFIX_LEN;
	}
	r->mid_line = 1;
	return 0;
}

/* Keeps the start of an ERR line (bounded) for the diagnostic. */
static void keep_err(struct okc_replies *r, const char *p, size_t len)
{
	size_t room = sizeof r->err - 1 - r->err_len;

	if (len > room)
		len = room;
	memcpy(r->err + r->err_len, p, len);
	r->err_len += len;
	r->err[r->err_len] = '\0';
}

/*
 * The line ended: LF seen (complete), or the stream ended after its last byte. A cut-off line is
 * still shown, as a line, but it is not an answer: the server died in the middle of it, and the
 * status says so. An ERR line counts even cut off: the server meant to refuse. A greeting is
 * shown as a reply is, but answers nothing.
 */
static void end_line(struct okc_replies *r, struct okc_buf *out, int complete)
{
	if (r->in_err) {
		r->err_seen = 1;
	} else {
		out->data[out->end++] = '\n';
		if (!complete)
			r->cut = 1;
		else if (!r->greeting_due)
			r->answered++;
		r->greeting_due = 0;
	}
	r->mid_line = 0;
}

/* Shows content[0, n) in out as r->show says, keeping a byte of room for the LF; returns the
 * bytes consumed. final: the line's content ends there. */
static size_t show_content(struct okc_replies *r, const char *content, size_t n, int final,
                           struct okc_buf *out)
{
	size_t room = okc_buf_tail_room(out), used, wrote;

	if (room <= 1)
		return 0;
	used = okc_escape(r->show, content, n, final, out->data + out->end, room - 1, &wrote);
	out->end += wrote;
	return used;
}

/* Copies content up to the next LF (or as far as fits); returns bytes consumed. */
static size_t copy_content(struct okc_replies *r, const char *in, size_t n, int eof,
                           struct okc_buf *out)
{
	const char *lf = memchr(in, '\n', n);
	size_t len = lf ? (size_t)(lf - in) : n;
	size_t content = len;

	if (content > 0 && in[content - 1] == '\r' && (lf || !eof))
		content--; /* a CR before LF is terminator; a CR at the end may still be one */
	if (r->in_err) {
		keep_err(r, in, content);
	} else {
		/* A long line passes on what fits; so does one whose last character may be
		 * incomplete yet: the rest waits for more room or more bytes. */
		size_t used = show_content(r, in, content, lf != NULL || eof, out);
		if (used < content)
			return used;
	}
	if (lf) {
		end_line(r, out, 1);
		return len + 1;
	}
	if (eof && content == len) {
		end_line(r, out, 0);
		return len;
	}
	return content;
}

/*
 * The -r fast path: a block of whole lines with no CR and no E (so no ERR line) is output as it
 * is, in one copy. 0 when the block does not qualify; the line-by-line path then handles it.
 */
static size_t copy_block(struct okc_replies *r, const char *in, size_t n, struct okc_buf *out)
{
	size_t len = n < okc_buf_tail_room(out) ? n : okc_buf_tail_room(out);

	while (len > 0 && in[len - 1] != '\n')
		len--;
	if (len == 0 || memchr(in, '\r', len) != NULL || memchr(in, 'E', len) != NULL)
		return 0;
	memcpy(out->data + out->end, in, len);
	out->end += len;
	r->answered += okc_count_lf(in, len);
	return len;
}

size_t okc_feed_replies(struct okc_replies *r, const char *in, size_t n, int eof,
                        struct okc_buf *out)
{
	size_t pos = 0;

	while (pos < n) {
		size_t used;

		if (!r->mid_line && r->raw && r->show == OKC_SHOW_RAW && !r->greeting_due &&
		    (used = copy_block(r, in + pos, n - pos, out)) > 0) {
			pos += used;
			continue;
		}
		if (!r->mid_line && start_line(r, in + pos, n - pos, eof, out) != 0)
			break;
		used = copy_content(r, in + pos, n - pos, eof, out);
		if (used == 0 && r->mid_line)
			break;
		pos += used;
	}
	return pos;
}

void okc_end_replies(struct okc_replies *r, struct okc_buf *out)
{
	if (r->mid_line && okc_buf_tail_room(out) > 0)
		end_line(r, out, 0);
}
