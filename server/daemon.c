/* daemon.c - -d and --pidfile: detach once listening, record the pid. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h> /* flock */
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "options.h" /* SERVER_EXIT_DAEMON */
#include "safefile.h"

int daemon_detach(struct ok_err *e)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		return ok_err_set(e, SERVER_EXIT_DAEMON, errno, "daemon");
	/* What stdio still holds goes out now, to the caller's streams: the parent leaves by _exit
	 * and the child's stdout becomes /dev/null. (The ready line comes later, from the child.) */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = errno;
		close(p[0]);
		close(p[1]);
		return ok_err_set(e, SERVER_EXIT_DAEMON, err, "daemon");
	}
	if (pid > 0) {
		ssize_t n;
		close(p[1]);
		/* Exit only once the child has written the pidfile and the ready line (daemon.h). */
		while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
			;
		_exit(n == 1 ? SERVER_EXIT_OK : SERVER_EXIT_DAEMON);
	}
	close(p[0]);
	if (setsid() < 0) {
		int err = errno;
		close(p[1]);
		return ok_err_set(e, SERVER_EXIT_DAEMON, err, "daemon");
	}
	return p[1];
}

/* stderr stays only where logs appended to it go on being read: a regular file. A pipe or a
 * terminal would hold the caller ("out=$(okserver -d 2>&1)" waits for every writer to close). */
static bool keep_stderr(bool log_elsewhere)
{
	struct stat st;

	return !log_elsewhere && fstat(STDERR_FILENO, &st) == 0 && S_ISREG(st.st_mode);
}

int daemon_ready(int fd, bool log_elsewhere, struct ok_err *e)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), err = 0;

	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
	    (!keep_stderr(log_elsewhere) && dup2(null, STDERR_FILENO) < 0))
		err = errno;
	if (null > STDERR_FILENO)
		close(null);
	if (err == 0 && chdir("/") < 0)
		err = errno;
	if (err == 0 && write(fd, "R", 1) != 1)
		err = errno;
	close(fd);
	return err == 0 ? 0 : ok_err_set(e, SERVER_EXIT_DAEMON, err, "daemon");
}

/* Without /dev/fd: every descriptor the limit allows, at most this many (a huge limit would
 * cost a second of close calls for nothing). */
#define CLOSE_SCAN_MAX 65536

void daemon_close_inherited(int first)
{
	DIR *d = opendir("/dev/fd");
	struct dirent *e;

	if (d == NULL) {
		long max = sysconf(_SC_OPEN_MAX);

		if (max < 0 || max > CLOSE_SCAN_MAX)
			max = CLOSE_SCAN_MAX;
		for (int fd = first; fd < max; fd++)
			(void)close(fd); /* EBADF for the many that are not open */
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);

		if (*end == '\0' && end != e->d_name && fd >= first && fd != dirfd(d))
			(void)close((int)fd);
	}
	closedir(d);
}

/* A pidfile removed by the server that held it, just as this one locked it, is opened again
 * (its name now leads to a new file, or none), at most this often. */
#define PIDFILE_TRIES 3

/* "pidfile PATH: why", exit status 4; -1. */
static int pidfile_failed(struct ok_err *e, const struct pidfile *p, const char *why)
{
	return ok_err_set(e, SERVER_EXIT_DAEMON, 0, "pidfile %s: %s", p->path, why);
}

/* The pid the holder of the lock wrote there, or 0 when there is none (yet) to read. */
static long read_holder(int fd)
{
	char text[32], *end;
	ssize_t n = pread(fd, text, sizeof text - 1, 0);
	long pid;

	if (n <= 0)
		return 0;
	text[n] = '\0';
	pid = strtol(text, &end, 10);
	return pid > 0 && end != text && (*end == '\n' || *end == '\0') ? pid : 0;
}

/* Another process holds the lock: "in use by pid N". -1. */
static int pidfile_in_use(struct ok_err *e, const struct pidfile *p, int fd)
{
	long pid = read_holder(fd);

	if (pid == 0)
		return pidfile_failed(e, p, "in use (locked by another process)");
	return ok_err_set(e, SERVER_EXIT_DAEMON, 0, "pidfile %s: in use by pid %ld", p->path, pid);
}

/* Opens name and takes its lock. The descriptor, 0 when the file locked is no longer the one
 * named (a server that held it removed it meanwhile: try again), -1 with e filled. */
static int open_and_lock(struct pidfile *p, struct ok_err *e)
{
	const char *why;
	int fd = safe_open_file(p->dirfd, p->name, O_RDWR | O_CREAT, 0644, &p->st, &p->created,
	                        &why);

	if (fd < 0)
		return pidfile_failed(e, p, why);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno, rc = err == EWOULDBLOCK ? pidfile_in_use(e, p, fd)
		                                         : pidfile_failed(e, p, strerror(err));
		close(fd);
		return rc;
	}
	if (!safe_still_same(p->dirfd, p->name, &p->st)) {
		close(fd);
		return 0;
	}
	return fd;
}

int pidfile_open(struct pidfile *p, const char *path, struct ok_err *e)
{
	int fd = 0;

	memset(p, 0, sizeof *p);
	p->fd = -1;
	p->path = path;
	p->dirfd = safe_open_folder(path, &p->name);
	if (p->dirfd < 0)
		return pidfile_failed(e, p, strerror(errno));
	for (int i = 0; i < PIDFILE_TRIES && fd == 0; i++)
		fd = open_and_lock(p, e);
	if (fd > 0) {
		p->fd = fd;
		return 0;
	}
	if (fd == 0)
		pidfile_failed(e, p, "replaced again and again while being locked");
	close(p->dirfd);
	p->dirfd = -1;
	return -1;
}

int pidfile_write(struct pidfile *p, struct ok_err *e)
{
	int n = snprintf(p->text, sizeof p->text, "%ld\n", (long)getpid());
	ssize_t w;

	if (ftruncate(p->fd, 0) < 0)
		return pidfile_failed(e, p, strerror(errno));
	do
		w = pwrite(p->fd, p->text, (size_t)n, 0);
	while (w < 0 && errno == EINTR);
	if (w != n) /* a short write sets no errno */
		return pidfile_failed(e, p, strerror(w < 0 ? errno : EIO));
	if (fstat(p->fd, &p->st) < 0) /* written: its change time is new */
		return pidfile_failed(e, p, strerror(errno));
	return 0;
}

bool pidfile_is_ours(const struct pidfile *p)
{
	char now[sizeof p->text + 1];
	size_t len = strlen(p->text);
	struct stat st;

	if (p->fd < 0 || !safe_still_same(p->dirfd, p->name, &p->st))
		return false;
	if (len == 0) /* never written: only an empty file this server made is its own */
		return p->created && fstat(p->fd, &st) == 0 && st.st_size == 0;
	return pread(p->fd, now, sizeof now, 0) == (ssize_t)len && memcmp(now, p->text, len) == 0;
}

void pidfile_remove(struct pidfile *p)
{
	if (p->fd < 0)
		return;
	if (pidfile_is_ours(p))
		(void)unlinkat(p->dirfd, p->name, 0); /* gone already is as good */
	close(p->fd); /* the lock goes with it, once the name is gone: no other server waits on it */
	close(p->dirfd);
	p->fd = p->dirfd = -1;
}
