/* escape.c - a server's bytes made safe for a terminal: control characters shown as escapes. */
#include <stddef.h>
#include <string.h>

#include "client.h"

/*
 * As redis-cli's sdscatrepr and OpenSSH's utf8.c: a byte the terminal would act on is shown
 * as text instead. A unit is one character: an ASCII byte, or a whole UTF-8 sequence. It is
 * shown as it is when it is printable text (TAB included); otherwise each of its bytes is
 * escaped: CR as \r, a backslash as \\ (so every backslash on the screen starts an escape, and
 * an escape can never be faked), any other as \xhh.
 */

/* Bytes in the UTF-8 sequence a lead byte starts (1 for ASCII), or 0 for a byte that cannot
 * start one (a continuation byte, C0, C1, F5-FF). */
static size_t sequence_length(unsigned char b)
{
	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF)
		return 2;
	if (b >= 0xE0 && b <= 0xEF)
		return 3;
	if (b >= 0xF0 && b <= 0xF4)
		return 4;
	return 0;
}

/* Whether b may be the second byte after lead: RFC 3629's table, which leaves out overlong
 * forms, the surrogates (ED A0-BF) and what lies beyond U+10FFFF (F4 90-BF). */
static int second_fits(unsigned char lead, unsigned char b)
{
	unsigned char lo = 0x80, hi = 0xBF;

	if (lead == 0xE0)
		lo = 0xA0;
	else if (lead == 0xED)
		hi = 0x9F;
	else if (lead == 0xF0)
		lo = 0x90;
	else if (lead == 0xF4)
		hi = 0x8F;
	return b >= lo && b <= hi;
}

/*
 * The unit at p[0, n): its length in *len, and 1 when it is shown as it is, 0 when its bytes
 * are escaped. -1 when p ends inside a UTF-8 sequence that more bytes could still complete.
 */
static int judge_unit(const unsigned char *p, size_t n, enum okc_show mode, size_t *len)
{
	size_t want = sequence_length(p[0]), i;

	*len = 1;
	if (p[0] < 0x80)
		return (p[0] >= 0x20 && p[0] != 0x7F && p[0] != '\\') || p[0] == '\t';
	if (mode != OKC_SHOW_UTF8 || want == 0)
		return 0;
	for (i = 1; i < want && i < n; i++) {
		if (i == 1 ? !second_fits(p[0], p[1]) : (p[i] & 0xC0) != 0x80)
			return 0; /* not a sequence: the lead byte is escaped, the rest judged anew */
	}
	if (i < want)
		return -1;
	*len = want;
	return !(p[0] == 0xC2 && p[1] <= 0x9F); /* U+0080-U+009F: the C1 controls */
}

/* One byte's escape into out (room for OKC_ESCAPE_MAX bytes); its length. */
static size_t escape_byte(unsigned char b, char *out)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	if (b == '\r' || b == '\\') {
		out[1] = b == '\r' ? 'r' : '\\';
		return 2;
	}
	out[1] = 'x';
	out[2] = hex[b >> 4];
	out[3] = hex[b & 0x0F];
	return 4;
}

size_t okc_escape(enum okc_show mode, const char *in, size_t n, int final, char *out,
                  size_t cap, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t pos = 0, o = 0;

	if (mode == OKC_SHOW_RAW) {
		pos = n < cap ? n : cap;
		memcpy(out, in, pos);
		*outlen = pos;
		return pos;
	}
	while (pos < n) {
		size_t len;
		int plain = judge_unit(p + pos, n - pos, mode, &len);

		if (plain < 0 && !final)
			break; /* the rest of the sequence may come with the next bytes */
		if (plain > 0) {
			if (cap - o < len)
				break;
			memcpy(out + o, p + pos, len);
			o += len;
			pos += len;
		} else {
			if (cap - o < OKC_ESCAPE_MAX)
				break;
			/* One byte: a C1 sequence's second byte, or the rest of a broken one, is
			 * judged on the next turn. */
			o += escape_byte(p[pos], out + o);
			pos++;
		}
	}
	*outlen = o;
	return pos;
}
