/* transport_plain.c - the plain transport: the kernel's stream socket, nothing in between. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "platform.h"
#include "transport.h"

/* errno of a failed call, as the seam's answer: "again" becomes the event to wait for. */
static ssize_t plain_failure(ssize_t want)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return want;
	return OK_IO_ERROR;
}

static ssize_t plain_read(struct ok_stream *st, void *buf, size_t len)
{
	ssize_t n = recv(st->fd, buf, len, 0);

	return n >= 0 ? n : plain_failure(OK_IO_WANT_READ);
}

/* sendmsg gathers the buffers into one call; MSG_NOSIGNAL (or SO_NOSIGPIPE, set as the socket
 * was made) makes a vanished peer an EPIPE, not a signal. */
static ssize_t plain_writev(struct ok_stream *st, const struct iovec *iov, int iovcnt)
{
	struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt };
	ssize_t n = iovcnt == 1 ? send(st->fd, iov[0].iov_base, iov[0].iov_len, OK_MSG_NOSIGNAL)
	                        : sendmsg(st->fd, &m, OK_MSG_NOSIGNAL);

	return n >= 0 ? n : plain_failure(OK_IO_WANT_WRITE);
}

static int plain_shutdown(struct ok_stream *st)
{
	return shutdown(st->fd, SHUT_WR) == 0 ? 0 : OK_IO_ERROR;
}

static void plain_close(struct ok_stream *st)
{
	(void)close(st->fd); /* the descriptor is released whatever close says */
	st->fd = -1;
}

const struct ok_transport ok_transport_plain = {
	.name = "plain",
	.read = plain_read,
	.writev = plain_writev,
	.shutdown = plain_shutdown,
	.close = plain_close,
};

void ok_stream_plain(struct ok_stream *st, int fd)
{
	st->t = &ok_transport_plain;
	st->impl = NULL;
	st->fd = fd;
}

void ok_stream_none(struct ok_stream *st)
{
	ok_stream_plain(st, -1);
}
