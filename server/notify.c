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
#include "sock.h"     /* ok_socket_nonblock */

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

static int notify(const char *text, struct ok_err *e)
{
	const char *name = getenv("NOTIFY_SOCKET");

	if (name == NULL || send_state(name, text) == 0 || failure_said)
		return 0;
	failure_said = true;
	ok_err_set(e, 0, 0, "NOTIFY_SOCKET %s: %s; serving without telling systemd", name,
	           errno == EINVAL ? "not a path or @name" : strerror(errno));
	return -1;
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
