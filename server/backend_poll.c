/* backend_poll.c - the event backend on poll(2), for any POSIX system: the only file calling it. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "backend.h"

/*
 * The watched descriptors are kept dense in one pollfd array, handed whole to one poll() per
 * wait; where[fd] is fd's place in it plus one (0: not watched, so a calloc'd map starts empty
 * and its untouched pages cost nothing). Adding appends, removing moves the last entry into the
 * hole: both O(1). poll() itself is O(n) in the watched descriptors on every wake-up, which is
 * the price of portability (epoll pays only for the ready ones).
 *
 * poll() is level-triggered, like our epoll: a ready descriptor is reported by every wait.
 */
struct backend {
	int size;               /* descriptors 0 .. size-1 may be watched */
	nfds_t count;           /* entries in use in pfd */
	nfds_t start;           /* where the next scan of pfd starts, when one wait cannot report all */
	struct pollfd *pfd;     /* size entries; only the first count are touched */
	int *where;             /* size entries: index in pfd plus one, or 0 */
};

struct backend *backend_create(int size)
{
	struct backend *b = calloc(1, sizeof *b);

	if (b == NULL)
		return NULL;
	b->size = size < 1 ? 1 : size;
	b->pfd = malloc((size_t)b->size * sizeof *b->pfd);
	b->where = calloc((size_t)b->size, sizeof *b->where);
	if (b->pfd == NULL || b->where == NULL) {
		backend_free(b);
		errno = ENOMEM;
		return NULL;
	}
	return b;
}

void backend_free(struct backend *b)
{
	if (b == NULL)
		return;
	free(b->pfd);
	free(b->where);
	free(b);
}

static short poll_events(unsigned interest)
{
	return (short)(((interest & BACKEND_READ) ? POLLIN : 0) |
	               ((interest & BACKEND_WRITE) ? POLLOUT : 0));
}

/* fd's entry in pfd, or NULL with errno as epoll_ctl gives it: EBADF out of range, ENOENT. */
static struct pollfd *find(struct backend *b, int fd)
{
	if (fd < 0 || fd >= b->size) {
		errno = EBADF;
		return NULL;
	}
	if (b->where[fd] == 0) {
		errno = ENOENT;
		return NULL;
	}
	return &b->pfd[b->where[fd] - 1];
}

int backend_add(struct backend *b, int fd, unsigned interest)
{
	if (fd < 0 || fd >= b->size) {
		errno = EBADF;
		return -1;
	}
	if (b->where[fd] != 0) {
		errno = EEXIST;
		return -1;
	}
	b->pfd[b->count] = (struct pollfd){ .fd = fd, .events = poll_events(interest) };
	b->where[fd] = (int)++b->count; /* count <= size, an int */
	return 0;
}

int backend_modify(struct backend *b, int fd, unsigned interest)
{
	struct pollfd *p = find(b, fd);

	if (p == NULL)
		return -1;
	p->events = poll_events(interest);
	return 0;
}

int backend_remove(struct backend *b, int fd)
{
	struct pollfd *p = find(b, fd);

	if (p == NULL)
		return -1;
	*p = b->pfd[--b->count];
	b->where[p->fd] = b->where[fd];
	b->where[fd] = 0;
	return 0;
}

/*
 * What epoll would report: POLLHUP, POLLERR and POLLNVAL (a descriptor closed while watched)
 * are BACKEND_ERROR whatever the interest; a hang-up on a descriptor watched for reading is also
 * BACKEND_READ, as some systems (macOS) set POLLHUP without POLLIN, and the read that follows is
 * what sees the end.
 */
static unsigned readiness(const struct pollfd *p)
{
	unsigned what = ((p->revents & POLLIN) ? BACKEND_READ : 0u) |
	                ((p->revents & POLLOUT) ? BACKEND_WRITE : 0u);

	if (p->revents & (POLLHUP | POLLERR | POLLNVAL))
		what |= BACKEND_ERROR;
	if ((p->revents & POLLHUP) && (p->events & POLLIN))
		what |= BACKEND_READ;
	return what;
}

/* One poll() over every watched descriptor. When more are ready than max, the scan of the
 * next wait starts after the last one reported, so none is left behind for long. */
int backend_wait(struct backend *b, struct backend_event *ev, int max, int timeout_ms)
{
	int ready = poll(b->pfd, b->count, timeout_ms), n = 0;
	nfds_t i = b->start < b->count ? b->start : 0;

	if (ready <= 0)
		return ready;
	for (nfds_t k = 0; k < b->count && n < ready && n < max; k++) {
		if (b->pfd[i].revents != 0) {
			ev[n].fd = b->pfd[i].fd;
			ev[n].what = readiness(&b->pfd[i]);
			n++;
		}
		i = i + 1 == b->count ? 0 : i + 1;
	}
	b->start = i;
	return n;
}

const char *backend_name(void)
{
	return "poll";
}
