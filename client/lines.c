/* lines.c - what the client queues for the server: line counting and the stop after a Q line. */
#include <string.h>

#include "client.h"

unsigned long long count_lf(const char *p, size_t n)
{
	unsigned long long count = 0;
	const char *end = p + n;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		count++;
		p++;
	}
	return count;
}

size_t scan_lines(struct okc_lines *s, const char *p, size_t n)
{
	size_t pos = 0;

	while (pos < n && !s->done) {
		const char *lf;

		if (!s->mid_line)
			s->in_q = p[pos] == 'Q';
		lf = memchr(p + pos, '\n', n - pos);
		if (lf == NULL) {
			s->mid_line = 1;
			return n;
		}
		pos = (size_t)(lf - p) + 1;
		s->mid_line = 0;
		/* The server discards whatever follows a Q line, so it is never sent. */
		if (s->in_q)
			s->done = 1;
	}
	return pos;
}
