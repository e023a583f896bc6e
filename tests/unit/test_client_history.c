/* test_client_history.c - the prompt's history file: never through a link, never another's file. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../client/client.h" /* the Makefile gives only -Icommon */
#include "../../client/lineedit.h"

static char dir[] = "/tmp/okc-history-XXXXXX";
static char path[128], target[128];

/* A fresh folder for each test: path is the history file's name in it, target another. */
static int make_dir(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/okc-history-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/history", dir);
	snprintf(target, sizeof target, "%s/target", dir);
	return 0;
}

/* Whatever a test left in the folder (the names it uses), then the folder. */
static int remove_dir(void **state)
{
	static const char *const names[] = { "history", "target", "moved" };
	char name[160];
	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(name, sizeof name, "%s/%s", dir, names[i]);
		(void)unlink(name);
	}
	return rmdir(dir);
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The file's content (at most 255 bytes) as a string. */
static const char *content(const char *name)
{
	static char buf[256];
	FILE *f = fopen(name, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The history list, one entry a line. */
static const char *listed(void)
{
	static char buf[256];
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < lineedit_history_count(); i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s\n", lineedit_history_line(i));
	return buf;
}

/* Opening file is refused with "history FILE: why; not used"; nothing is read, and a save
 * after a new line writes nothing anywhere. */
static void assert_refused(const char *file, const char *why)
{
	struct okc_history h;
	struct ok_err e;
	char expect[256];

	assert_int_equal(okc_history_open(&h, file, 10, &e), -1);
	snprintf(expect, sizeof expect, "history %s: %s; not used", file, why);
	assert_string_equal(e.msg, expect);
	assert_string_equal(listed(), "");
	lineedit_add_history("typed");
	assert_int_equal(okc_history_save(&h, &e), 0);
	okc_history_close(&h);
}

static void a_missing_file_is_made_at_the_first_save(void **state)
{
	struct okc_history h;
	struct ok_err e;
	struct stat st;
	(void)state;
	assert_int_equal(okc_history_open(&h, path, 10, &e), 0);
	assert_int_equal(access(path, F_OK), -1); /* not made by starting alone */
	lineedit_add_history("one");
	lineedit_add_history("two");
	assert_int_equal(okc_history_save(&h, &e), 0);
	okc_history_close(&h);
	assert_string_equal(content(path), "one\ntwo\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void a_file_is_read_then_saved_bounded(void **state)
{
	struct okc_history h;
	struct ok_err e;
	(void)state;
	write_file(path, "a\nb\nc\nd\n");
	assert_int_equal(okc_history_open(&h, path, 3, &e), 0);
	assert_string_equal(listed(), "b\nc\nd\n");
	lineedit_add_history("e");
	assert_int_equal(okc_history_save(&h, &e), 0);
	okc_history_close(&h);
	/* Shorter than before: cut to its new length. */
	assert_string_equal(content(path), "c\nd\ne\n");
}

static void a_symbolic_link_is_not_followed(void **state)
{
	(void)state;
	write_file(target, "secret\n");
	assert_int_equal(symlink(target, path), 0);
	assert_refused(path, "is a symbolic link");
	assert_string_equal(content(target), "secret\n");
	/* A link to nowhere: nothing is made at its target either. */
	assert_int_equal(unlink(target), 0);
	assert_refused(path, "is a symbolic link");
	assert_int_equal(access(target, F_OK), -1);
}

static void another_users_file_is_not_used(void **state)
{
	(void)state;
	if (geteuid() == 0) {
		write_file(path, "planted\n");
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_refused(path, "belongs to another user (uid 65534)");
		assert_string_equal(content(path), "planted\n");
	} else {
		/* Not root: a file of root's stands in for another user's. */
		assert_refused("/etc/passwd", "belongs to another user (uid 0)");
	}
}

static void a_fifo_or_a_second_name_is_not_used(void **state)
{
	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_refused(path, "is not a regular file"); /* and the open did not wait for a writer */
	assert_int_equal(unlink(path), 0);
	write_file(target, "mine\n");
	assert_int_equal(link(target, path), 0);
	assert_refused(path, "has other hard links");
	assert_string_equal(content(target), "mine\n");
}

/* The file is saved through the descriptor opened at the start: a swap of the path later
 * (the file moved away, a link put in its place) changes nothing of where the lines go. */
static void a_swap_after_the_start_is_not_followed(void **state)
{
	struct okc_history h;
	struct ok_err e;
	char moved[160];
	(void)state;
	write_file(path, "old\n");
	write_file(target, "secret\n");
	assert_int_equal(okc_history_open(&h, path, 10, &e), 0);
	snprintf(moved, sizeof moved, "%s/moved", dir);
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(symlink(target, path), 0);
	lineedit_add_history("new");
	assert_int_equal(okc_history_save(&h, &e), 0);
	okc_history_close(&h);
	assert_string_equal(content(target), "secret\n");
	assert_string_equal(content(moved), "old\nnew\n");
}

static void dev_null_keeps_none_quietly(void **state)
{
	struct okc_history h;
	struct ok_err e;
	(void)state;
	assert_int_equal(okc_history_open(&h, "/dev/null", 10, &e), 0);
	lineedit_add_history("x");
	assert_int_equal(okc_history_save(&h, &e), 0);
	okc_history_close(&h);
	assert_int_equal(okc_history_open(&h, NULL, 10, &e), 0); /* no HOME */
	okc_history_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_missing_file_is_made_at_the_first_save, make_dir,
		                                remove_dir),
		cmocka_unit_test_setup_teardown(a_file_is_read_then_saved_bounded, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(a_symbolic_link_is_not_followed, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(another_users_file_is_not_used, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(a_fifo_or_a_second_name_is_not_used, make_dir,
		                                remove_dir),
		cmocka_unit_test_setup_teardown(a_swap_after_the_start_is_not_followed, make_dir,
		                                remove_dir),
		cmocka_unit_test_setup_teardown(dev_null_keeps_none_quietly, make_dir, remove_dir),
	};

	umask(022);
	return cmocka_run_group_tests_name("client history", tests, NULL, NULL);
}
