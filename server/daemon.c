/* daemon.c - -d and --pidfile: detach once listening, record the pid. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "options.h" /* SERVER_EXIT_DAEMON */

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

int pidfile_write(const char *path, struct ok_err *e)
{
	char line[32];
	int n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), err = 0;

	if (fd < 0)
		err = errno;
	else if (write(fd, line, (size_t)n) != n)
		err = errno != 0 ? errno : EIO; /* a short write sets no errno */
	if (fd >= 0 && close(fd) < 0 && err == 0)
		err = errno;
	return err == 0 ? 0 : ok_err_set(e, SERVER_EXIT_DAEMON, err, "pidfile %s", path);
}
