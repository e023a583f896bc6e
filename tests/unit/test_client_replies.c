/* test_client_replies.c - okclient's pure parts: reply framing, line scanning, LF counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "client.h"

/*
 * Feeds input in pieces of `step` bytes (as recv might) to a session set up as *set says,
 * returns what the user would see.
 */
static char *framed_with(const struct okc_replies *set, const char *in, size_t n, size_t step,
                         size_t out_cap, struct okc_replies *r)
{
	static char seen[1 << 16];
	struct okc_buf out, pending;
	size_t fed = 0, len = 0;

	*r = *set;
	assert_int_equal(okc_buf_init(&out, out_cap), 0);
	assert_int_equal(okc_buf_init(&pending, n + 1), 0);
	for (;;) {
		size_t take = n - fed < step ? n - fed : step;
		int eof = fed + take == n;
		memcpy(pending.data + pending.end, in + fed, take);
		pending.end += take;
		fed += take;
		do { /* drain out like stdout would, until no progress */
			size_t used = okc_feed_replies(r, pending.data + pending.start, okc_buf_used(&pending),
			                           eof, &out);
			pending.start += used;
			memcpy(seen + len, out.data, out.end);
			len += out.end;
			out.start = out.end = 0;
			if (used == 0)
				break;
		} while (okc_buf_used(&pending) > 0);
		if (eof)
			break;
	}
	assert_int_equal(okc_buf_used(&pending), 0);
	seen[len] = '\0';
	okc_buf_free(&out);
	okc_buf_free(&pending);
	return seen;
}

/* framed_with a plain session: replies bare when raw, bytes unchanged. */
static char *framed(int raw, const char *in, size_t n, size_t step, size_t out_cap,
                    struct okc_replies *r)
{
	struct okc_replies set = { .raw = raw };

	return framed_with(&set, in, n, step, out_cap, r);
}

static void prefixes_each_reply(void **state)
{
	struct okc_replies r;
	(void)state;
	for (size_t step = 1; step <= 12; step++) {
		assert_string_equal(framed(0, "OK\nOK\nQuit\n", 11, step, 64, &r),
		                    "Server: OK\nServer: OK\nServer: Quit\n");
		assert_int_equal(r.answered, 3);
		assert_int_equal(r.err_seen, 0);
	}
}

static void raw_is_bare_and_crlf_becomes_lf(void **state)
{
	struct okc_replies r;
	(void)state;
	for (size_t step = 1; step <= 9; step++) {
		assert_string_equal(framed(1, "OK\r\nQ\rx\r\n", 9, step, 64, &r), "OK\nQ\rx\n");
		assert_int_equal(r.answered, 2);
	}
}

static void err_line_is_kept_not_shown(void **state)
{
	struct okc_replies r;
	const char *in = "OK\nERR server shutting down\n";
	(void)state;
	for (size_t step = 1; step <= 30; step++) {
		for (int raw = 0; raw <= 1; raw++) {
			assert_string_equal(framed(raw, in, strlen(in), step, 64, &r),
			                    raw ? "OK\n" : "Server: OK\n");
			assert_int_equal(r.answered, 1);
			assert_int_equal(r.err_seen, 1);
			assert_string_equal(r.err, "ERR server shutting down");
		}
	}
}

static void short_lines_are_not_mistaken_for_err(void **state)
{
	struct okc_replies r;
	(void)state;
	assert_string_equal(framed(1, "ER\nE\nERRX\n", 10, 1, 64, &r), "ER\nE\nERRX\n");
	assert_int_equal(r.answered, 3);
	assert_int_equal(r.err_seen, 0);
}

static void unterminated_last_line_is_shown_not_counted(void **state)
{
	struct okc_replies r;
	(void)state;
	for (size_t step = 1; step <= 6; step++) {
		assert_string_equal(framed(0, "OK\nQu", 5, step, 64, &r), "Server: OK\nServer: Qu\n");
		assert_int_equal(r.answered, 1);
		assert_string_equal(framed(1, "OK\r", 3, step, 64, &r), "OK\r\n");
		assert_int_equal(r.answered, 0);
		assert_string_equal(framed(1, "OK\nO", 4, step, 64, &r), "OK\nO\n");
		assert_int_equal(r.answered, 1);
	}
	/* An ERR cut off still refuses. */
	assert_string_equal(framed(1, "OK\nERR server fu", 16, 3, 64, &r), "OK\n");
	assert_int_equal(r.answered, 1);
	assert_int_equal(r.err_seen, 1);
	assert_string_equal(r.err, "ERR server fu");
}

static void a_cut_line_is_marked_an_err_line_is_not(void **state)
{
	struct okc_replies r;
	(void)state;
	for (size_t step = 1; step <= 5; step++) {
		framed(1, "OK\nO", 4, step, 64, &r);
		assert_true(r.cut);
		framed(0, "OK\nOK\n", 6, step, 64, &r);
		assert_false(r.cut);
		framed(1, "ERR x", 5, step, 64, &r);
		assert_false(r.cut);
		assert_true(r.err_seen);
	}
}

static void a_greeting_is_shown_not_counted(void **state)
{
	struct okc_replies set = { .greeting_due = 1 }, r;
	(void)state;
	for (size_t step = 1; step <= 20; step++) {
		set.raw = 0;
		assert_string_equal(framed_with(&set, "Hello, World!\nOK\n", 17, step, 64, &r),
		                    "Server: Hello, World!\nServer: OK\n");
		assert_int_equal(r.answered, 1);
		set.raw = 1; /* the whole-block path of -r must not count it either */
		assert_string_equal(framed_with(&set, "Hi\nOK\nOK\n", 9, step, 64, &r), "Hi\nOK\nOK\n");
		assert_int_equal(r.answered, 2);
		assert_false(r.greeting_due);
		/* An ERR line instead of a greeting is the server's refusal, as ever. */
		assert_string_equal(framed_with(&set, "ERR server full\n", 16, step, 64, &r), "");
		assert_true(r.err_seen);
		assert_int_equal(r.answered, 0);
	}
	/* A greeting cut off by the close is shown, and is a line lost. */
	assert_string_equal(framed_with(&set, "Hel", 3, 1, 64, &r), "Hel\n");
	assert_true(r.cut);
	assert_int_equal(r.answered, 0);
}

static void a_terminal_gets_control_characters_escaped(void **state)
{
	struct okc_replies set = { .show = OKC_SHOW_UTF8 }, r;
	static const char in[] = "A\x1b]0;t\x07\x1b[2J\rB\\\r\ncaf\xc3\xa9 \xc2\x85\nQ\xe2\x82";
	(void)state;
	for (size_t step = 1; step <= sizeof in; step++) {
		assert_string_equal(framed_with(&set, in, sizeof in - 1, step, 64, &r),
		                    "Server: A\\x1b]0;t\\x07\\x1b[2J\\rB\\\\\n"
		                    "Server: caf\xc3\xa9 \\xc2\\x85\n"
		                    "Server: Q\\xe2\\x82\n");
		assert_int_equal(r.answered, 2);
		assert_true(r.cut);
	}
	/* -r takes the line-by-line path on a terminal: nothing passes unescaped in a block. */
	set.raw = 1;
	assert_string_equal(framed_with(&set, "OK\nA\x1b\n", 6, 6, 64, &r), "OK\nA\\x1b\n");
	assert_int_equal(r.answered, 2);
	/* A long line of controls through a small buffer: each escape whole. */
	{
		static char ctl[3001], want[12010];
		memset(ctl, 0x1b, 3000);
		ctl[3000] = '\n';
		size_t len = 0;
		for (int i = 0; i < 3000; i++)
			len += (size_t)snprintf(want + len, sizeof want - len, "\\x1b");
		snprintf(want + len, sizeof want - len, "\n");
		assert_string_equal(framed_with(&set, ctl, 3001, 700, 50, &r), want);
		assert_int_equal(r.answered, 1);
	}
}

static void long_line_streams_through_a_small_buffer(void **state)
{
	struct okc_replies r;
	static char in[20001], want[20010];
	(void)state;
	memset(in, 'x', 19999);
	in[0] = 'Q';
	in[19999] = '\n';
	snprintf(want, sizeof want, "Server: %s", in);
	assert_string_equal(framed(0, in, 20000, 4096, 100, &r), want);
	assert_int_equal(r.answered, 1);
}

static void long_err_line_is_bounded(void **state)
{
	struct okc_replies r;
	static char in[1000];
	(void)state;
	memset(in, 'e', sizeof in - 1);
	static const char tag[] = { 'E', 'R', 'R', ' ' }; /* bytes, not a string */
	memcpy(in, tag, sizeof tag);
	in[sizeof in - 2] = '\n';
	assert_string_equal(framed(0, in, sizeof in - 1, 100, 64, &r), "");
	assert_int_equal(r.err_seen, 1);
	assert_int_equal(strlen(r.err), OKC_ERR_KEEP - 1);
}

static void counts_lf_like_a_loop(void **state)
{
	char buf[300];
	(void)state;
	srand(7);
	for (int round = 0; round < 2000; round++) {
		size_t n = (size_t)rand() % sizeof buf, want = 0;
		for (size_t i = 0; i < n; i++) {
			buf[i] = (char)(rand() % 4 == 0 ? '\n' : rand() % 256);
			want += buf[i] == '\n';
		}
		assert_int_equal(okc_count_lf(buf, n), want);
	}
}

/* Feeds s in pieces of step bytes to okc_scan_lines; returns what would be sent. */
static char *scanned(const char *s, size_t step, int *done)
{
	static char kept[256];
	struct okc_lines st = { 0 };
	size_t n = strlen(s), len = 0;

	for (size_t pos = 0; pos < n; pos += step) {
		size_t take = n - pos < step ? n - pos : step;
		size_t keep = okc_scan_lines(&st, s + pos, take);
		memcpy(kept + len, s + pos, keep);
		len += keep;
	}
	kept[len] = '\0';
	*done = st.done;
	return kept;
}

static void nothing_is_kept_after_a_q_line(void **state)
{
	int done;
	(void)state;
	for (size_t step = 1; step <= 20; step++) {
		assert_string_equal(scanned("a\nQuit\nb\nQ\n", step, &done), "a\nQuit\n");
		assert_true(done);
		assert_string_equal(scanned("aQ\nxQ\nQ", step, &done), "aQ\nxQ\nQ");
		assert_false(done);
		assert_string_equal(scanned("Q\nrest", step, &done), "Q\n");
		assert_true(done);
		assert_string_equal(scanned("no q here\n", step, &done), "no q here\n");
		assert_false(done);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prefixes_each_reply),
		cmocka_unit_test(raw_is_bare_and_crlf_becomes_lf),
		cmocka_unit_test(err_line_is_kept_not_shown),
		cmocka_unit_test(short_lines_are_not_mistaken_for_err),
		cmocka_unit_test(unterminated_last_line_is_shown_not_counted),
		cmocka_unit_test(a_cut_line_is_marked_an_err_line_is_not),
		cmocka_unit_test(a_greeting_is_shown_not_counted),
		cmocka_unit_test(a_terminal_gets_control_characters_escaped),
		cmocka_unit_test(long_line_streams_through_a_small_buffer),
		cmocka_unit_test(long_err_line_is_bounded),
		cmocka_unit_test(counts_lf_like_a_loop),
		cmocka_unit_test(nothing_is_kept_after_a_q_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
