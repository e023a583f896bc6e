/* history.c - the prompt's history file: never through a link, read and saved by its descriptor. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "lineedit.h"

/*
 * The file may sit where others can write (a shared folder, a HOME that root uses through
 * sudo), so it is opened once, without following a symbolic link (O_NOFOLLOW), and what was
 * opened is checked by its descriptor: a regular file of ours, with no other name. Reading and
 * every save then go through that descriptor, never the path again, so nothing swapped in
 * between can be read or written in its place. GNU readline's read_history and write_history
 * take a path, so the file is read and written here, in their format (one entry a line), for
 * either line editor.
 */

/* Flags of every open: no link followed, no controlling terminal taken, no wait on a FIFO
 * (its type is refused right after). */
#define OPEN_FLAGS (O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

/* Why the file open on fd is not to be used, or NULL when it is ours to use. */
static const char *refusal(int fd, char *why, size_t len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "is not a regular file";
	if (st.st_uid != geteuid()) {
		snprintf(why, len, "belongs to another user (uid %lu)", (unsigned long)st.st_uid);
		return why;
	}
	if (st.st_nlink > 1)
		return "has other hard links";
	return NULL;
}

/* Gives the file up for this session: e says why (with "; not used" when it was refused). */
static int give_up(struct okc_history *h, const char *why, int refused, struct ok_err *e)
{
	ok_err_set(e, 0, 0, "history %s: %s%s", h->path, why, refused ? "; not used" : "");
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	free(h->path);
	h->path = NULL;
	return -1;
}

/* Gives the file up after an open of it failed with err: a link is named as such. */
static int refuse_open(struct okc_history *h, int err, struct ok_err *e)
{
	struct stat st;

	if (lstat(h->path, &st) == 0 && S_ISLNK(st.st_mode))
		return give_up(h, "is a symbolic link", 1, e);
	return give_up(h, strerror(err), 0, e);
}

/*
 * h->fd opened for reading and writing and checked; 0, or -1 with e set. At the start
 * (create 0) a missing file is 0 with h->fd -1, and a file we may only read is read (the first
 * save says why it is not saved); at the first save (create 1) it is made, mode 0600.
 */
static int open_checked(struct okc_history *h, int create, struct ok_err *e)
{
	char buf[64];
	const char *why;

	h->fd = open(h->path, O_RDWR | OPEN_FLAGS | (create ? O_CREAT : 0), 0600);
	if (h->fd < 0 && !create && (errno == EACCES || errno == EROFS)) {
		h->write_err = errno;
		h->fd = open(h->path, O_RDONLY | OPEN_FLAGS);
	}
	if (h->fd < 0)
		return !create && errno == ENOENT ? 0 : refuse_open(h, errno, e);
	if ((why = refusal(h->fd, buf, sizeof buf)) != NULL)
		return give_up(h, why, 1, e);
	return 0;
}

/* Each line of the open file into the history list. */
static int read_lines(struct okc_history *h, struct ok_err *e)
{
	int fd = fcntl(h->fd, F_DUPFD_CLOEXEC, 0);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	int err;

	if (f == NULL) {
		err = errno;
		if (fd >= 0)
			close(fd);
		return give_up(h, strerror(err), 0, e);
	}
	while ((n = getline(&line, &size, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		lineedit_add_history(line);
	}
	err = ferror(f) ? errno : 0;
	free(line);
	fclose(f);
	return err != 0 ? give_up(h, strerror(err), 0, e) : 0;
}

int okc_history_open(struct okc_history *h, const char *path, int max, struct ok_err *e)
{
	memset(h, 0, sizeof *h);
	h->fd = -1;
	lineedit_history_init(max);
	/* No file to keep, as with bash's HISTFILE=/dev/null: nothing opened, nothing said. */
	if (path == NULL || strcmp(path, OKC_HISTORY_NONE) == 0)
		return 0;
	if ((h->path = strdup(path)) == NULL)
		return ok_err_set(e, 0, ENOMEM, "history %s", path);
	if (open_checked(h, 0, e) < 0)
		return -1;
	return h->fd >= 0 ? read_lines(h, e) : 0; /* a missing file is the normal first run */
}

/* The whole list from offset 0, then the file cut to its length: never left empty on the
 * way, as truncating first would leave it if the write failed. 0 or an errno. */
static int write_lines(int fd)
{
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0), err = 0;
	FILE *f = copy < 0 ? NULL : fdopen(copy, "w");
	off_t len;

	if (f == NULL) {
		err = errno;
		if (copy >= 0)
			close(copy);
		return err;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		err = errno;
	for (int i = 0; err == 0 && i < lineedit_history_count(); i++) {
		const char *line = lineedit_history_line(i);
		if (line != NULL && fprintf(f, "%s\n", line) < 0)
			err = errno;
	}
	if (err == 0 && (fflush(f) != 0 || (len = ftello(f)) < 0 || ftruncate(fd, len) < 0))
		err = errno;
	if (fclose(f) != 0 && err == 0)
		err = errno;
	return err;
}

int okc_history_save(struct okc_history *h, struct ok_err *e)
{
	int err;

	if (h->path == NULL)
		return 0;
	if (h->write_err != 0)
		return give_up(h, strerror(h->write_err), 0, e);
	if (h->fd < 0 && open_checked(h, 1, e) < 0)
		return -1;
	if ((err = write_lines(h->fd)) != 0)
		return give_up(h, strerror(err), 0, e);
	return 0;
}

void okc_history_close(struct okc_history *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	free(h->path);
	h->path = NULL;
	lineedit_clear_history();
}
