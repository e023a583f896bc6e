/* platform.h - what differs between the systems okchat runs on, each decided once, here. */
#ifndef OK_PLATFORM_H
#define OK_PLATFORM_H

/*
 * OK_HAVE_PPOLL: ppoll() waits on descriptors with a signal mask set for the wait alone, so a
 * signal let in only while waiting is never lost between checking a flag and waiting. Linux
 * has it (glibc and musl declare it under _GNU_SOURCE); macOS has not, and the client takes a
 * self-pipe there (client/wait.c). OK_FORCE_PORTABLE=1 takes the stand-in on Linux too, so a
 * Linux build runs the code a Mac runs; -DOK_HAVE_PPOLL=0 or 1 forces this answer alone.
 */
#ifndef OK_HAVE_PPOLL
#if defined(__linux__) && !(defined(OK_FORCE_PORTABLE) && OK_FORCE_PORTABLE)
#define OK_HAVE_PPOLL 1
#else
#define OK_HAVE_PPOLL 0
#endif
#endif

/*
 * OK_HAVE_SA_LEN: the socket address structures carry their own length (sin_len, sin6_len,
 * sun_len), as on the BSDs and macOS; Linux and most others have no such field. The BSD
 * stacks announce it with SIN6_LEN, but macOS hides that macro under strict POSIX, so the
 * BSD family is also named. A build may force either answer with -DOK_HAVE_SA_LEN=0 or 1.
 */
#ifndef OK_HAVE_SA_LEN
#include <netinet/in.h>
#if defined(SIN6_LEN) || defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
	defined(__NetBSD__) || defined(__DragonFly__)
#define OK_HAVE_SA_LEN 1
#else
#define OK_HAVE_SA_LEN 0
#endif
#endif

/* Stores a socket address's own length where it has a field for it; nothing elsewhere. */
#if OK_HAVE_SA_LEN
#define OK_SET_SIN_LEN(sin) ((sin)->sin_len = (unsigned char)sizeof *(sin))
#define OK_SET_SIN6_LEN(sin6) ((sin6)->sin6_len = (unsigned char)sizeof *(sin6))
#else
#define OK_SET_SIN_LEN(sin) ((void)(sin))
#define OK_SET_SIN6_LEN(sin6) ((void)(sin6))
#endif

#endif
