/* buffer.c - the bounded byte queue each direction of the client streams through. */
#include <stdlib.h>
#include <string.h>

#include "client.h"

int okc_buf_init(struct okc_buf *b, size_t cap)
{
	b->data = malloc(cap);
	b->cap = b->data ? cap : 0;
	b->start = b->end = 0;
	return b->data ? 0 : -1;
}

void okc_buf_free(struct okc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->cap = b->start = b->end = 0;
}

/*
 * Moves what is pending to the front, so reads can fill the whole buffer again; only once less
 * than a quarter of it is tail room, so a slow consumer does not cost a memmove per loop.
 */
void okc_buf_compact(struct okc_buf *b)
{
	size_t used = okc_buf_used(b), tail = okc_buf_tail_room(b);

	if (b->start == 0 || (tail > 0 && tail >= b->cap / 4))
		return;
	if (used > 0)
		memmove(b->data, b->data + b->start, used);
	b->start = 0;
	b->end = used;
}

void okc_buf_consume(struct okc_buf *b, size_t n)
{
	b->start += n;
	if (b->start == b->end)
		b->start = b->end = 0;
}
