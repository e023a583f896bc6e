/* listeners.c - open the -b and -U listeners, write their ready lines, remove the socket file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listeners.h"
#include "platform.h" /* OK_SET_SUN_LEN */
#include "safefile.h"
#include "sock.h"

/* A stale socket replaced while it was being checked is looked at anew, this often. */
#define UNIX_CHECK_TRIES 3

/* sock.c's failure, its step turned into the exit status it means (okserver(1)); -1. */
static int step_failed(struct ok_err *e)
{
	e->code = e->code == OK_STEP_BIND     ? SERVER_EXIT_BIND
	          : e->code == OK_STEP_LISTEN ? SERVER_EXIT_LISTEN
	                                      : SERVER_EXIT_SOCKET;
	return -1;
}

static void set_port(struct sockaddr_storage *ss, uint16_t net_port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = net_port;
	else
		((struct sockaddr_in6 *)ss)->sin6_port = net_port;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
	                                : ((const struct sockaddr_in6 *)ss)->sin6_port;
}

/* The TCP listeners, in order. With -p 0 the first gets a free port and the rest take it. */
static int open_tcp(struct listeners *l, const struct server_config *o, struct ok_err *e)
{
	uint16_t port = 0;

	for (unsigned i = 0; i < o->n_tcp; i++) {
		struct listen_addr a = o->tcp[i];

		if (i > 0)
			set_port(&a.ss, port);
		l->fd[l->n] = ok_listen_addr((struct sockaddr *)&a.ss, a.len, SOMAXCONN, e);
		if (l->fd[l->n] < 0)
			return step_failed(e);
		l->n++;
		if (i == 0) {
			socklen_t len = sizeof a.ss;
			port = getsockname(l->fd[0], (struct sockaddr *)&a.ss, &len) == 0 ? port_of(&a.ss)
			                                                                  : port_of(&o->tcp[0].ss);
		}
	}
	return 0;
}

/* "bind unix:PATH: why", a bind failure; -1. */
static int refuse_path(struct ok_err *e, const char *path, const char *why)
{
	return ok_err_set(e, SERVER_EXIT_BIND, 0, "bind unix:%s: %s", path, why);
}

/* Is anybody accepting on the socket at path? 0 no (ECONNREFUSED), 1 yes, -1 errno says. */
static int socket_is_live(const char *path)
{
	struct sockaddr_un un;
	/* Non-blocking: a live server with a full backlog answers EAGAIN instead of holding us. */
	int fd = ok_socket_nonblock(AF_UNIX, SOCK_STREAM), rc, err;

	if (fd < 0)
		return -1;
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, path, strlen(path)); /* options.c checked that the whole path fits */
	OK_SET_SUN_LEN(&un, sizeof un);
	rc = connect(fd, (struct sockaddr *)&un, sizeof un);
	err = errno;
	close(fd);
	if (rc == 0 || err == EAGAIN || err == EINPROGRESS)
		return 1;
	errno = err;
	return err == ECONNREFUSED ? 0 : -1;
}

/*
 * The name exists: a socket nobody accepts on is removed; a live socket, or anything that is not
 * a socket, is left alone and refused. The socket checked is the one removed: the name is
 * looked at in the folder opened once, and again after the (slow) liveness test, and is removed
 * only if it still leads to the same file; if it changed, it is looked at anew. where: the name
 * connect() goes by (see open_unix). 0 to go on and bind, or -1 with e filled.
 */
static int clear_stale_socket(const struct listeners *l, const char *where, struct ok_err *e)
{
	const char *path = l->unix_path;
	struct stat st;

	for (int i = 0; i < UNIX_CHECK_TRIES; i++) {
		int live;

		if (fstatat(l->unix_dirfd, l->unix_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return errno == ENOENT ? 0 : refuse_path(e, path, strerror(errno));
		if (!S_ISSOCK(st.st_mode))
			return refuse_path(e, path, "exists and is not a socket (left as it is)");
		if ((live = socket_is_live(where)) != 0)
			return refuse_path(e, path, live > 0 ? strerror(EADDRINUSE) : strerror(errno));
		if (!safe_still_same(l->unix_dirfd, l->unix_name, &st))
			continue; /* replaced while it was tested: that is not the socket found stale */
		if (unlinkat(l->unix_dirfd, l->unix_name, 0) < 0 && errno != ENOENT)
			return refuse_path(e, path, strerror(errno));
		return 0;
	}
	return refuse_path(e, path, "replaced again and again while checked (left as it is)");
}

/*
 * connect() and bind() take a name, not a folder descriptor (POSIX has no connectat or bindat):
 * so for them the working directory moves into the socket's folder, opened once, and they go by
 * the last component; a swap of the path's folders meanwhile cannot send them elsewhere. The
 * working directory's descriptor to come back to, or -1 when it cannot be kept (an unreadable
 * working directory, a folder without search permission): then they go by the whole path, as
 * before, and only the folder-descriptor checks around them hold.
 */
static int enter_folder(int dirfd)
{
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (here >= 0 && fchdir(dirfd) < 0) {
		close(here);
		here = -1;
	}
	return here;
}

/* Back to the working directory enter_folder left. 0, or -1 with e filled. */
static int leave_folder(int here, const char *path, struct ok_err *e)
{
	int rc = fchdir(here), err = errno;

	close(here);
	if (rc < 0)
		return ok_err_set(e, SERVER_EXIT_BIND, err,
		                  "bind unix:%s: back to the working directory", path);
	return 0;
}

/* Removes the stale socket if there is one, then binds and listens, going by where. The
 * descriptor, or -1 with e filled. */
static int make_unix(struct listeners *l, const char *where, unsigned mode, struct ok_err *e)
{
	int fd;

	if (clear_stale_socket(l, where, e) < 0)
		return -1;
	fd = ok_listen_unix(where, l->unix_path, mode, SOMAXCONN, e);
	return fd < 0 ? step_failed(e) : fd;
}

/* The Unix listener, last; the file it made is recorded so that exit removes it, and only it. */
static int open_unix(struct listeners *l, const char *path, unsigned mode, struct ok_err *e)
{
	int here, fd;

	l->unix_dirfd = safe_open_folder(path, &l->unix_name);
	if (l->unix_dirfd < 0)
		return refuse_path(e, path, strerror(errno));
	l->unix_path = path;
	here = enter_folder(l->unix_dirfd);
	fd = make_unix(l, here >= 0 ? l->unix_name : path, mode, e);
	if (here >= 0 && leave_folder(here, path, e) < 0 && fd >= 0) {
		close(fd);
		(void)unlinkat(l->unix_dirfd, l->unix_name, 0); /* made just now, in the folder */
		fd = -1;
	}
	if (fd < 0)
		return -1;
	l->unix_index = l->n;
	l->fd[l->n++] = fd;
	l->unix_made = fstatat(l->unix_dirfd, l->unix_name, &l->unix_st, AT_SYMLINK_NOFOLLOW) == 0 &&
	               S_ISSOCK(l->unix_st.st_mode);
	return 0;
}

int listeners_open(struct listeners *l, const struct server_config *c, struct ok_err *e)
{
	int rc;

	memset(l, 0, sizeof *l);
	rc = open_tcp(l, c, e);
	if (rc == 0 && c->unix_path != NULL)
		rc = open_unix(l, c->unix_path, c->unix_mode, e);
	if (rc != 0) {
		listeners_close(l);
		listeners_remove_unix(l);
	}
	return rc;
}

size_t listeners_ready_text(const struct listeners *l, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < l->n && off + 1 < len; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		char where[OK_SOCKADDR_STRLEN];
		int n;

		if (l->unix_path != NULL && i == l->unix_index)
			snprintf(where, sizeof where, "unix:%s", l->unix_path); /* bound by a short name */
		else if (getsockname(l->fd[i], (struct sockaddr *)&ss, &sl) < 0)
			snprintf(where, sizeof where, "unknown");
		else
			ok_format_sockaddr((struct sockaddr *)&ss, sl, where, sizeof where);
		n = snprintf(buf + off, len - off, "listening on %s\n", where);
		off += n < 0 ? 0 : (size_t)n < len - off ? (size_t)n : len - off - 1;
	}
	return off;
}

void listeners_close(struct listeners *l)
{
	for (int i = 0; i < l->n; i++) {
		if (l->fd[i] >= 0)
			close(l->fd[i]);
		l->fd[i] = -1;
	}
}

void listeners_remove_unix(struct listeners *l)
{
	if (l->unix_path == NULL)
		return;
	if (l->unix_made && safe_still_same(l->unix_dirfd, l->unix_name, &l->unix_st))
		(void)unlinkat(l->unix_dirfd, l->unix_name, 0); /* gone already is as good */
	close(l->unix_dirfd);
	l->unix_path = NULL;
	l->unix_made = false;
}
