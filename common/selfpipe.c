/* selfpipe.c - the self-pipe (selfpipe.h): one byte per signal, from a handler to a poll loop. */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "selfpipe.h"
#include "sock.h" /* ok_set_nonblock_cloexec */

/* The write end is read by handlers: a sig_atomic_t, so one never sees it half set. */
static volatile sig_atomic_t write_end = -1;
static int read_end = -1;

int ok_selfpipe_open(void)
{
	int p[2], err;

	if (pipe(p) < 0)
		return -1;
	if (ok_set_nonblock_cloexec(p[0]) == 0 && ok_set_nonblock_cloexec(p[1]) == 0) {
		read_end = p[0];
		write_end = p[1];
		return p[0];
	}
	err = errno;
	close(p[0]);
	close(p[1]);
	errno = err;
	return -1;
}

void ok_selfpipe_post(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (write_end >= 0 && write(write_end, &b, 1) < 0) {
		/* full (EAGAIN): the loop has bytes to take already */
	}
	errno = saved;
}

int ok_selfpipe_take(void)
{
	unsigned char b;

	if (read_end < 0 || read(read_end, &b, 1) != 1)
		return 0;
	return b;
}

/* The write end is forgotten before it is closed: a handler that runs in between writes
 * nothing, never into a descriptor number that may be reused. */
void ok_selfpipe_close(void)
{
	int w = write_end;

	write_end = -1;
	if (w >= 0)
		close(w);
	if (read_end >= 0)
		close(read_end);
	read_end = -1;
}
