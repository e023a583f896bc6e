/* test_client_escape.c - okc_escape: a server's bytes as a terminal is shown them, bytes in, text out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../client/client.h" /* the Makefile gives only -Icommon */

/* in[0, n) escaped in one call with room to spare, as a C string; all of it must be taken. */
static const char *shown(enum okc_show mode, const char *in, size_t n)
{
	static char out[1024];
	size_t len;

	assert_true(n * OKC_ESCAPE_MAX < sizeof out);
	assert_int_equal(okc_escape(mode, in, n, 1, out, sizeof out - 1, &len), n);
	out[len] = '\0';
	return out;
}

#define SHOWN(mode, lit) shown((mode), (lit), sizeof(lit) - 1)

static void raw_passes_every_byte(void **state)
{
	static const char all[] = "\x1b]0;t\x07\0\x85\xc2\x85\\\r\xff";
	char out[64];
	size_t len;
	(void)state;
	assert_int_equal(okc_escape(OKC_SHOW_RAW, all, sizeof all - 1, 1, out, sizeof out, &len),
	                 sizeof all - 1);
	assert_int_equal(len, sizeof all - 1);
	assert_memory_equal(out, all, len);
}

static void terminal_controls_become_escapes(void **state)
{
	(void)state;
	for (int m = OKC_SHOW_ASCII; m <= OKC_SHOW_UTF8; m++) {
		assert_string_equal(SHOWN(m, "\x1b]0;title\x07"), "\\x1b]0;title\\x07");
		assert_string_equal(SHOWN(m, "\x1b[2J"), "\\x1b[2J");
		assert_string_equal(SHOWN(m, "\x1b]52;c;aGk=\x07"), "\\x1b]52;c;aGk=\\x07");
		assert_string_equal(SHOWN(m, "a\0b"), "a\\x00b");
		assert_string_equal(SHOWN(m, "a\rb"), "a\\rb");
		assert_string_equal(SHOWN(m, "\x7f\x01\x1f"), "\\x7f\\x01\\x1f");
		/* TAB is text; a backslash is doubled, so "\x1b" typed by a server is not an escape. */
		assert_string_equal(SHOWN(m, "a\tb"), "a\tb");
		assert_string_equal(SHOWN(m, "\\x1b"), "\\\\x1b");
		assert_string_equal(SHOWN(m, "Server: OK ~"), "Server: OK ~");
	}
}

static void every_ascii_byte_is_judged(void **state)
{
	(void)state;
	for (int c = 0; c < 0x80; c++) {
		char in = (char)c;
		const char *out = shown(OKC_SHOW_UTF8, &in, 1);
		if (c == '\\')
			assert_string_equal(out, "\\\\");
		else if (c == '\r')
			assert_string_equal(out, "\\r");
		else if (c == '\t' || (c >= 0x20 && c < 0x7f))
			assert_int_equal(out[0], c);
		else
			assert_int_equal(strlen(out), 4);
	}
}

static void utf8_terminal_takes_valid_utf8_but_not_c1(void **state)
{
	(void)state;
	assert_string_equal(SHOWN(OKC_SHOW_UTF8, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	                    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* C1 controls: single bytes (not UTF-8 at all) and U+0080-U+009F encoded. */
	assert_string_equal(SHOWN(OKC_SHOW_UTF8, "\x85\x9b"), "\\x85\\x9b");
	assert_string_equal(SHOWN(OKC_SHOW_UTF8, "\xc2\x85\xc2\x9b[2J"), "\\xc2\\x85\\xc2\\x9b[2J");
	assert_string_equal(SHOWN(OKC_SHOW_UTF8, "\xc2\xa0"), "\xc2\xa0"); /* U+00A0 is text */
	/* Not UTF-8: overlong forms, surrogates, past U+10FFFF, stray and cut sequences. */
	assert_string_equal(SHOWN(OKC_SHOW_UTF8, "\xc0\xaf"), "\\xc0\\xaf");
	assert_string_equal(SHOWN(OKC_SHOW_UTF8, "\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
	assert_string_equal(SHOWN(OKC_SHOW_UTF8, "\xed\xa0\x80"), "\\xed\\xa0\\x80");
	assert_string_equal(SHOWN(OKC_SHOW_UTF8, "\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	assert_string_equal(SHOWN(OKC_SHOW_UTF8, "\xf5\xff\xfe"), "\\xf5\\xff\\xfe");
	assert_string_equal(SHOWN(OKC_SHOW_UTF8, "\xe2\x82x"), "\\xe2\\x82x");
	assert_string_equal(SHOWN(OKC_SHOW_UTF8, "a\xe2\x82"), "a\\xe2\\x82"); /* final: cut */
}

static void other_terminals_get_every_high_byte_escaped(void **state)
{
	(void)state;
	/* On a terminal of a single-byte set, 0x9B of a UTF-8 sequence could be CSI. */
	assert_string_equal(SHOWN(OKC_SHOW_ASCII, "\xc4\x9b[2J"), "\\xc4\\x9b[2J");
	assert_string_equal(SHOWN(OKC_SHOW_ASCII, "caf\xc3\xa9"), "caf\\xc3\\xa9");
}

static void a_sequence_cut_by_the_input_waits_unless_final(void **state)
{
	char out[64];
	size_t len;
	(void)state;
	assert_int_equal(okc_escape(OKC_SHOW_UTF8, "ab\xe2\x82", 4, 0, out, sizeof out, &len), 2);
	assert_int_equal(len, 2);
	assert_int_equal(okc_escape(OKC_SHOW_UTF8, "\xe2\x82\xac", 3, 0, out, sizeof out, &len), 3);
	assert_memory_equal(out, "\xe2\x82\xac", 3);
	/* A byte that cannot continue it shows the sequence broken at once, final or not. */
	assert_int_equal(okc_escape(OKC_SHOW_UTF8, "\xe2x", 2, 0, out, sizeof out, &len), 2);
	assert_memory_equal(out, "\\xe2x", 5);
}

static void output_room_is_never_exceeded(void **state)
{
	static const char in[] = "a\x1b\xe2\x82\xac\\b";
	char out[64];
	size_t len, cap, pos;
	(void)state;
	/* Piece by piece through every room size: the same text, never a character split. */
	for (cap = OKC_ESCAPE_MAX; cap < 20; cap++) {
		char all[128] = "";
		size_t total = 0;
		for (pos = 0; pos < sizeof in - 1;) {
			size_t used = okc_escape(OKC_SHOW_UTF8, in + pos, sizeof in - 1 - pos, 1, out,
			                         cap, &len);
			assert_true(len <= cap);
			assert_true(used > 0);
			memcpy(all + total, out, len);
			total += len;
			pos += used;
		}
		all[total] = '\0';
		assert_string_equal(all, "a\\x1b\xe2\x82\xac\\\\b");
	}
	/* Too little room for the next character: nothing is taken. */
	assert_int_equal(okc_escape(OKC_SHOW_UTF8, "\x1b", 1, 1, out, 3, &len), 0);
	assert_int_equal(len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raw_passes_every_byte),
		cmocka_unit_test(terminal_controls_become_escapes),
		cmocka_unit_test(every_ascii_byte_is_judged),
		cmocka_unit_test(utf8_terminal_takes_valid_utf8_but_not_c1),
		cmocka_unit_test(other_terminals_get_every_high_byte_escaped),
		cmocka_unit_test(a_sequence_cut_by_the_input_waits_unless_final),
		cmocka_unit_test(output_room_is_never_exceeded),
	};

	return cmocka_run_group_tests_name("client escape", tests, NULL, NULL);
}
