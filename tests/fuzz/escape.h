/* escape.h - writes a fuzz input readably: printable ASCII as is, every other byte as \xNN. */
#ifndef OK_FUZZ_ESCAPE_H
#define OK_FUZZ_ESCAPE_H

#include <stdio.h>

static inline void fputs_escaped(const char *s, FILE *f)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		fprintf(f, *p >= 0x20 && *p < 0x7f ? "%c" : "\\x%02x", *p);
}

#endif
