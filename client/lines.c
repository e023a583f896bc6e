/* lines.c - what the client queues for the server: line counting and the stop after a Q line. */
#include <stdint.h>
#include <string.h>

#include "client.h"

/* Eight bytes at a time: each zero byte of x ^ LFs is an LF; no per-line call. */
unsigned long long okc_count_lf(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	unsigned long long count = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, t;
		memcpy(&x, p + i, 8);
		x ^= ones * '\n';
		t = ((x & ~highs) + ~highs) | x;        /* high bit set in every non-zero byte */
		count += (((~t & highs) >> 7) * ones) >> 56; /* sum of the zero-byte flags */
	}
	for (; i < n; i++)
		count += p[i] == '\n';
	return count;
}

/* Only a Q at the start of a line matters, so the scan jumps from Q to Q, not line to line. */
size_t okc_scan_lines(struct okc_lines *s, const char *p, size_t n)
{
	size_t pos = 0;

	if (n == 0 || s->done)
		return 0;
	while (pos < n) {
		const char *hit = memchr(p + pos, s->in_q ? '\n' : 'Q', n - pos);
		size_t at;

		if (hit == NULL)
			break;
		at = (size_t)(hit - p);
		if (s->in_q) {
			/* The server discards whatever follows a Q line, so it is never sent. */
			s->done = 1;
			s->mid_line = 0;
			return at + 1;
		}
		if (at == 0 ? !s->mid_line : p[at - 1] == '\n')
			s->in_q = 1;
		pos = at + 1;
	}
	s->mid_line = p[n - 1] != '\n';
	return n;
}
