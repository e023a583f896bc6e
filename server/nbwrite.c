/* nbwrite.c - stdout, stderr and the log written without waiting, never O_NONBLOCK (nbwrite.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h> /* PIPE_BUF */
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nbwrite.h"
#include "platform.h" /* OK_MSG_NOSIGNAL */

/* Picks the way to write o->fd that never waits (nbwrite.h). */
static void pick_way(struct nb_out *o)
{
	struct stat st;
	bool known = fstat(o->fd, &st) == 0;

	o->regular = known && S_ISREG(st.st_mode);
	if (o->regular || o->own >= 0)
		o->way = NB_WRITE;
	else
		o->way = known && S_ISSOCK(st.st_mode) ? NB_SEND : NB_POLL;
}

/* fd's terminal opened again, by its name, as a description of our own that is non-blocking
 * (its O_NONBLOCK touches nobody else); -1 when fd is no terminal or cannot be reopened. */
static int reopen_terminal(int fd)
{
	struct stat was, now;
	const char *name;
	int t;

	if (!isatty(fd) || (name = ttyname(fd)) == NULL || fstat(fd, &was) < 0)
		return -1;
	t = open(name, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (t < 0)
		return -1;
	if (fstat(t, &now) < 0 || !S_ISCHR(now.st_mode) || now.st_rdev != was.st_rdev) {
		close(t); /* not the same terminal after all */
		return -1;
	}
	return t;
}

void nb_out_share(struct nb_out *o, int fd)
{
	o->own = reopen_terminal(fd);
	o->fd = o->own >= 0 ? o->own : fd;
	pick_way(o);
}

void nb_out_own(struct nb_out *o, int fd)
{
	o->fd = o->own = fd;
	pick_way(o);
}

void nb_out_close(struct nb_out *o)
{
	if (o->own >= 0)
		close(o->own);
	o->own = -1;
}

/* NB_POLL: whether the descriptor has room now (or an error that a write will tell). */
static bool has_room(int fd)
{
	struct pollfd pf = { .fd = fd, .events = POLLOUT };

	return poll(&pf, 1, 0) > 0 && (pf.revents & (POLLOUT | POLLERR | POLLHUP));
}

/* How many of the first `cap` bytes of the pieces to write so that a write never splits a line:
 * up to the last LF among them, or all `cap` when there is none. */
static size_t whole_lines(const struct iovec *iov, int iovcnt, size_t cap)
{
	size_t off = 0, last = 0;

	for (int i = 0; i < iovcnt && off < cap; i++) {
		const char *p = iov[i].iov_base;
		size_t k = iov[i].iov_len < cap - off ? iov[i].iov_len : cap - off;

		while (k > 0 && p[k - 1] != '\n')
			k--;
		if (k > 0)
			last = off + k;
		off += iov[i].iov_len;
	}
	return last > 0 ? last : cap;
}

/* The pieces cut to their first n bytes, into out; how many pieces that leaves. */
static int cut_pieces(const struct iovec *iov, int iovcnt, size_t n, struct iovec *out)
{
	int k = 0;

	for (int i = 0; i < iovcnt && n > 0; i++, k++) {
		out[k] = iov[i];
		if (out[k].iov_len > n)
			out[k].iov_len = n;
		n -= out[k].iov_len;
	}
	return k;
}

/* The bytes in the pieces. */
static size_t pieces_len(const struct iovec *iov, int iovcnt)
{
	size_t n = 0;

	for (int i = 0; i < iovcnt; i++)
		n += iov[i].iov_len;
	return n;
}

ssize_t nb_out_writev(const struct nb_out *o, const struct iovec *iov, int iovcnt)
{
	struct iovec cut[NB_PIECES_MAX];
	struct msghdr msg = { .msg_iov = cut };
	size_t n;
	ssize_t w;

	if (iovcnt < 0 || iovcnt > NB_PIECES_MAX) {
		errno = EINVAL;
		return -1;
	}
	n = pieces_len(iov, iovcnt);
	if (o->way == NB_POLL) {
		if (!has_room(o->fd))
			return 0;
		if (n > PIPE_BUF) /* a pipe with room takes up to PIPE_BUF at once */
			n = whole_lines(iov, iovcnt, PIPE_BUF);
	}
	msg.msg_iovlen = cut_pieces(iov, iovcnt, n, cut);
	do
		w = o->way == NB_SEND ? sendmsg(o->fd, &msg, MSG_DONTWAIT | OK_MSG_NOSIGNAL)
		                      : writev(o->fd, cut, (int)msg.msg_iovlen);
	while (w < 0 && errno == EINTR);
	if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	return w;
}

ssize_t nb_out_write(const struct nb_out *o, const char *p, size_t n)
{
	struct iovec one = { (char *)p, n }; /* writev() only reads it */

	return nb_out_writev(o, &one, 1);
}

int nb_out_wait_fd(const struct nb_out *o)
{
	return o->regular ? -1 : o->fd;
}
