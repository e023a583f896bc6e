/* notify.c - systemd's readiness protocol (sd_notify) without libsystemd. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"
#include "platform.h" /* OK_MSG_NOSIGNAL, OK_SET_SUN_LEN */
#include "oklimits.h" /* OK_NOTIFY_RETRY_MS, OK_NOTIFY_AGAIN_MS */
#include "sock.h"     /* ok_socket_nonblock */
#include "util.h"     /* ok_now_ms */

/* One failure is worth a line; the next ones would only repeat it. */
static bool failure_said;

/* NOTIFY_SOCKET as an address: "/path", or "@name" with a NUL in place of the '@' and no
 * trailing NUL counted. Its length, or 0 when the text is neither form or too long. */
static socklen_t notify_address(const char *name, struct sockaddr_un *sa)
{
	size_t len = strlen(name);

	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if ((name[0] != '/' && name[0] != '@') || len < 2 || len > sizeof sa->sun_path - 1)
		return 0;
	memcpy(sa->sun_path, name, len);
	if (name[0] == '@')
		sa->sun_path[0] = '\0';
	OK_SET_SUN_LEN(sa, offsetof(struct sockaddr_un, sun_path) + len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
}

/* Sends text as one datagram to name. 0, or -1 with errno. */
static int send_state(const char *name, const char *text)
{
	struct sockaddr_un sa;
	socklen_t len = notify_address(name, &sa);
	int fd, err;
	ssize_t n;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	fd = ok_socket_nonblock(AF_UNIX, SOCK_DGRAM);
	if (fd < 0)
		return -1;
	do
		n = sendto(fd, text, strlen(text), OK_MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	while (n < 0 && errno == EINTR);
	err = errno;
	close(fd);
	errno = err;
	return n < 0 ? -1 : 0;
}

/* Says the first failure, as notify.h tells: -1 with e filled, or 0 when one was said already. */
static int report(const char *name, const char *why, struct ok_err *e)
{
	if (failure_said)
		return 0;
	failure_said = true;
	ok_err_set(e, 0, 0, "NOTIFY_SOCKET %s: %s; serving without telling systemd", name, why);
	return -1;
}

static const char *why_failed(int err)
{
	return err == EINVAL ? "not a path or @name" : strerror(err);
}

/* The receiver's queue is full: the message may still go through a little later. */
static bool receiver_full(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK;
}

/* Messages waiting for a full receiver, oldest first (READY=1, STOPPING=1: room to spare). */
#define NOTIFY_QUEUE 4
static struct {
	char text[64];
	int64_t give_up_at;
} waiting[NOTIFY_QUEUE];
static int n_waiting;
static int64_t next_try_at;

/* text waits behind the others, tried again from the loop (notify_retry). */
static void wait_in_line(const char *text)
{
	int64_t now = ok_now_ms();

	if (n_waiting == NOTIFY_QUEUE)
		return; /* cannot happen: two kinds of message, each sent once */
	snprintf(waiting[n_waiting].text, sizeof waiting[n_waiting].text, "%s", text);
	waiting[n_waiting].give_up_at = now + OK_NOTIFY_RETRY_MS;
	if (n_waiting++ == 0)
		next_try_at = now + OK_NOTIFY_AGAIN_MS;
}

static void drop_first(void)
{
	n_waiting--;
	memmove(&waiting[0], &waiting[1], (size_t)n_waiting * sizeof waiting[0]);
}

static int notify(const char *text, struct ok_err *e)
{
	const char *name = getenv("NOTIFY_SOCKET");

	if (name == NULL)
		return 0;
	if (n_waiting == 0 && send_state(name, text) == 0)
		return 0;
	if (n_waiting > 0 || receiver_full(errno)) { /* in order: behind any that wait */
		wait_in_line(text);
		return 0;
	}
	return report(name, why_failed(errno), e);
}

int64_t notify_due(void)
{
	return n_waiting > 0 ? next_try_at : -1;
}

int notify_retry(int64_t now, struct ok_err *e)
{
	const char *name = getenv("NOTIFY_SOCKET");
	char why[160];
	int err, len;

	while (n_waiting > 0 && now >= next_try_at) {
		if (name == NULL || send_state(name, waiting[0].text) == 0) {
			drop_first();
			continue;
		}
		err = errno;
		if (receiver_full(err) && now < waiting[0].give_up_at) {
			next_try_at = now + OK_NOTIFY_AGAIN_MS;
			return 0;
		}
		len = (int)strcspn(waiting[0].text, "\n"); /* "READY=1", without its MAINPID */
		if (receiver_full(err))
			snprintf(why, sizeof why, "full for %d seconds; %.*s not delivered",
			         OK_NOTIFY_RETRY_MS / 1000, len, waiting[0].text);
		else
			snprintf(why, sizeof why, "%s; %.*s not delivered", why_failed(err), len,
			         waiting[0].text);
		drop_first();
		return report(name, why, e);
	}
	return 0;
}

int notify_ready(bool with_pid, struct ok_err *e)
{
	char text[64];

	if (with_pid)
		snprintf(text, sizeof text, "READY=1\nMAINPID=%ld", (long)getpid());
	else
		snprintf(text, sizeof text, "READY=1");
	return notify(text, e);
}

int notify_stopping(struct ok_err *e)
{
	return notify("STOPPING=1", e);
}
