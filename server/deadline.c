/* deadline.c - timers without a system call per connection: FIFO lists sharing one delay. */
#include "conn.h"
#include "deadline.h"

/*
 * Every connection on a list has the same delay, so ordering by stamp is ordering by deadline:
 * touching a connection moves it to the tail in O(1), and the loop only ever looks at the head
 * to know how long it may sleep. No timerfd, no per-connection syscall, no wake-up when empty.
 */
void deadline_push(struct conn *table, struct deadline_list *l, int fd)
{
	struct conn *c = &table[fd];

	c->prev = l->tail;
	c->next = -1;
	if (l->tail >= 0)
		table[l->tail].next = fd;
	else
		l->head = fd;
	l->tail = fd;
}

void deadline_remove(struct conn *table, struct deadline_list *l, int fd)
{
	struct conn *c = &table[fd];

	if (c->prev >= 0)
		table[c->prev].next = c->next;
	else
		l->head = c->next;
	if (c->next >= 0)
		table[c->next].prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = -1;
}

int64_t deadline_next(const struct conn *table, const struct deadline_list *l)
{
	if (l->head < 0)
		return -1;
	return table[l->head].stamp + l->delay_ms;
}
