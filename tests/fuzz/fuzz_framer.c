/* fuzz_framer.c - libFuzzer: the server's framer against a model of protocol v1, cut anywhere. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/framer.h" /* the Makefile adds only -Icommon */

/* What a whole input must produce, worked out from doc/protocol.md alone. */
struct model {
	char *out;          /* the OK replies, in order */
	size_t out_len;
	int status;         /* enum ok_framer_status */
	const char *final;  /* the closing reply: the Q echo or the ERR line */
	size_t final_len;
	uint64_t lines;
	char *printed;      /* what --print writes: each answered line's content and LF */
	size_t printed_len;
};

/* Gathers what a framer's sink is told, as --print would write it: content, LF at each end. */
struct gathered {
	char *buf;
	size_t len;
};

static void gather(void *ctx, const char *p, size_t n, int ends)
{
	struct gathered *g = ctx;

	if (memchr(p, '\n', n) != NULL)
		abort(); /* content never holds an LF */
	memcpy(g->buf + g->len, p, n);
	g->len += n;
	if (ends)
		g->buf[g->len++] = '\n';
}

_Noreturn static void fail(const char *what)
{
	fprintf(stderr, "fuzz_framer: %s\n", what);
	abort();
}

/* One complete line [p, p+n) (LF excluded): its reply, or the end of the conversation. */
static int model_line(struct model *m, const char *p, size_t n, int crlf, uint32_t max_line,
                      int *last_crlf)
{
	size_t content = n - (size_t)crlf;

	if (content > max_line) {
		m->status = OK_FRAMER_TOO_LONG;
		m->final = *last_crlf ? "ERR line too long\r\n" : "ERR line too long\n";
		m->final_len = strlen(m->final);
		return 1;
	}
	m->lines++;
	memcpy(m->printed + m->printed_len, p, content);
	m->printed_len += content;
	m->printed[m->printed_len++] = '\n';
	if (content > 0 && p[0] == 'Q') {
		m->status = OK_FRAMER_QUIT;
		m->final = p; /* the line as sent plus LF: checked against the echo below */
		m->final_len = n + 1;
		return 1;
	}
	memcpy(m->out + m->out_len, crlf ? "OK\r\n" : "OK\n", 3 + (size_t)crlf);
	m->out_len += 3 + (size_t)crlf;
	*last_crlf = crlf;
	return 0;
}

/*
 * Lines end at LF, a CR just before it is terminator. Without finish, a partial line is refused
 * as soon as it cannot fit (its bytes, a trailing CR excepted, exceed the limit); with finish
 * it is one more line ended by LF, where a trailing CR is content.
 */
static void model_run(struct model *m, const char *in, size_t len, uint32_t max_line, int finish)
{
	const char *p = in, *end = in + len;
	int last_crlf = 0;

	m->status = OK_FRAMER_MORE;
	for (;;) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((lf ? lf : end) - p);

		if (lf != NULL) {
			int crlf = n > 0 && lf[-1] == '\r';
			if (model_line(m, p, n, crlf, max_line, &last_crlf))
				return;
			p = lf + 1;
			continue;
		}
		if (!finish) {
			size_t counted = n > 0 && end[-1] == '\r' ? n - 1 : n;
			if (counted > max_line)
				model_line(m, p, n, 0, max_line, &last_crlf);
			return;
		}
		if (n > 0 && model_line(m, p, n, 0, max_line, &last_crlf))
			return;
		m->status = OK_FRAMER_EOF;
		return;
	}
}

/* The header's invariants, true between any two calls. */
static void check_invariants(const struct ok_framer *f)
{
	if (f->len > (uint64_t)f->max_line + 2)
		fail("len passed max_line + 2");
	if (f->status == OK_FRAMER_MORE && f->len > (uint64_t)f->max_line + 1)
		fail("an unfinished line holds more than max_line + 1 bytes");
	if (f->echo != NULL && (f->echo_cap < f->len || f->echo_cap > f->max_line + 2))
		fail("echo buffer outside its bounds");
	if (f->echo != NULL && f->status != OK_FRAMER_MORE && f->status != OK_FRAMER_QUIT)
		fail("echo kept after the conversation ended without Q");
}

/* A tiny generator for the cut points and output sizes, seeded by the input. */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Feeds in[0..len) in random pieces through a random small output buffer, gathering every reply
 * into out. A framer that stops early must have left itself fewer than 4 bytes of room.
 */
static size_t feed_in_pieces(struct ok_framer *f, const struct ok_framer_sink *sink,
                             const char *in, size_t len, uint32_t seed, char *out,
                             size_t out_cap)
{
	size_t pos = 0, out_len = 0;
	char small[64];

	while (pos < len) {
		size_t piece = 1 + next_rand(&seed) % (len - pos < 64 ? len - pos : 64);
		size_t cap = 4 + next_rand(&seed) % (sizeof small - 4);
		size_t got = 0, used;

		if (next_rand(&seed) % 4 == 0)
			piece = len - pos;
		used = ok_framer_feed_sink(f, sink, in + pos, piece, small, cap, &got);
		check_invariants(f);
		if (used > piece || got > cap || (used < piece && cap - got >= 4))
			fail("feed consumed or produced outside its contract");
		if (out_len + got > out_cap)
			fail("more output than the model allows");
		memcpy(out + out_len, small, got);
		out_len += got;
		pos += used;
	}
	return out_len;
}

/*
 * The sink heard every answered line whole, in order, as the model prints it; after them at
 * most the unanswered line's pieces, which hold no LF (checked in gather).
 */
static void compare_printed(const struct gathered *g, const struct model *m)
{
	if (g->len < m->printed_len || memcmp(g->buf, m->printed, m->printed_len) != 0)
		fail("content told to the sink differs from the model's answered lines");
	if (m->status != OK_FRAMER_MORE && m->status != OK_FRAMER_TOO_LONG &&
	    g->len != m->printed_len)
		fail("content told to the sink after the conversation ended");
}

static void compare(const struct ok_framer *f, const char *out, size_t out_len,
                    const struct model *m)
{
	const char *final;
	size_t final_len;

	if (ok_framer_status(f) != m->status)
		fail("status differs from the model's");
	if (out_len != m->out_len || memcmp(out, m->out, out_len) != 0)
		fail("replies differ from the model's (complete lines, in order)");
	if (f->lines != m->lines)
		fail("line count differs from the model's");
	final = ok_framer_final(f, &final_len);
	if (final_len != (m->final ? m->final_len : 0))
		fail("closing reply has the wrong length");
	if (m->status == OK_FRAMER_QUIT &&
	    (memcmp(final, m->final, final_len - 1) != 0 || final[final_len - 1] != '\n'))
		fail("Q echo is not the line as sent");
	if (m->status == OK_FRAMER_TOO_LONG && memcmp(final, m->final, final_len) != 0)
		fail("wrong ERR line");
}

/*
 * The state a connection would carry on with: equal however the input was cut. Once the
 * conversation has ended only the status, the count and the closing reply still matter (the
 * closing reply is compared with the model's for both framers).
 */
static void compare_state(const struct ok_framer *a, const struct ok_framer *b)
{
	if (a->status != b->status || a->lines != b->lines)
		fail("status or count after a split differs from the whole input's");
	if (a->status != OK_FRAMER_MORE)
		return;
	if (a->len != b->len || a->flags != b->flags || (a->echo == NULL) != (b->echo == NULL) ||
	    (a->echo != NULL && memcmp(a->echo, b->echo, a->len) != 0))
		fail("state after a split differs from state after the whole input");
}

/*
 * Byte 0: the line limit (1-64, so it is reached often, or the default); byte 1: bit 0 says
 * the client half-closes at the end; bytes 2-3 seed the cuts. The rest is what the client sent.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ok_framer whole, cut;
	struct model m = { 0 };
	struct gathered gw = { 0 }, gc = { 0 };
	const struct ok_framer_sink sink_whole = { gather, &gw }, sink_cut = { gather, &gc };
	uint32_t max_line, seed;
	int finish;
	size_t cap, got = 0, cut_len;
	char *out, *out_cut;
	const char *in;

	if (size < 4)
		return 0;
	max_line = data[0] & 0x80 ? OK_MAX_LINE_DEFAULT : 1u + (data[0] & 63u);
	finish = data[1] & 1;
	seed = 0x9e3779b9u ^ (uint32_t)(data[2] << 8 | data[3]);
	in = (const char *)data + 4;
	size -= 4;
	cap = OK_FRAMER_OUT_MAX(size) + 8;
	out = malloc(cap);
	out_cut = malloc(cap);
	m.out = malloc(cap);
	m.printed = malloc(size + 1);
	gw.buf = malloc(size + 1);
	gc.buf = malloc(size + 1);
	if (out == NULL || out_cut == NULL || m.out == NULL || m.printed == NULL ||
	    gw.buf == NULL || gc.buf == NULL)
		fail("out of memory");
	model_run(&m, in, size, max_line, finish);

	ok_framer_init(&whole, max_line);
	if (ok_framer_feed_sink(&whole, &sink_whole, in, size, out, cap, &got) != size)
		fail("whole input not consumed with OUT_MAX room");
	check_invariants(&whole);
	ok_framer_init(&cut, max_line);
	cut_len = feed_in_pieces(&cut, &sink_cut, in, size, seed, out_cut, cap);
	compare_state(&whole, &cut);
	if (finish) {
		ok_framer_finish_sink(&whole, &sink_whole, out, cap, &got);
		ok_framer_finish_sink(&cut, &sink_cut, out_cut, cap, &cut_len);
		if (ok_framer_status(&whole) == OK_FRAMER_MORE)
			fail("still MORE after finish");
		check_invariants(&whole);
		compare_state(&whole, &cut);
	}
	compare(&whole, out, got, &m);
	compare(&cut, out_cut, cut_len, &m);
	compare_printed(&gw, &m);
	compare_printed(&gc, &m);
	/* A too-long line's pieces stop wherever the cut showed it too long; all else is equal. */
	if (m.status != OK_FRAMER_TOO_LONG &&
	    (gw.len != gc.len || memcmp(gw.buf, gc.buf, gw.len) != 0))
		fail("content told to the sink depends on how the input was cut");
	ok_framer_free(&whole);
	ok_framer_free(&cut);
	free(out);
	free(out_cut);
	free(m.out);
	free(m.printed);
	free(gw.buf);
	free(gc.buf);
	return 0;
}
