/* fullsend_shim.c - an LD_PRELOAD write that leaves a TLS 1.3 close_notify stuck behind a full socket. */
/*
 * LD_PRELOAD=build/tests/tools/fullsend_shim.so okclient --tls ... : a write of exactly 24 bytes
 * to a socket (TLS 1.3's close_notify record: 5 bytes of header, the 2-byte alert, its type
 * byte and a 16-byte tag) first fills the socket's send buffer with filler bytes the peer is
 * never to read, then fails EAGAIN, as the close_notify of a client whose server stopped
 * reading does. The socket is then really full: poll reports it writable only once the peer
 * reads or goes away. Other writes (a line of another length, the handshake) go through.
 * Built apart from the programs (a shared object for the test machine's own architecture),
 * never linked in.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define CLOSE_NOTIFY_LEN 24

typedef ssize_t write_fn(int, const void *, size_t);

/* Sends filler until the socket takes no more (or fails: a peer gone is the caller's news). */
static void fill_socket(int fd)
{
	char filler[4096];

	memset(filler, 'f', sizeof filler);
	while (send(fd, filler, sizeof filler, MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
		; /* only filling it */
}

ssize_t write(int fd, const void *buf, size_t len)
{
	struct stat st;
	write_fn *real;

	if (len == CLOSE_NOTIFY_LEN && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)) {
		fill_socket(fd);
		errno = EAGAIN;
		return -1;
	}
	*(void **)&real = dlsym(RTLD_NEXT, "write");
	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real(fd, buf, len);
}
