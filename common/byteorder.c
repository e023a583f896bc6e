/* byteorder.c - host/network byte order without libc, decided at compile time. */
#include "netaddr.h"

#if !defined(__BYTE_ORDER__) || !defined(__ORDER_LITTLE_ENDIAN__) || !defined(__ORDER_BIG_ENDIAN__)
#error "okchat needs the compiler's __BYTE_ORDER__ macros (gcc and clang define them)"
#endif

/* Network order is big-endian: a big-endian host has nothing to do. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__

uint16_t ok_htons(uint16_t host) { return host; }
uint32_t ok_htonl(uint32_t host) { return host; }

#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

uint16_t ok_htons(uint16_t host)
{
	return (uint16_t)((host << 8) | (host >> 8));
}

uint32_t ok_htonl(uint32_t host)
{
	return ((host & 0x000000ffu) << 24) | ((host & 0x0000ff00u) << 8) |
	       ((host & 0x00ff0000u) >> 8) | ((host & 0xff000000u) >> 24);
}

#else
#error "okchat supports big- and little-endian hosts only"
#endif

/* Swapping is its own inverse. */
uint16_t ok_ntohs(uint16_t net) { return ok_htons(net); }
uint32_t ok_ntohl(uint32_t net) { return ok_htonl(net); }
