/* deadline.h - timers without a system call per connection: FIFO lists sharing one delay. */
#ifndef OK_DEADLINE_H
#define OK_DEADLINE_H

#include <stdint.h>

struct conn;

/*
 * A FIFO of connections whose deadlines are stamp + one fixed delay: the head expires first.
 * The links live in the connections (struct conn's prev, next and stamp), which are found in
 * the connection table by descriptor; -1 ends a list.
 */
struct deadline_list {
	int head, tail;
	int64_t delay_ms;        /* 0: no deadline, and nothing is put on the list */
};

/* Appends table[fd], whose stamp was just set, at the tail. */
void deadline_push(struct conn *table, struct deadline_list *l, int fd);
/* Unlinks table[fd], which must be on l. */
void deadline_remove(struct conn *table, struct deadline_list *l, int fd);
/* The earliest deadline on the list (ms, the clock of the stamps), or -1 when it is empty. */
int64_t deadline_next(const struct conn *table, const struct deadline_list *l);

#endif
