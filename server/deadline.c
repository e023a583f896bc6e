/* deadline.c - timers without a system call per connection: FIFO lists sharing one delay. */
#include "server.h"

/*
 * Every connection on a list has the same delay, so ordering by stamp is ordering by deadline:
 * touching a connection moves it to the tail in O(1), and the loop only ever looks at the head
 * to know how long it may sleep. No timerfd, no per-connection syscall, no wake-up when empty.
 */
void deadline_push(struct server *s, struct deadline_list *l, int fd)
{
	struct conn *c = &s->conns[fd];

	c->prev = l->tail;
	c->next = -1;
	if (l->tail >= 0)
		s->conns[l->tail].next = fd;
	else
		l->head = fd;
	l->tail = fd;
}

void deadline_remove(struct server *s, struct deadline_list *l, int fd)
{
	struct conn *c = &s->conns[fd];

	if (c->prev >= 0)
		s->conns[c->prev].next = c->next;
	else
		l->head = c->next;
	if (c->next >= 0)
		s->conns[c->next].prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = -1;
}

/* The earliest deadline on the list, or -1 when it is empty. */
int64_t deadline_next(const struct server *s, const struct deadline_list *l)
{
	if (l->head < 0)
		return -1;
	return s->conns[l->head].stamp + l->delay_ms;
}
