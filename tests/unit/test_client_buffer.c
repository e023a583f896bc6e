/* test_client_buffer.c - okclient's byte queue: tail room, unused space, consume, compact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "client.h"

static void tail_room_and_unused_space(void **state)
{
	struct okc_buf b;
	(void)state;

	assert_int_equal(okc_buf_init(&b, 16), 0);
	assert_int_equal(okc_buf_tail_room(&b), 16);
	assert_int_equal(okc_buf_unused(&b), 16);
	b.end = 16;                  /* full */
	okc_buf_consume(&b, 10);     /* 10 read from the head */
	assert_int_equal(okc_buf_used(&b), 6);
	assert_int_equal(okc_buf_tail_room(&b), 0);
	assert_int_equal(okc_buf_unused(&b), 10);
	okc_buf_free(&b);
}

static void consuming_everything_starts_again_at_the_front(void **state)
{
	struct okc_buf b;
	(void)state;

	assert_int_equal(okc_buf_init(&b, 16), 0);
	b.end = 5;
	okc_buf_consume(&b, 2);
	assert_int_equal(b.start, 2);
	okc_buf_consume(&b, 3);
	assert_int_equal(b.start, 0);
	assert_int_equal(b.end, 0);
	okc_buf_free(&b);
}

static void compact_makes_the_head_tail_room_once_the_tail_runs_short(void **state)
{
	struct okc_buf b;
	(void)state;

	assert_int_equal(okc_buf_init(&b, 16), 0);
	memcpy(b.data, "0123456789abcdef", 16);
	b.start = 2;
	b.end = 8;                   /* 8 bytes of tail room: no memmove yet */
	okc_buf_compact(&b);
	assert_int_equal(b.start, 2);
	b.end = 16;                  /* no tail room: the head is moved */
	okc_buf_compact(&b);
	assert_int_equal(b.start, 0);
	assert_int_equal(b.end, 14);
	assert_memory_equal(b.data, "23456789abcdef", 14);
	assert_int_equal(okc_buf_tail_room(&b), okc_buf_unused(&b));
	okc_buf_free(&b);
}

/* Whatever the size, unused space means tail room after compacting. */
static void unused_space_is_tail_room_after_compact_even_when_tiny(void **state)
{
	struct okc_buf b;
	(void)state;

	assert_int_equal(okc_buf_init(&b, 3), 0);
	b.start = 1;
	b.end = 3;
	okc_buf_compact(&b);
	assert_int_equal(okc_buf_tail_room(&b), 1);
	okc_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tail_room_and_unused_space),
		cmocka_unit_test(consuming_everything_starts_again_at_the_front),
		cmocka_unit_test(compact_makes_the_head_tail_room_once_the_tail_runs_short),
		cmocka_unit_test(unused_space_is_tail_room_after_compact_even_when_tiny),
	};

	return cmocka_run_group_tests_name("client buffer", tests, NULL, NULL);
}
