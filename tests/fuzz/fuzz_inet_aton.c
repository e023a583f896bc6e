/* fuzz_inet_aton.c - libFuzzer: ok_inet_aton against glibc's inet_aton, and ok_sockaddr_in. */
#define _DEFAULT_SOURCE /* inet_aton, the reference */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "netaddr.h"

/* Stops the run with the input in hex, so the report names it even without the artifact. */
_Noreturn static void fail(const char *what, const char *s)
{
	fprintf(stderr, "fuzz_inet_aton: %s on \"", what);
	fputs_escaped(s, stderr);
	fputs("\"\n", stderr);
	abort();
}

/* Validity and value must be glibc's; a NULL destination changes only where the value goes. */
static void check_aton(const char *s)
{
	struct in_addr ours = { 0x5a5a5a5au }, theirs = { 0x5a5a5a5au };
	int r_ours = ok_inet_aton(s, &ours);
	int r_theirs = inet_aton(s, &theirs);

	if (r_ours != r_theirs)
		fail(r_ours ? "accepted what glibc refuses" : "refused what glibc accepts", s);
	if (r_ours && ours.s_addr != theirs.s_addr)
		fail("value differs from glibc's", s);
	if (!r_ours && ours.s_addr != 0x5a5a5a5au)
		fail("wrote the destination of an invalid address", s);
	if (ok_inet_aton(s, NULL) != r_ours)
		fail("answer changes with a NULL destination", s);
}

/* Every field set, the rest zero, whether or not the address is valid; formatting round-trips. */
static void check_sockaddr(const char *s, uint16_t port)
{
	static const unsigned char zero[sizeof ((struct sockaddr_in *)0)->sin_zero];
	struct sockaddr_in sa;
	struct in_addr want = { 0 };
	int valid = inet_aton(s, &want);
	char buf[OK_ADDRSTRLEN], again[OK_ADDRSTRLEN + 8];

	memset(&sa, 0xa5, sizeof sa);
	if (ok_sockaddr_in(&sa, s, port) != (valid ? 0 : -1))
		fail("ok_sockaddr_in's result disagrees with glibc", s);
	if (sa.sin_family != AF_INET || sa.sin_port != htons(port) ||
	    memcmp(sa.sin_zero, zero, sizeof zero) != 0)
		fail("ok_sockaddr_in left a field unset", s);
	if (!valid)
		return;
	if (sa.sin_addr.s_addr != want.s_addr)
		fail("ok_sockaddr_in stored another address", s);
	ok_format_addr(&sa, buf, sizeof buf);
	snprintf(again, sizeof again, "%s:%u", inet_ntoa(want), (unsigned)port);
	if (strcmp(buf, again) != 0)
		fail("ok_format_addr disagrees with inet_ntoa", s);
}

/* The first two bytes are a port, the rest a NUL-terminated string (cut at an inner NUL). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t port = 0;
	char *s;

	if (size >= 2) {
		port = (uint16_t)(data[0] << 8 | data[1]);
		data += 2;
		size -= 2;
	}
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_aton(s);
	check_sockaddr(s, port);
	free(s);
	return 0;
}
