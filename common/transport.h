/* transport.h - the bytes of one connection: every read, write and end of a stream goes here. */
#ifndef OK_TRANSPORT_H
#define OK_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

/*
 * The seam under every connection of the server, the client and okbench, as redis's
 * ConnectionType and OpenBSD's libtls have it: a stream is a descriptor plus a transport (a
 * table of four calls) and the transport's own state. Plain TCP and Unix sockets are
 * ok_transport_plain (transport_plain.c); TLS is a second table, never an `if` at a call site.
 *
 * The calls never block (the descriptor is non-blocking) and never print. Each returns what
 * the caller's loop needs to know, libtls-style: the event to wait for is the one the
 * transport asks for, not the one the protocol wants (a TLS read may need a write first).
 *   > 0               bytes read or written
 *   OK_IO_EOF (0)     read only: the peer ended its sending side (FIN, or TLS close_notify)
 *   OK_IO_WANT_READ   nothing done; call again once the descriptor is readable
 *   OK_IO_WANT_WRITE  nothing done; call again once the descriptor is writable
 *   OK_IO_ERROR (-1)  failed, errno set (EPIPE, ECONNRESET: the peer went away)
 * EINTR is a want, not an error: the level-triggered loops simply come back.
 */
#define OK_IO_EOF 0
#define OK_IO_ERROR (-1)
#define OK_IO_WANT_READ (-2)
#define OK_IO_WANT_WRITE (-3)

struct ok_stream;

struct ok_transport {
	const char *name; /* "plain", "tls": for messages */
	ssize_t (*read)(struct ok_stream *st, void *buf, size_t len);
	/* Gathers up to iovcnt buffers into as few packets (or records) as it can. */
	ssize_t (*writev)(struct ok_stream *st, const struct iovec *iov, int iovcnt);
	/* Ends our sending side (FIN, or close_notify): 0 done, a want, or OK_IO_ERROR. */
	int (*shutdown)(struct ok_stream *st);
	/* Releases the transport's state and closes the descriptor; the stream is then unused. */
	void (*close)(struct ok_stream *st);
};

struct ok_stream {
	const struct ok_transport *t;
	void *impl; /* the transport's own state (a TLS session); NULL for plain */
	int fd;     /* -1: no stream */
};

extern const struct ok_transport ok_transport_plain;

/* A plain stream over fd (a connected, non-blocking socket). */
void ok_stream_plain(struct ok_stream *st, int fd);

/* No stream (fd -1, the plain table), for a record freed or not yet used: a zeroed one would
 * read as descriptor 0 with no transport. Its calls fail (EBADF); closing it does nothing. */
void ok_stream_none(struct ok_stream *st);

static inline ssize_t ok_stream_read(struct ok_stream *st, void *buf, size_t len)
{
	return st->t->read(st, buf, len);
}

static inline ssize_t ok_stream_writev(struct ok_stream *st, const struct iovec *iov, int iovcnt)
{
	return st->t->writev(st, iov, iovcnt);
}

static inline ssize_t ok_stream_write(struct ok_stream *st, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };

	return st->t->writev(st, &iov, 1);
}

static inline int ok_stream_shutdown(struct ok_stream *st)
{
	return st->t->shutdown(st);
}

/* Closes what st holds; nothing for no stream, or a record never made one (no transport: its
 * fd, 0 when zeroed, is not its own). */
static inline void ok_stream_close(struct ok_stream *st)
{
	if (st->fd >= 0 && st->t != NULL)
		st->t->close(st);
}

#endif
