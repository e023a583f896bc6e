/* log.c - okserver's log: one whole line per call, on standard error or in the --log file. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "oklimits.h"

#define LOG_FILE_MODE 0640

/* The one log of the process, as stderr is: its descriptor and, for --log, the name. */
static int log_fd = STDERR_FILENO;
static char *log_path;

static int open_log(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, LOG_FILE_MODE);
}

int log_open_file(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (copy == NULL)
		return -1;
	fd = open_log(path);
	if (fd < 0) {
		int err = errno;
		free(copy);
		errno = err;
		return -1;
	}
	if (log_path != NULL)
		close(log_fd);
	free(log_path);
	log_path = copy;
	log_fd = fd;
	return 0;
}

bool log_is_file(void)
{
	return log_path != NULL;
}

void log_reopen(void)
{
	int fd;

	if (log_path == NULL)
		return;
	fd = open_log(log_path);
	if (fd < 0) {
		server_log("log %s: cannot reopen: %s; logging goes on here", log_path,
		           strerror(errno));
		return;
	}
	close(log_fd);
	log_fd = fd;
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

/* The whole line, in as many writes as it takes; a log that will not take it loses it. */
static void write_line(const char *line, size_t len)
{
	while (len > 0) {
		ssize_t n = write(log_fd, line, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		line += n;
		len -= (size_t)n;
	}
}

void server_log(const char *fmt, ...)
{
	char line[OK_LOG_LINE_MAX];
	size_t n;
	va_list ap;

	/* Built whole and written at once, so a log line is never split by another writer. */
	if (log_path != NULL)
		n = format_stamp(line, sizeof line);
	else
		n = (size_t)snprintf(line, sizeof line, "okserver: ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
	va_end(ap);
	n += strlen(line + n);
	line[n] = '\n';
	write_line(line, n + 1);
}
