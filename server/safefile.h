/* safefile.h - files in a folder others may write: no symbolic link followed, regular files only. */
#ifndef OK_SAFEFILE_H
#define OK_SAFEFILE_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * okserver is often started by root with --pidfile, --log or -U in a folder another user can
 * write (okserver(1), SECURITY). Whatever that user puts there, a file is opened only as itself:
 * the last component of a name is never followed when it is a symbolic link (links the user
 * named in the folder part are the user's choice and are followed, once, when the folder is
 * opened), a FIFO is never waited on, and only a regular file with one name is used. Later
 * steps on the same name (removing it at exit) go through the folder's descriptor and check
 * that the name still leads to the very file opened, so a swap in between changes nothing.
 *
 * The reasons, as messages give them after "pidfile PATH: " or "log PATH: ":
 */
#define SAFE_WHY_LINK   "is a symbolic link; not followed"
#define SAFE_WHY_TYPE   "not a regular file"
#define SAFE_WHY_LINKED "has other hard links; not used"

/* The folder of path (all of it before the last '/', "/" for "/x", "." when there is no '/'),
 * opened as a close-on-exec directory descriptor; *name is the last component, inside path
 * (empty when path ends with '/'). The descriptor, or -1 with errno. */
int safe_open_folder(const char *path, const char **name);

/*
 * Opens name inside the folder dirfd: flags (O_RDWR, or O_WRONLY | O_APPEND; with O_CREAT the
 * file is made with mode when it is not there) plus no following a link, close-on-exec and
 * non-blocking (a FIFO would otherwise hold the open). Only a regular file with one link is
 * kept. *created (if not NULL) says whether this call made the file. The descriptor (st filled
 * from it), or -1 with *why set to the reason: one of SAFE_WHY_*, or strerror's text.
 */
int safe_open_file(int dirfd, const char *name, int flags, mode_t mode, struct stat *st,
                   bool *created, const char **why);

/* True when name inside dirfd is, without following a link, the file st describes: the same
 * device, inode, type and change time (an inode number is reused as soon as it is freed; a
 * file changed since st was taken, chmod'd or written, no longer counts as the same). */
bool safe_still_same(int dirfd, const char *name, const struct stat *st);

#endif
