/* printer.c - --print: a ring of whole lines drained into stdout, never waited for (printer.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "log.h"
#include "nbwrite.h"
#include "oklimits.h"
#include "printer.h"

struct printer {
	struct nb_out out;       /* standard output, and how to write it without waiting */
	bool broken;             /* a write failed for good: lines are dropped */
	uint32_t max_line;
	size_t cap, head, used;  /* the ring: `used` bytes from buf[head], wrapping at cap */
	char buf[];
};

struct printer *printer_open(int fd, uint32_t max_line)
{
	/* See printer.h: OK_PRINT_BUFFER, then room for the one read that may still come. */
	size_t cap = (size_t)OK_PRINT_BUFFER + OK_READ_CHUNK + max_line + 2;
	struct printer *pr = malloc(sizeof *pr + cap);

	if (pr == NULL)
		return NULL;
	*pr = (struct printer){ .max_line = max_line, .cap = cap };
	nb_out_share(&pr->out, fd);
	return pr;
}

void printer_close(struct printer *pr)
{
	if (pr == NULL)
		return;
	nb_out_close(&pr->out);
	free(pr);
}

void print_line_drop(struct print_line *l)
{
	free(l->buf);
	*l = (struct print_line){ NULL, 0, 0 };
}

/* Keeps a piece of an unanswered line; the framer never tells more than max_line bytes. */
static int keep_piece(struct print_line *l, const char *p, size_t n, uint32_t max_line)
{
	size_t need = (size_t)l->len + n, cap = l->cap ? l->cap : 64;
	char *b;

	if (need > l->cap) {
		while (cap < need)
			cap *= 2;
		if (cap > max_line && need <= max_line)
			cap = max_line;
		b = realloc(l->buf, cap);
		if (b == NULL)
			return -1;
		l->buf = b;
		l->cap = (uint32_t)cap;
	}
	memcpy(l->buf + l->len, p, n);
	l->len = (uint32_t)need;
	return 0;
}

/* Appends to the ring. Reading pauses before a read could overflow it (printer.h), so the check
 * only keeps a broken promise from becoming a buffer overflow. */
static void put(struct printer *pr, const char *p, size_t n)
{
	size_t tail, first;

	if (n > pr->cap - pr->used)
		return;
	tail = (pr->head + pr->used) % pr->cap;
	first = n < pr->cap - tail ? n : pr->cap - tail;
	memcpy(pr->buf + tail, p, first);
	memcpy(pr->buf, p + first, n - first);
	pr->used += n;
}

int printer_take(struct printer *pr, struct print_line *l, const char *p, size_t n, bool ends)
{
	if (pr->broken) {
		print_line_drop(l);
		return 0;
	}
	if (!ends)
		return keep_piece(l, p, n, pr->max_line);
	put(pr, l->buf != NULL ? l->buf : "", l->len);
	put(pr, p, n);
	put(pr, "\n", 1);
	print_line_drop(l);
	return 0;
}

void printer_give_up(struct printer *pr, const char *what, int err)
{
	server_log("print: standard output: %s%s; %zu bytes not printed, and no more lines will be",
	           what, strerror(err), pr->used);
	pr->broken = true;
	pr->used = pr->head = 0;
}

void printer_flush(struct printer *pr)
{
	while (pr->used > 0) {
		size_t first = pr->used < pr->cap - pr->head ? pr->used : pr->cap - pr->head;
		struct iovec iov[2] = { { pr->buf + pr->head, first }, { pr->buf, pr->used - first } };
		ssize_t n = nb_out_writev(&pr->out, iov, pr->used > first ? 2 : 1);

		if (n == 0)
			break; /* it takes nothing now: the loop waits for room */
		if (n < 0) {
			printer_give_up(pr, "", errno);
			return;
		}
		pr->head = (pr->head + (size_t)n) % pr->cap;
		pr->used -= (size_t)n;
	}
	if (pr->used == 0)
		pr->head = 0;
}

size_t printer_waiting(const struct printer *pr)
{
	return pr->used;
}

bool printer_full(const struct printer *pr)
{
	return pr->used > OK_PRINT_BUFFER;
}

bool printer_drained(const struct printer *pr)
{
	return pr->used <= OK_PRINT_BUFFER / 2;
}

void printer_abandon(struct printer *pr)
{
	if (pr->used > 0)
		server_log("print: standard output took nothing for too long at shutdown; "
		           "%zu bytes not printed", pr->used);
	pr->used = pr->head = 0;
}
