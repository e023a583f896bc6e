/* safefile.c - files in a folder others may write: no symbolic link followed, regular files only. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform.h" /* OK_CTIME_NSEC */
#include "safefile.h"

/* A name that vanishes between "it exists" and "open it" is looked at again, this often. */
#define SAFE_OPEN_TRIES 3

int safe_open_folder(const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	char *folder;
	int fd, err;

	*name = slash != NULL ? slash + 1 : path;
	if (slash == NULL)
		return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	folder = strndup(path, slash == path ? 1 : (size_t)(slash - path)); /* "/x": "/" */
	if (folder == NULL)
		return -1;
	fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = errno;
	free(folder);
	errno = err;
	return fd;
}

/* Why opening name failed with err, as the user should hear it: a link or a FIFO there is named
 * as such, whatever errno the open gave (ELOOP, or ENXIO for a FIFO nobody reads). */
static const char *explain_failure(int dirfd, const char *name, int err)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			return SAFE_WHY_LINK;
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) /* a folder: "Is a directory" */
			return SAFE_WHY_TYPE;
	}
	return strerror(err);
}

/* The file fd is may be used: a regular file with one name. 0, or -1 with *why. */
static int check_file(int fd, struct stat *st, const char **why)
{
	if (fstat(fd, st) < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		*why = SAFE_WHY_TYPE;
		return -1;
	}
	if (st->st_nlink > 1) { /* another name for it may be anywhere: root's own file, say */
		*why = SAFE_WHY_LINKED;
		return -1;
	}
	return 0;
}

/* One try: create (O_EXCL, which never follows a link) if asked and absent, else open what is
 * there. The descriptor, or -1 with errno. */
static int open_once(int dirfd, const char *name, int flags, mode_t mode, bool *made)
{
	int fixed = (flags & ~O_CREAT) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;

	*made = false;
	if (flags & O_CREAT) {
		int fd = openat(dirfd, name, fixed | O_CREAT | O_EXCL, mode);

		if (fd >= 0 || errno != EEXIST) {
			*made = fd >= 0;
			return fd;
		}
	}
	return openat(dirfd, name, fixed);
}

int safe_open_file(int dirfd, const char *name, int flags, mode_t mode, struct stat *st,
                   bool *created, const char **why)
{
	bool made = false;
	int fd = -1;

	if (name[0] == '\0') { /* "dir/": a folder's name, not a file's */
		*why = strerror(EISDIR);
		return -1;
	}
	for (int i = 0; i < SAFE_OPEN_TRIES; i++) {
		fd = open_once(dirfd, name, flags, mode, &made);
		/* Gone between the exclusive create and the open: it may be made again now. */
		if (fd >= 0 || errno != ENOENT || !(flags & O_CREAT))
			break;
	}
	if (fd < 0) {
		*why = explain_failure(dirfd, name, errno);
		return -1;
	}
	if (check_file(fd, st, why) < 0) {
		close(fd);
		return -1;
	}
	if (created != NULL)
		*created = made;
	return fd;
}

bool safe_still_same(int dirfd, const char *name, const struct stat *st)
{
	struct stat now;

	/* The inode number alone is not enough: a file removed frees it, and the next one made
	 * takes it at once. A new file has a new change time, and perhaps another type. */
	return fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == st->st_dev &&
	       now.st_ino == st->st_ino && (now.st_mode & S_IFMT) == (st->st_mode & S_IFMT) &&
	       now.st_ctime == st->st_ctime && OK_CTIME_NSEC(&now) == OK_CTIME_NSEC(st);
}
