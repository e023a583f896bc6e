/* log.c - okserver's log: whole lines, on standard error or in the --log file, never waited for. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "nbwrite.h"
#include "oklimits.h"
#include "safefile.h"

#define LOG_FILE_MODE 0640

/* The one log of the process, as stderr is. */
static struct {
	struct nb_out out;   /* where lines go, and how without waiting (nbwrite.h) */
	bool chosen;         /* out's way was picked (at first: stderr, not yet looked at) */
	char *path;          /* --log: the absolute name, for SIGHUP; NULL: standard error */
	const char *name;    /* ... its last component, inside path */
	dev_t dir_dev;       /* ... and its folder, which a reopen insists on */
	ino_t dir_ino;
	unsigned long lost;  /* lines dropped since the last one that got through */
	size_t head, len;    /* the lines waiting: buf[head .. head + len) */
	char buf[OK_LOG_BUFFER];
} lg = { .out = { .fd = STDERR_FILENO, .own = -1 } };

/* The log is standard error (no --log): its terminal reopened, or the descriptor itself. */
static void use_stderr(void)
{
	nb_out_close(&lg.out);
	nb_out_share(&lg.out, STDERR_FILENO);
	lg.chosen = true;
}

void log_follow_stderr(void)
{
	if (lg.path == NULL)
		use_stderr();
}

static unsigned long count_lines(const char *p, size_t n)
{
	unsigned long lines = 0;

	for (const char *end = p + n; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		lines++;
	return lines;
}

void log_flush(void)
{
	while (lg.len > 0) {
		ssize_t w = nb_out_write(&lg.out, lg.buf + lg.head, lg.len);

		if (w == 0)
			return; /* full: the rest waits */
		if (w < 0) {
			/* Broken (a pipe nobody reads any more, a full disk): these cannot go out. */
			lg.lost += count_lines(lg.buf + lg.head, lg.len);
			lg.len = 0;
			break;
		}
		lg.head += (size_t)w;
		lg.len -= (size_t)w;
	}
	lg.head = 0;
}

int log_wait_fd(void)
{
	return lg.len > 0 ? nb_out_wait_fd(&lg.out) : -1;
}

/* "2026-11-30T17:05:03.123Z ": UTC from the real-time clock, for people reading the file. */
static size_t format_stamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 || gmtime_r(&ts.tv_sec, &tm) == NULL)
		return 0;
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0)
		return 0;
	n += (size_t)snprintf(buf + n, len - n, ".%03ldZ ", ts.tv_nsec / 1000000L);
	return n < len ? n : len - 1;
}

/* The start of every line: the stamp in a --log file, "okserver: " on standard error. */
static size_t begin_line(char *buf, size_t len)
{
	if (lg.path != NULL)
		return format_stamp(buf, len);
	return (size_t)snprintf(buf, len, "okserver: ");
}

/* Appends n bytes behind what waits; the caller made sure they fit. */
static void append(const char *p, size_t n)
{
	if (lg.head + lg.len + n > sizeof lg.buf) {
		memmove(lg.buf, lg.buf + lg.head, lg.len);
		lg.head = 0;
	}
	memcpy(lg.buf + lg.head + lg.len, p, n);
	lg.len += n;
}

/* The line counting what was lost, if anything was, into buf; its length (0: nothing lost). */
static size_t format_lost(char *buf, size_t len)
{
	size_t n;

	if (lg.lost == 0)
		return 0;
	n = begin_line(buf, len);
	n += (size_t)snprintf(buf + n, len - n, "log: %lu lines lost while the log was full\n",
	                      lg.lost);
	return n < len ? n : len - 1;
}

/* Queues a whole line behind what waits, preceded by the count of the lines lost before it;
 * when both do not fit, it is lost too. */
static void keep_line(const char *line, size_t n)
{
	char said[OK_LOG_LINE_MAX];
	size_t m;

	if (lg.len > 0)
		log_flush(); /* the log may take more now: room for this one */
	m = format_lost(said, sizeof said);
	if (sizeof lg.buf - lg.len < m + n) {
		lg.lost++;
		return;
	}
	append(said, m);
	append(line, n);
	lg.lost = 0;
}

void server_log(const char *fmt, ...)
{
	char line[OK_LOG_LINE_MAX];
	size_t n;
	va_list ap;

	if (!lg.chosen)
		use_stderr();
	/* Built whole and handed on whole, so a log line is never split by another writer. */
	n = begin_line(line, sizeof line);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
	va_end(ap);
	n += strlen(line + n);
	line[n++] = '\n';
	keep_line(line, n);
	log_flush();
}

void log_end(void)
{
	char said[OK_LOG_LINE_MAX];
	size_t m = format_lost(said, sizeof said);

	if (m > 0 && sizeof lg.buf - lg.len >= m)
		append(said, m);
	log_flush();
	lg.head = lg.len = 0;
	lg.lost = 0;
}

/* name with its folder made absolute (links in the folder resolved now: the user named them),
 * its last component base as given; NULL with errno. */
static char *absolute_name(const char *name, const char *base)
{
	size_t flen = (size_t)(base - name);
	char *folder = flen == 0 ? strdup(".") : strndup(name, flen);
	char *abs = folder != NULL ? realpath(folder, NULL) : NULL, *path = NULL;
	int err = errno;

	if (abs != NULL) {
		size_t alen = strlen(abs), len = alen + strlen(base) + 2;

		if ((path = malloc(len)) != NULL)
			snprintf(path, len, "%s%s%s", abs, abs[alen - 1] == '/' ? "" : "/", base);
		err = errno;
	}
	free(abs);
	free(folder);
	errno = err;
	return path;
}

/* The log from now on is fd, the regular file named path (name: its last component), whose
 * folder dir describes. */
static void use_file(int fd, char *path, const char *name, const struct stat *dir)
{
	nb_out_close(&lg.out);
	nb_out_own(&lg.out, fd);
	lg.chosen = true;
	free(lg.path);
	lg.path = path;
	lg.name = name;
	lg.dir_dev = dir->st_dev;
	lg.dir_ino = dir->st_ino;
}

int log_open_file(const char *name, const char **why)
{
	const char *base;
	struct stat st, dir;
	char *path = NULL;
	int dirfd = safe_open_folder(name, &base), fd;

	if (dirfd < 0) {
		*why = strerror(errno);
		return -1;
	}
	fd = safe_open_file(dirfd, base, O_WRONLY | O_APPEND | O_CREAT, LOG_FILE_MODE, &st, NULL,
	                    why);
	if (fd >= 0 && (fstat(dirfd, &dir) < 0 || (path = absolute_name(name, base)) == NULL)) {
		*why = strerror(errno);
		close(fd);
		fd = -1;
	}
	close(dirfd);
	if (fd < 0)
		return -1;
	use_file(fd, path, path + strlen(path) - strlen(base), &dir);
	return 0;
}

bool log_is_file(void)
{
	return lg.path != NULL;
}

/* The --log name opened again, in the same folder as at start (a folder swapped in under that
 * name is not followed). The descriptor, or -1 with *why. */
static int reopen_file(const char **why)
{
	char *folder = strndup(lg.path, (size_t)(lg.name - lg.path)); /* "/": "/" */
	struct stat st, dir;
	int dirfd = folder != NULL ? open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1, fd = -1;

	*why = strerror(errno);
	free(folder);
	if (dirfd < 0)
		return -1;
	if (fstat(dirfd, &dir) < 0)
		*why = strerror(errno);
	else if (dir.st_dev != lg.dir_dev || dir.st_ino != lg.dir_ino)
		*why = "its folder was replaced; not followed";
	else
		fd = safe_open_file(dirfd, lg.name, O_WRONLY | O_APPEND | O_CREAT, LOG_FILE_MODE, &st,
		                    NULL, why);
	close(dirfd);
	return fd;
}

void log_reopen(void)
{
	const char *why;
	int fd;

	if (lg.path == NULL)
		return;
	fd = reopen_file(&why);
	if (fd < 0) {
		server_log("log %s: cannot reopen: %s; logging goes on here", lg.path, why);
		return;
	}
	log_flush(); /* what waits for the old file goes there, as far as it takes it now */
	nb_out_close(&lg.out);
	nb_out_own(&lg.out, fd);
}
