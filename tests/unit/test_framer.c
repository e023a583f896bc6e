/* test_framer.c - server/framer: every rule of protocol v1, fed whole, byte by byte and split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "framer.h"

/* What a conversation produced: the replies, then the closing reply, and the status. */
struct result {
	char out[8192];
	size_t len;
	int status;
	uint64_t lines;
};

/* Feeds in[0..n) in pieces of `step` bytes (0: all at once), then ends input if eof. */
static void run_framer(const char *in, size_t n, size_t step, int eof, uint32_t max,
                       struct result *r)
{
	struct ok_framer f;
	size_t off = 0, flen;
	const char *final;

	ok_framer_init(&f, max);
	r->len = 0;
	while (off < n) {
		size_t piece = step == 0 || n - off < step ? n - off : step;
		size_t used = ok_framer_feed(&f, in + off, piece, r->out, sizeof r->out, &r->len);
		assert_int_equal(used, piece);
		off += piece;
	}
	if (eof)
		ok_framer_finish(&f, r->out, sizeof r->out, &r->len);
	final = ok_framer_final(&f, &flen);
	assert_true(r->len + flen <= sizeof r->out);
	memcpy(r->out + r->len, final, flen);
	r->len += flen;
	r->status = ok_framer_status(&f);
	r->lines = f.lines;
	ok_framer_free(&f);
}

/* The same conversation, judged by a plain byte-at-a-time reading of doc/protocol.md. */
static void run_model(const char *in, size_t n, int eof, uint32_t max, struct result *r)
{
	static char line[4096];
	size_t ll = 0, i;
	int crlf_last = 0;

	r->len = 0;
	r->lines = 0;
	r->status = OK_FRAMER_MORE;
	for (i = 0; i < n && r->status == OK_FRAMER_MORE; i++) {
		if (in[i] != '\n') {
			line[ll++] = in[i];
			if (ll - (line[ll - 1] == '\r') > max)
				r->status = OK_FRAMER_TOO_LONG;
			continue;
		}
		int crlf = ll > 0 && line[ll - 1] == '\r';
		r->lines++;
		if (ll > 0 && line[0] == 'Q') {
			memcpy(r->out + r->len, line, ll);
			r->len += ll;
			r->out[r->len++] = '\n';
			r->status = OK_FRAMER_QUIT;
			return;
		}
		memcpy(r->out + r->len, crlf ? "OK\r\n" : "OK\n", 3 + (size_t)crlf);
		r->len += 3 + (size_t)crlf;
		crlf_last = crlf;
		ll = 0;
	}
	if (r->status == OK_FRAMER_MORE && eof) {
		if (ll > max) {
			r->status = OK_FRAMER_TOO_LONG;
		} else if (ll > 0 && line[0] == 'Q') {
			memcpy(r->out + r->len, line, ll);
			r->len += ll;
			r->out[r->len++] = '\n';
			r->lines++;
			r->status = OK_FRAMER_QUIT;
			return;
		} else {
			if (ll > 0) {
				memcpy(r->out + r->len, "OK\n", 3);
				r->len += 3;
				r->lines++;
			}
			r->status = OK_FRAMER_EOF;
		}
	}
	if (r->status == OK_FRAMER_TOO_LONG) {
		const char *e = crlf_last ? "ERR line too long\r\n" : "ERR line too long\n";
		memcpy(r->out + r->len, e, strlen(e));
		r->len += strlen(e);
	}
}

/* Asserts the framer's outcome, whole and byte by byte, is exactly `want` with `status`. */
static void expect(const char *in, size_t n, int eof, uint32_t max, const char *want,
                   size_t want_len, int status)
{
	struct result r;
	size_t steps[] = { 0, 1, 2, 3 };

	for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
		run_framer(in, n, steps[s], eof, max, &r);
		assert_int_equal(r.status, status);
		assert_int_equal(r.len, want_len);
		assert_memory_equal(r.out, want, want_len);
	}
}

#define EXPECT(in, eof, max, want, status) \
	expect(in, sizeof(in) - 1, eof, max, want, sizeof(want) - 1, status)

static void lf_line_gets_ok_lf(void **state)
{
	(void)state;
	EXPECT("hello\n", 0, 64, "OK\n", OK_FRAMER_MORE);
}

static void crlf_line_gets_ok_crlf(void **state)
{
	(void)state;
	EXPECT("hello\r\n", 0, 64, "OK\r\n", OK_FRAMER_MORE);
	EXPECT("a\r\nb\nc\r\n", 0, 64, "OK\r\nOK\nOK\r\n", OK_FRAMER_MORE);
}

static void empty_lines_get_ok(void **state)
{
	(void)state;
	EXPECT("\n\r\n\n", 0, 64, "OK\nOK\r\nOK\n", OK_FRAMER_MORE);
}

static void nul_and_lone_cr_are_content(void **state)
{
	(void)state;
	EXPECT("a\0b\n\0\n", 0, 64, "OK\nOK\n", OK_FRAMER_MORE);
	EXPECT("a\rb\n", 0, 64, "OK\n", OK_FRAMER_MORE);
	EXPECT("\r\r\n", 0, 64, "OK\r\n", OK_FRAMER_MORE);
	EXPECT("\rQ\n", 0, 64, "OK\n", OK_FRAMER_MORE);
}

static void q_line_is_echoed_and_ends(void **state)
{
	(void)state;
	EXPECT("Q\n", 0, 64, "Q\n", OK_FRAMER_QUIT);
	EXPECT("a\nQuit now\r\n", 0, 64, "OK\nQuit now\r\n", OK_FRAMER_QUIT);
	EXPECT("Qa\0b\n", 0, 64, "Qa\0b\n", OK_FRAMER_QUIT);
}

static void bytes_after_q_are_discarded(void **state)
{
	(void)state;
	EXPECT("Qbye\nmore\nQagain\n", 0, 64, "Qbye\n", OK_FRAMER_QUIT);
	EXPECT("Qbye\nmore\nand more", 1, 64, "Qbye\n", OK_FRAMER_QUIT);
}

static void only_capital_q_at_start_quits(void **state)
{
	(void)state;
	EXPECT("quit\n", 0, 64, "OK\n", OK_FRAMER_MORE);
	EXPECT(" Q\naQ\n", 0, 64, "OK\nOK\n", OK_FRAMER_MORE);
}

static void crlf_split_across_feeds(void **state)
{
	struct ok_framer f;
	char out[64];
	size_t len = 0;

	(void)state;
	ok_framer_init(&f, 64);
	assert_int_equal(ok_framer_feed(&f, "abc\r", 4, out, sizeof out, &len), 4);
	assert_int_equal(len, 0);
	assert_int_equal(ok_framer_feed(&f, "\n", 1, out, sizeof out, &len), 1);
	assert_int_equal(len, 4);
	assert_memory_equal(out, "OK\r\n", 4);
	assert_int_equal(f.lines, 1);
	ok_framer_free(&f);
}

static void limit_counts_content_not_terminator(void **state)
{
	(void)state;
	EXPECT("abcd\n", 0, 4, "OK\n", OK_FRAMER_MORE);
	EXPECT("abcd\r\n", 0, 4, "OK\r\n", OK_FRAMER_MORE);
	EXPECT("Qbcd\r\n", 0, 4, "Qbcd\r\n", OK_FRAMER_QUIT);
	EXPECT("abcde\n", 0, 4, "ERR line too long\n", OK_FRAMER_TOO_LONG);
	EXPECT("abc\r\r\n", 0, 4, "OK\r\n", OK_FRAMER_MORE);
	EXPECT("abcd\r\r\n", 0, 4, "ERR line too long\n", OK_FRAMER_TOO_LONG);
}

static void too_long_is_refused_before_the_lf(void **state)
{
	(void)state;
	EXPECT("abcde", 0, 4, "ERR line too long\n", OK_FRAMER_TOO_LONG);
	EXPECT("abcd\r", 0, 4, "", OK_FRAMER_MORE);
	EXPECT("abcd\rx", 0, 4, "ERR line too long\n", OK_FRAMER_TOO_LONG);
	EXPECT("Qbcdefgh\n", 0, 4, "ERR line too long\n", OK_FRAMER_TOO_LONG);
}

static void err_mirrors_last_terminator(void **state)
{
	(void)state;
	EXPECT("a\r\nabcdefg", 0, 4, "OK\r\nERR line too long\r\n", OK_FRAMER_TOO_LONG);
	EXPECT("a\r\nb\nabcdefg", 0, 4, "OK\r\nOK\nERR line too long\n", OK_FRAMER_TOO_LONG);
}

static void end_of_input_answers_last_line(void **state)
{
	(void)state;
	EXPECT("", 1, 64, "", OK_FRAMER_EOF);
	EXPECT("a\n", 1, 64, "OK\n", OK_FRAMER_EOF);
	EXPECT("a\nb", 1, 64, "OK\nOK\n", OK_FRAMER_EOF);
	EXPECT("a\r\nb\r", 1, 64, "OK\r\nOK\n", OK_FRAMER_EOF);
	EXPECT("Qb\r", 1, 64, "Qb\r\n", OK_FRAMER_QUIT);
	EXPECT("abcd\r", 1, 4, "ERR line too long\n", OK_FRAMER_TOO_LONG);
	EXPECT("abcd", 1, 4, "OK\n", OK_FRAMER_EOF);
}

static void full_output_stops_and_resumes(void **state)
{
	struct ok_framer f;
	char out[16];
	size_t len = 0, used;

	(void)state;
	ok_framer_init(&f, 64);
	used = ok_framer_feed(&f, "\n\n\n\n\n\n\n", 7, out, sizeof out, &len);
	assert_int_equal(used, 5); /* 5 x "OK\n" = 15 bytes, no room for a sixth */
	assert_int_equal(len, 15);
	len = 0;
	used = ok_framer_feed(&f, "\n\n", 2, out, sizeof out, &len);
	assert_int_equal(used, 2);
	assert_int_equal(len, 6);
	assert_int_equal(f.lines, 7);
	ok_framer_free(&f);
}

static void echo_of_max_line_q_is_exact(void **state)
{
	static char in[OK_MAX_LINE_DEFAULT + 2];
	struct ok_framer f;
	char out[8];
	size_t len = 0, flen;
	const char *final;

	(void)state;
	memset(in, 'x', sizeof in);
	in[0] = 'Q';
	in[OK_MAX_LINE_DEFAULT] = '\r';
	in[OK_MAX_LINE_DEFAULT + 1] = '\n';
	ok_framer_init(&f, OK_MAX_LINE_DEFAULT);
	for (size_t i = 0; i < sizeof in; i += 1000) {
		size_t n = sizeof in - i < 1000 ? sizeof in - i : 1000;
		assert_int_equal(ok_framer_feed(&f, in + i, n, out, sizeof out, &len), n);
	}
	assert_int_equal(ok_framer_status(&f), OK_FRAMER_QUIT);
	final = ok_framer_final(&f, &flen);
	assert_int_equal(flen, sizeof in);
	assert_memory_equal(final, in, sizeof in);
	assert_true(f.echo_cap <= OK_MAX_LINE_DEFAULT + 2);
	ok_framer_free(&f);
}

/* Random conversations (small alphabet, random limits, random splits) against the model. */
/* The echo's buffer is handed over once: the framer then holds nothing, says nothing more. */
static void echo_is_handed_over_once(void **state)
{
	struct ok_framer f;
	char out[64];
	size_t olen = 0, len;
	char *echo;
	(void)state;

	ok_framer_init(&f, 100);
	assert_null(ok_framer_take_echo(&f, &len)); /* no Q line yet */
	assert_int_equal(len, 0);
	ok_framer_feed(&f, "a\nQuit\r\nb\n", 11, out, sizeof out, &olen);
	assert_int_equal(ok_framer_status(&f), OK_FRAMER_QUIT);
	echo = ok_framer_take_echo(&f, &len);
	assert_non_null(echo);
	assert_int_equal(len, 6);
	assert_memory_equal(echo, "Quit\r\n", 6);
	assert_null(f.echo);
	assert_null(ok_framer_take_echo(&f, &len));
	ok_framer_final(&f, &len);
	assert_int_equal(len, 0);
	assert_int_equal(f.lines, 2);
	ok_framer_free(&f);
	free(echo);
}

static void random_feeds_match_the_model(void **state)
{
	static const char alphabet[] = { 'a', 'Q', 'q', '\r', '\n', '\0' };
	char in[64];
	struct result want, got;
	unsigned seed = (unsigned)time(NULL);
	const char *seed_text = getenv("OK_SEED");

	(void)state;
	if (seed_text != NULL)
		seed = (unsigned)strtoul(seed_text, NULL, 10);
	srand(seed);
	for (int iter = 0; iter < 200000; iter++) {
		size_t n = (size_t)rand() % sizeof in;
		uint32_t max = 1 + (uint32_t)rand() % 8;
		int eof = rand() % 2;
		size_t step = (size_t)rand() % 6;

		for (size_t i = 0; i < n; i++)
			in[i] = alphabet[rand() % (int)sizeof alphabet];
		run_model(in, n, eof, max, &want);
		run_framer(in, n, step, eof, max, &got);
		if (got.status != want.status || got.len != want.len || got.lines != want.lines ||
		    memcmp(got.out, want.out, want.len) != 0)
			fail_msg("framer differs from the model (OK_SEED=%u, iteration %d)", seed, iter);
	}
}

/* What the sink is told, as --print writes it: each piece, "|" after a line's last one. */
struct told {
	char buf[256];
	size_t len;
};

static void tell(void *ctx, const char *p, size_t n, int ends)
{
	struct told *t = ctx;

	assert_true(t->len + n + 1 <= sizeof t->buf);
	memcpy(t->buf + t->len, p, n);
	t->len += n;
	if (ends)
		t->buf[t->len++] = '|';
}

/* Feeds in[0..n) in pieces of step bytes (0: whole), then finishes if eof; compares what the
 * sink heard with want. */
static void expect_told(const char *in, size_t n, size_t step, int eof, uint32_t max,
                        const char *want, size_t want_len)
{
	struct ok_framer f;
	struct told t = { .len = 0 };
	const struct ok_framer_sink sink = { tell, &t };
	char out[1024];
	size_t off = 0, olen = 0;

	ok_framer_init(&f, max);
	while (off < n) {
		size_t piece = step == 0 || n - off < step ? n - off : step;
		assert_int_equal(ok_framer_feed_sink(&f, &sink, in + off, piece, out, sizeof out, &olen),
		                 piece);
		off += piece;
	}
	if (eof)
		ok_framer_finish_sink(&f, &sink, out, sizeof out, &olen);
	ok_framer_free(&f);
	assert_int_equal(t.len, want_len);
	assert_memory_equal(t.buf, want, want_len);
}

/* The content of every answered line, and only that: CR LF's CR is not content, a lone CR,
 * a NUL, 0xFF are; Q lines are told, what follows them is not. */
static void sink_hears_the_content_of_answered_lines(void **state)
{
	static const char in[] = "a\r\n\nb\rc\n\0\xff\r\r\nQuit\r\nlost\n";
	static const char want[] = "a||b\rc|\0\xff\r|Quit|";

	(void)state;
	for (size_t step = 0; step <= 3; step++)
		expect_told(in, sizeof in - 1, step, 0, 64, want, sizeof want - 1);
}

/* A CR at the end of one feed is held back until the next byte shows what it is; at the end of
 * input it is content of the final line. */
static void sink_holds_a_trailing_cr_back(void **state)
{
	(void)state;
	expect_told("ab\r", 3, 0, 0, 64, "ab", 2);
	expect_told("ab\r\n", 4, 3, 0, 64, "ab|", 3);
	expect_told("ab\rx\n", 5, 3, 0, 64, "ab\rx|", 5);
	expect_told("ab\r", 3, 0, 1, 64, "ab\r|", 4);
	expect_told("tail", 4, 1, 1, 64, "tail|", 5);
}

/* A line over the limit is never ended, and its bytes past the limit are never told. */
static void sink_never_ends_a_too_long_line(void **state)
{
	(void)state;
	expect_told("ok\nabcdef\n", 10, 0, 0, 4, "ok|", 3);
	expect_told("ok\nabcdef\n", 10, 1, 0, 4, "ok|abcd", 7);
	expect_told("abcd\r", 5, 0, 1, 4, "abcd", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lf_line_gets_ok_lf),
		cmocka_unit_test(crlf_line_gets_ok_crlf),
		cmocka_unit_test(empty_lines_get_ok),
		cmocka_unit_test(nul_and_lone_cr_are_content),
		cmocka_unit_test(q_line_is_echoed_and_ends),
		cmocka_unit_test(bytes_after_q_are_discarded),
		cmocka_unit_test(only_capital_q_at_start_quits),
		cmocka_unit_test(crlf_split_across_feeds),
		cmocka_unit_test(limit_counts_content_not_terminator),
		cmocka_unit_test(too_long_is_refused_before_the_lf),
		cmocka_unit_test(err_mirrors_last_terminator),
		cmocka_unit_test(end_of_input_answers_last_line),
		cmocka_unit_test(full_output_stops_and_resumes),
		cmocka_unit_test(echo_of_max_line_q_is_exact),
		cmocka_unit_test(echo_is_handed_over_once),
		cmocka_unit_test(random_feeds_match_the_model),
		cmocka_unit_test(sink_hears_the_content_of_answered_lines),
		cmocka_unit_test(sink_holds_a_trailing_cr_back),
		cmocka_unit_test(sink_never_ends_a_too_long_line),
	};

	return cmocka_run_group_tests_name("framer", tests, NULL, NULL);
}
