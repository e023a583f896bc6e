/* backend_epoll.c - the event backend on Linux's epoll: the only file that calls it. */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "backend.h"
#include "oklimits.h"

/*
 * Level-triggered epoll, on purpose. A connection is read once per wake-up (a short read means
 * the socket is drained, so no extra recv() to collect EAGAIN), busy clients take turns fairly,
 * and back-pressure is just switching a connection's interest between reading and writing,
 * which happens only when output is left over. Edge-triggered would force draining every
 * socket to EAGAIN on each edge, or re-arming it, and make a stalled client harder to park.
 */
struct backend {
	int epfd;
	int nslots;
	struct epoll_event *slots; /* only the ones a wait fills are touched: idle memory stays put */
};

struct backend *backend_create(int size)
{
	struct backend *b = calloc(1, sizeof *b);

	if (b == NULL)
		return NULL;
	b->nslots = size < 1 ? 1 : size < OK_EVENTS_MAX ? size : OK_EVENTS_MAX;
	b->slots = malloc((size_t)b->nslots * sizeof *b->slots);
	b->epfd = b->slots == NULL ? -1 : epoll_create1(EPOLL_CLOEXEC);
	if (b->epfd < 0) {
		int err = b->slots == NULL ? ENOMEM : errno;
		free(b->slots);
		free(b);
		errno = err;
		return NULL;
	}
	return b;
}

void backend_free(struct backend *b)
{
	if (b == NULL)
		return;
	close(b->epfd);
	free(b->slots);
	free(b);
}

static int control(struct backend *b, int op, int fd, unsigned interest)
{
	struct epoll_event ev = { .events = ((interest & BACKEND_READ) ? EPOLLIN : 0u) |
	                                    ((interest & BACKEND_WRITE) ? EPOLLOUT : 0u),
	                          .data.fd = fd };

	return epoll_ctl(b->epfd, op, fd, &ev);
}

int backend_add(struct backend *b, int fd, unsigned interest)
{
	return control(b, EPOLL_CTL_ADD, fd, interest);
}

int backend_modify(struct backend *b, int fd, unsigned interest)
{
	return control(b, EPOLL_CTL_MOD, fd, interest);
}

int backend_remove(struct backend *b, int fd)
{
	return control(b, EPOLL_CTL_DEL, fd, 0);
}

int backend_wait(struct backend *b, struct backend_event *ev, int max, int timeout_ms)
{
	int n = epoll_wait(b->epfd, b->slots, max < b->nslots ? max : b->nslots, timeout_ms);

	for (int i = 0; i < n; i++) {
		uint32_t e = b->slots[i].events;
		ev[i].fd = b->slots[i].data.fd;
		ev[i].what = ((e & EPOLLIN) ? BACKEND_READ : 0u) |
		             ((e & EPOLLOUT) ? BACKEND_WRITE : 0u) |
		             ((e & (EPOLLERR | EPOLLHUP)) ? BACKEND_ERROR : 0u);
	}
	return n;
}

const char *backend_name(void)
{
	return "epoll";
}
