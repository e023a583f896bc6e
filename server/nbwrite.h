/* nbwrite.h - writing a descriptor shared with others (stdout, stderr) without ever waiting. */
#ifndef OK_NBWRITE_H
#define OK_NBWRITE_H

#include <stdbool.h>
#include <sys/types.h>
#include <sys/uio.h>

/*
 * Never waiting does not mean setting O_NONBLOCK: that flag belongs to the open file description,
 * which a pipe or terminal on standard output or standard error shares with the shell and every
 * other program on it (a shell reading a non-blocking terminal gets EAGAIN and may exit, and a
 * server killed by SIGKILL could not even put the flag back). So each kind is written in the way
 * that cannot wait, and the shared description's flags are never touched (nb_out_share picks it):
 *  - a regular file: write(), which never waits for long;
 *  - a socket (journald's stream): send() with MSG_DONTWAIT;
 *  - a terminal: a description of our own, opened again by its name with O_NONBLOCK;
 *  - anything else (a pipe, a FIFO, a device): only when poll() says it has room, at most
 *    PIPE_BUF bytes at once, cut after a line's LF where there is one: a pipe with room takes
 *    that much whole and at once, never mixed with another writer's bytes.
 */

/* How bytes are handed to the descriptor without waiting. */
enum nb_way {
	NB_WRITE, /* write() never waits: a regular file, or a non-blocking description of ours */
	NB_SEND,  /* a socket: send() with MSG_DONTWAIT */
	NB_POLL   /* shared and blocking: only what poll() says fits, PIPE_BUF at most */
};

/* Pieces one nb_out_writev() takes at most: a buffer, or a ring's two halves. */
#define NB_PIECES_MAX 2

/* A descriptor and the way to write it. */
struct nb_out {
	int fd;          /* where bytes go */
	int own;         /* fd when ours to close (a terminal reopened, a file we opened), or -1 */
	enum nb_way way;
	bool regular;    /* a regular file: nothing to watch, a write never waits */
};

/* o writes fd, which others share (standard output or error): its terminal reopened as a
 * description of our own when it is one (and can be), else fd itself in the way its kind asks.
 * fd's own flags are left as they are. */
void nb_out_share(struct nb_out *o, int fd);
/* o writes fd, a regular file of our own (the --log file), which nb_out_close() closes. */
void nb_out_own(struct nb_out *o, int fd);
/* Closes o's description of its own, if it has one (the shared descriptor stays open). */
void nb_out_close(struct nb_out *o);

/* One write of the iovcnt (at most NB_PIECES_MAX) pieces of iov, or of as much of them as the
 * descriptor takes now: the bytes taken (0: none now), or -1 with errno when it failed. */
ssize_t nb_out_writev(const struct nb_out *o, const struct iovec *iov, int iovcnt);
/* nb_out_writev() of the n bytes at p. */
ssize_t nb_out_write(const struct nb_out *o, const char *p, size_t n);

/* The descriptor to watch for room while bytes wait, or -1 when it cannot be watched (a regular
 * file: it is simply written again later). */
int nb_out_wait_fd(const struct nb_out *o);

#endif
