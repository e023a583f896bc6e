/* inet_aton.c - ok_inet_aton: glibc's inet_aton(3), value for value, without calling it. */
#include <stdbool.h>

#include "netaddr.h"

/* What glibc accepts is 32 bits; anything larger is only ever "too large". */
#define PART_TOO_LARGE 0x100000000ull

/* The C locale's classes, spelled out so the locale cannot change what an address is. */
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/*
 * Reads one part as strtoul(cp, &end, 0) would, given that cp starts with a digit:
 * "0x" and a hex digit is hex, another leading 0 is octal, else decimal. Values saturate
 * at PART_TOO_LARGE, so no input can overflow. Returns where the part ends.
 */
static const char *read_part(const char *cp, uint64_t *value)
{
	unsigned base = 10;
	uint64_t v = 0;
	int d;

	if (cp[0] == '0') {
		if ((cp[1] == 'x' || cp[1] == 'X') && ok_hex_value(cp[2]) >= 0) {
			base = 16;
			cp += 2;
		} else {
			base = 8; /* "0x" without a hex digit is a lone 0 followed by 'x' */
		}
	}
	for (; (d = ok_hex_value(*cp)) >= 0 && (unsigned)d < base; cp++) {
		v = v * base + (unsigned)d;
		if (v > PART_TOO_LARGE)
			v = PART_TOO_LARGE;
	}
	*value = v;
	return cp;
}

/*
 * a.b.c.d, a.b.c (c is 16 bits), a.b (b is 24 bits) or a (32 bits); every part but the last
 * is one byte. Like glibc, the address may be followed by white space and then anything.
 */
int ok_inet_aton(const char *cp, struct in_addr *inp)
{
	static const uint64_t last_part_max[4] = { 0xffffffffu, 0xffffffu, 0xffffu, 0xffu };
	uint32_t leading = 0; /* the bytes of the parts before the last, host order */
	unsigned parts = 0;   /* how many parts ended with a '.' */
	uint64_t value;

	for (;;) {
		if (!is_digit(*cp))
			return 0;
		cp = read_part(cp, &value);
		if (*cp != '.')
			break;
		if (parts == 3 || value > 0xff)
			return 0;
		leading |= (uint32_t)value << (24 - 8 * parts);
		parts++;
		cp++;
	}
	if (*cp != '\0' && !is_space(*cp))
		return 0;
	if (value > last_part_max[parts])
		return 0;
	if (inp != NULL)
		inp->s_addr = ok_htonl(leading | (uint32_t)value);
	return 1;
}
