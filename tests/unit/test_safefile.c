/* test_safefile.c - files in a folder others may write (safefile.c) and the pidfile (daemon.c). */
#include <dirent.h>
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
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../server/daemon.h" /* the Makefile adds only -Icommon */
#include "../../server/safefile.h"

/* A fresh folder for each test, removed with what it holds at the end. */
static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/ok_safefile_XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

/* The tests make files, links, FIFOs and empty folders there, one level deep: each entry goes
 * (a folder with rmdir), then the folder itself. */
static int remove_dir(void **state)
{
	DIR *d = opendir(dir);
	const struct dirent *ent;
	int fd;

	(void)state;
	if (d == NULL)
		return -1;
	fd = dirfd(d);
	while ((ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		/* A folder: Linux says EISDIR, POSIX allows EPERM. */
		if (unlinkat(fd, ent->d_name, 0) < 0 && (errno == EISDIR || errno == EPERM))
			(void)unlinkat(fd, ent->d_name, AT_REMOVEDIR);
	}
	closedir(d);
	return rmdir(dir);
}

/* dir/name, in a static buffer per call site's need (two at most at once). */
static const char *in_dir(const char *name)
{
	static char paths[2][128];
	static int which;

	which = !which;
	snprintf(paths[which], sizeof paths[which], "%s/%s", dir, name);
	return paths[which];
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_text(const char *path, const char *text)
{
	char buf[64] = { 0 };
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof buf - 1, f) < sizeof buf);
	fclose(f);
	assert_string_equal(buf, text);
}

/* Opens dir/name as the log opens its file; the descriptor, or -1 with *why. */
static int open_in_dir(const char *name, int flags, bool *created, const char **why)
{
	const char *base;
	struct stat st;
	int dirfd = safe_open_folder(in_dir(name), &base), fd;

	assert_true(dirfd >= 0);
	assert_string_equal(base, name);
	fd = safe_open_file(dirfd, base, flags, 0640, &st, created, why);
	close(dirfd);
	return fd;
}

static void folder_and_name_are_split_at_the_last_slash(void **state)
{
	const char *name;
	struct stat a, b;
	int fd;
	(void)state;

	fd = safe_open_folder("/x", &name);
	assert_true(fd >= 0);
	assert_string_equal(name, "x");
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat("/", &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	close(fd);
	fd = safe_open_folder("plain", &name);
	assert_true(fd >= 0);
	assert_string_equal(name, "plain");
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat(".", &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	close(fd);
	assert_int_equal(safe_open_folder("/no/such/folder/x", &name), -1);
	assert_int_equal(errno, ENOENT);
}

static void a_regular_file_is_made_or_opened(void **state)
{
	const char *why = NULL;
	bool created = false;
	int fd;
	(void)state;

	fd = open_in_dir("f", O_WRONLY | O_APPEND | O_CREAT, &created, &why);
	assert_true(fd >= 0);
	assert_true(created);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	fd = open_in_dir("f", O_RDWR | O_CREAT, &created, &why);
	assert_true(fd >= 0);
	assert_false(created);
	close(fd);
	assert_int_equal(open_in_dir("none", O_RDWR, NULL, &why), -1);
	assert_string_equal(why, strerror(ENOENT));
}

static void a_symbolic_link_is_never_followed(void **state)
{
	const char *why = NULL;
	(void)state;

	write_text(in_dir("victim"), "precious");
	assert_int_equal(symlink(in_dir("victim"), in_dir("link")), 0);
	assert_int_equal(open_in_dir("link", O_WRONLY | O_APPEND | O_CREAT, NULL, &why), -1);
	assert_string_equal(why, SAFE_WHY_LINK);
	assert_int_equal(open_in_dir("link", O_RDWR, NULL, &why), -1);
	assert_string_equal(why, SAFE_WHY_LINK);
	assert_text(in_dir("victim"), "precious");
	/* A dangling one: nothing is made where it points. */
	assert_int_equal(symlink(in_dir("made"), in_dir("dangling")), 0);
	assert_int_equal(open_in_dir("dangling", O_RDWR | O_CREAT, NULL, &why), -1);
	assert_string_equal(why, SAFE_WHY_LINK);
	assert_int_equal(access(in_dir("made"), F_OK), -1);
}

static void only_a_regular_file_with_one_name_is_used(void **state)
{
	const char *why = NULL;
	(void)state;

	/* A FIFO nobody reads holds neither a write-only nor a read-write open. */
	assert_int_equal(mkfifo(in_dir("fifo"), 0600), 0);
	assert_int_equal(open_in_dir("fifo", O_WRONLY | O_APPEND | O_CREAT, NULL, &why), -1);
	assert_string_equal(why, SAFE_WHY_TYPE);
	assert_int_equal(open_in_dir("fifo", O_RDWR | O_CREAT, NULL, &why), -1);
	assert_string_equal(why, SAFE_WHY_TYPE);
	assert_int_equal(mkdir(in_dir("sub"), 0700), 0);
	assert_int_equal(open_in_dir("sub", O_WRONLY | O_CREAT, NULL, &why), -1);
	assert_string_equal(why, strerror(EISDIR));
	/* A second name for a file elsewhere (root's, on a system without protected_hardlinks). */
	write_text(in_dir("victim"), "precious");
	assert_int_equal(link(in_dir("victim"), in_dir("hard")), 0);
	assert_int_equal(open_in_dir("hard", O_RDWR | O_CREAT, NULL, &why), -1);
	assert_string_equal(why, SAFE_WHY_LINKED);
	assert_text(in_dir("victim"), "precious");
}

static void sleep_20ms(void)
{
	struct timespec ts = { 0, 20000000L };

	nanosleep(&ts, NULL);
}

static void still_same_means_the_very_file(void **state)
{
	char moved[80];
	const char *base;
	struct stat st;
	int dirfd;
	(void)state;

	write_text(in_dir("f"), "x");
	dirfd = safe_open_folder(in_dir("f"), &base);
	assert_int_equal(fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(safe_still_same(dirfd, base, &st));
	/* Removed and made again (an inode number is reused at once): not the same. */
	assert_int_equal(unlink(in_dir("f")), 0);
	sleep_20ms();
	write_text(in_dir("f"), "x");
	assert_false(safe_still_same(dirfd, base, &st));
	assert_int_equal(fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW), 0);
	/* Swapped for a link, or gone: not the same. */
	assert_int_equal(rename(in_dir("f"), in_dir("g")), 0);
	assert_false(safe_still_same(dirfd, base, &st));
	assert_int_equal(symlink(in_dir("g"), in_dir("f")), 0);
	assert_false(safe_still_same(dirfd, base, &st));
	/* The folder renamed: its descriptor still finds the file by its name. */
	assert_int_equal(fstatat(dirfd, "g", &st, AT_SYMLINK_NOFOLLOW), 0);
	snprintf(moved, sizeof moved, "%s.moved", dir);
	assert_int_equal(rename(dir, moved), 0);
	assert_true(safe_still_same(dirfd, "g", &st));
	assert_int_equal(rename(moved, dir), 0);
	close(dirfd);
}

static void pidfile_holds_the_pid_and_its_lock(void **state)
{
	struct pidfile p, q;
	struct ok_err e;
	char expect[160], pid[32];
	(void)state;

	assert_int_equal(pidfile_open(&p, in_dir("ok.pid"), &e), 0);
	assert_true(pidfile_is_ours(&p)); /* made by it, still empty */
	assert_int_equal(pidfile_write(&p, &e), 0);
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	assert_text(in_dir("ok.pid"), pid);
	/* A second opener (another open file description) finds it locked, and by whom. */
	assert_int_equal(pidfile_open(&q, in_dir("ok.pid"), &e), -1);
	snprintf(expect, sizeof expect, "pidfile %s: in use by pid %ld", in_dir("ok.pid"),
	         (long)getpid());
	assert_string_equal(e.msg, expect);
	assert_int_equal(e.code, 4);
	pidfile_remove(&q); /* never opened: nothing happens */
	assert_true(pidfile_is_ours(&p));
	pidfile_remove(&p);
	assert_int_equal(access(in_dir("ok.pid"), F_OK), -1);
	pidfile_remove(&p); /* twice is harmless */
}

static void pidfile_not_ours_is_left(void **state)
{
	struct pidfile p;
	struct ok_err e;
	(void)state;

	/* Its content replaced by another pid: left. */
	assert_int_equal(pidfile_open(&p, in_dir("a.pid"), &e), 0);
	assert_int_equal(pidfile_write(&p, &e), 0);
	write_text(in_dir("a.pid"), "999999\n");
	assert_false(pidfile_is_ours(&p));
	pidfile_remove(&p);
	assert_text(in_dir("a.pid"), "999999\n");
	/* Another file put in its place: left. */
	assert_int_equal(pidfile_open(&p, in_dir("b.pid"), &e), 0);
	assert_int_equal(pidfile_write(&p, &e), 0);
	assert_int_equal(unlink(in_dir("b.pid")), 0);
	sleep_20ms();
	write_text(in_dir("b.pid"), "1\n");
	pidfile_remove(&p);
	assert_text(in_dir("b.pid"), "1\n");
	/* One that was there before, never written: left as it was. */
	write_text(in_dir("c.pid"), "");
	assert_int_equal(pidfile_open(&p, in_dir("c.pid"), &e), 0);
	assert_false(pidfile_is_ours(&p));
	pidfile_remove(&p);
	assert_int_equal(access(in_dir("c.pid"), F_OK), 0);
}

static void pidfile_refuses_a_link_or_a_fifo(void **state)
{
	struct pidfile p;
	struct ok_err e;
	char expect[160];
	(void)state;

	write_text(in_dir("victim"), "precious");
	assert_int_equal(symlink(in_dir("victim"), in_dir("ok.pid")), 0);
	assert_int_equal(pidfile_open(&p, in_dir("ok.pid"), &e), -1);
	snprintf(expect, sizeof expect, "pidfile %s: " SAFE_WHY_LINK, in_dir("ok.pid"));
	assert_string_equal(e.msg, expect);
	assert_text(in_dir("victim"), "precious");
	assert_int_equal(mkfifo(in_dir("fifo.pid"), 0600), 0);
	assert_int_equal(pidfile_open(&p, in_dir("fifo.pid"), &e), -1);
	snprintf(expect, sizeof expect, "pidfile %s: " SAFE_WHY_TYPE, in_dir("fifo.pid"));
	assert_string_equal(e.msg, expect);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(folder_and_name_are_split_at_the_last_slash, make_dir,
		                                remove_dir),
		cmocka_unit_test_setup_teardown(a_regular_file_is_made_or_opened, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(a_symbolic_link_is_never_followed, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(only_a_regular_file_with_one_name_is_used, make_dir,
		                                remove_dir),
		cmocka_unit_test_setup_teardown(still_same_means_the_very_file, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(pidfile_holds_the_pid_and_its_lock, make_dir,
		                                remove_dir),
		cmocka_unit_test_setup_teardown(pidfile_not_ours_is_left, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(pidfile_refuses_a_link_or_a_fifo, make_dir, remove_dir),
	};
	return cmocka_run_group_tests_name("safefile", tests, NULL, NULL);
}
