/* fuzz_inet6.c - libFuzzer: ok_inet_pton6/ok_inet_ntop6 against glibc, round trips, literals. */
#define _DEFAULT_SOURCE /* inet_aton, the IPv4 reference */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "../unit/pton6_both.h"
#include "netaddr.h"

/* Stops the run with the input escaped, so the report names it even without the artifact. */
_Noreturn static void fail(const char *what, const char *s)
{
	fprintf(stderr, "fuzz_inet6: %s on \"", what);
	fputs_escaped(s, stderr);
	fputs("\"\n", stderr);
	abort();
}

/* Our text must be glibc's, for a buffer of exactly the need and for one byte less. */
static void check_ntop(const struct in6_addr *a, const char *s)
{
	char ours[INET6_ADDRSTRLEN], theirs[INET6_ADDRSTRLEN];
	struct in6_addr back;
	size_t need;

	if (ok_inet_ntop6(a, ours, sizeof ours) != ours ||
	    inet_ntop(AF_INET6, a, theirs, sizeof theirs) == NULL || strcmp(ours, theirs) != 0)
		fail("inet_ntop text differs from glibc's", s);
	need = strlen(ours) + 1;
	errno = 0;
	if (ok_inet_ntop6(a, ours, need - 1) != NULL || errno != ENOSPC)
		fail("inet_ntop accepted a buffer one byte short", s);
	if (ok_inet_ntop6(a, ours, need) != ours || strcmp(ours, theirs) != 0)
		fail("inet_ntop refused a buffer of exactly the need", s);
	if (ok_inet_pton6(ours, &back) != 1 || memcmp(&back, a, sizeof back) != 0)
		fail("the text does not parse back to the address", s);
}

/* Validity and bytes must be glibc's; *dst untouched when invalid. */
static void check_pton(const char *s)
{
	struct pton6_both b;

	if (!pton6_both(s, &b) && b.r_ours != b.r_glibc)
		fail(b.r_ours ? "accepted what glibc refuses" : "refused what glibc accepts", s);
	if (b.r_ours != b.r_glibc || memcmp(&b.ours, &b.glibc, sizeof b.ours) != 0)
		fail(b.r_ours ? "bytes differ from glibc's" : "wrote the destination of an invalid address", s);
	if (b.r_ours)
		check_ntop(&b.ours, s);
}

/* What a literal is, by glibc: bare IPv6, IPv4 with no white space anywhere, bracketed IPv6. */
static int glibc_takes_literal(const char *s, size_t len)
{
	struct in6_addr a6;
	struct in_addr a4;
	char inner[64];

	if (inet_pton(AF_INET6, s, &a6) == 1)
		return 1;
	if (strcspn(s, " \t\n\v\f\r") == len && inet_aton(s, &a4))
		return 1;
	if (len < 2 || len - 2 >= sizeof inner || s[0] != '[' || s[len - 1] != ']')
		return 0;
	memcpy(inner, s + 1, len - 2);
	inner[len - 2] = '\0';
	return inet_pton(AF_INET6, inner, &a6) == 1;
}

static void check_literal(const char *s)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int want = glibc_takes_literal(s, strlen(s));

	if ((ok_parse_ip_literal(s, &ss, &sslen, 4242) == 0) != want)
		fail(want ? "ok_parse_ip_literal refused a literal" : "ok_parse_ip_literal took a non-literal", s);
}

/* The input is a NUL-terminated string (cut at an inner NUL); 16 bytes or more are also an address. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in6_addr raw;
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_pton(s);
	check_literal(s);
	if (size >= sizeof raw) {
		memcpy(&raw, data, sizeof raw);
		check_ntop(&raw, "(the first 16 bytes)");
	}
	free(s);
	return 0;
}
