/* selfpipe.c - the self-pipe (selfpipe.h): one byte per signal, from a handler to a poll loop. */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "selfpipe.h"
#include "sock.h" /* ok_set_nonblock_cloexec */

/* The write end is read by handlers: a sig_atomic_t, so one never sees it half set. */
static volatile sig_atomic_t write_end = -1;
static int read_end = -1;

/* Which signals were posted and not yet taken. The flag, not the byte, carries the signal: a
 * pipe filled by a flood of one signal (64 KiB of SIGUSR1) then loses no other, and repeats of
 * one signal merge, as the kernel's pending set (and signalfd) merge them. */
#define POSTED_MAX 65
static volatile sig_atomic_t posted[POSTED_MAX];

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

/* The wake-up byte; the flag is set first, so a loop woken by the byte finds it. */
static void wake(void)
{
	unsigned char b = 1;

	if (write_end >= 0 && write(write_end, &b, 1) < 0) {
		/* full (EAGAIN): the loop has bytes to take already */
	}
}

void ok_selfpipe_post(int sig)
{
	int saved = errno;

	if (write_end >= 0 && sig > 0 && sig < POSTED_MAX)
		posted[sig] = 1;
	wake();
	errno = saved;
}

/* Empties the pipe, then takes the lowest posted signal. A handler that runs after the emptying
 * leaves its byte in the pipe; one whose flag is seen here may leave a byte for nothing, which
 * only makes the loop look once more. Other signals still posted get a byte of their own, so a
 * level-triggered loop comes back for them. */
int ok_selfpipe_take(void)
{
	unsigned char buf[64];
	int sig = 0, more = 0;
	ssize_t got;

	if (read_end < 0)
		return 0;
	do /* empty the pipe: the bytes only woke the loop */
		got = read(read_end, buf, sizeof buf);
	while (got > 0);
	for (int i = 1; i < POSTED_MAX; i++) {
		if (!posted[i])
			continue;
		if (sig == 0) {
			posted[i] = 0;
			sig = i;
		} else {
			more = 1;
		}
	}
	if (more)
		wake();
	return sig;
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
