/* fuzz_port.c - libFuzzer: ok_parse_number and ok_parse_port against a reference model. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "netaddr.h"

/*
 * The model, written differently from the parser on purpose: decide by the digit string
 * itself (leading zeros dropped, then compared by length and lexically with ULONG_MAX's
 * digits) instead of by arithmetic that must watch for overflow.
 */
static const char *model_parse(const char *s, unsigned long min, unsigned long max,
                               unsigned long *out)
{
	char limit[32];
	size_t n, len;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s))
		return "not a number";
	while (s[0] == '0' && s[1] != '\0')
		s++;
	len = strlen(s);
	n = (size_t)snprintf(limit, sizeof limit, "%lu", ULONG_MAX);
	if (len > n || (len == n && strcmp(s, limit) > 0))
		return "too large";
	*out = strtoul(s, NULL, 10);
	if (*out > max)
		return "too large";
	if (*out < min)
		return "too small";
	return NULL;
}

_Noreturn static void fail(const char *what, const char *s, unsigned long min, unsigned long max)
{
	fprintf(stderr, "fuzz_port: %s on \"", what);
	fputs_escaped(s, stderr);
	fprintf(stderr, "\" [%lu, %lu]\n", min, max);
	abort();
}

/* Same verdict, same reason, same value; nothing stored on failure. */
static void check_number(const char *s, unsigned long min, unsigned long max)
{
	unsigned long want = 0, got = 12345;
	const char *why = NULL;
	const char *want_why = model_parse(s, min, max, &want);
	int r = ok_parse_number(s, min, max, &got, &why);

	if ((r == 0) != (want_why == NULL))
		fail(r == 0 ? "accepted what the model refuses" : "refused what the model accepts", s,
		     min, max);
	if (r == 0 && got != want)
		fail("value differs from the model's", s, min, max);
	if (r != 0 && (why == NULL || strcmp(why, want_why) != 0 || got != 12345))
		fail("wrong reason, or stored a value on failure", s, min, max);
}

static void check_port(const char *s)
{
	unsigned long want = 0;
	const char *want_why = model_parse(s, 0, 65535, &want);
	const char *why = NULL;
	uint16_t port = 777;
	int r = ok_parse_port(s, &port, &why);

	if ((r == 0) != (want_why == NULL) || (r == 0 && port != want) ||
	    (r != 0 && (why == NULL || strcmp(why, want_why) != 0 || port != 777)))
		fail("ok_parse_port differs from the model", s, 0, 65535);
}

static unsigned long read_ulong(const uint8_t *p)
{
	unsigned long v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * With 16 bytes or more, the first 16 are min and max (either order: a min above max must be
 * handled too) and the rest is the string; a shorter input is only the string, against the
 * whole range and a few ranges options use.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long min = 0, max = ULONG_MAX;
	char *s;

	if (size >= 16) {
		min = read_ulong(data);
		max = read_ulong(data + 8);
		data += 16;
		size -= 16;
	}
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_number(s, min, max);
	check_number(s, 0, ULONG_MAX);
	check_number(s, 1, 65536);
	check_number(s, 1, 1);
	check_port(s);
	free(s);
	return 0;
}
