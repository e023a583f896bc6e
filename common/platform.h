/* platform.h - what differs between the systems okchat runs on, each decided once, here. */
#ifndef OK_PLATFORM_H
#define OK_PLATFORM_H

/*
 * Linux-only calls have portable stand-ins, decided below. OK_FORCE_PORTABLE=1 (the Makefile sets
 * it for BACKEND=poll where epoll exists) takes every stand-in even where the native call exists,
 * so a Linux build runs the code a Mac runs.
 */
#ifndef OK_FORCE_PORTABLE
#define OK_FORCE_PORTABLE 0
#endif

/*
 * OK_HAVE_PPOLL: ppoll() waits on descriptors with a signal mask set for the wait alone, so a
 * signal let in only while waiting is never lost between checking a flag and waiting. Linux
 * has it (glibc and musl declare it under _GNU_SOURCE); macOS has not, and the client takes a
 * self-pipe there (client/wait.c). OK_FORCE_PORTABLE=1 takes the stand-in on Linux too, so a
 * Linux build runs the code a Mac runs; -DOK_HAVE_PPOLL=0 or 1 forces this answer alone.
 */
#ifndef OK_HAVE_PPOLL
#if defined(__linux__) && !OK_FORCE_PORTABLE
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
#define OK_SET_SUN_LEN(sun, len) ((sun)->sun_len = (unsigned char)(len))
#else
#define OK_SET_SIN_LEN(sin) ((void)(sin))
#define OK_SET_SIN6_LEN(sin6) ((void)(sin6))
#define OK_SET_SUN_LEN(sun, len) ((void)(sun), (void)(len))
#endif

/* The socket calls below: each stand-in is used by one helper of sock.c, never at call sites. */
#include <sys/socket.h>

/*
 * OK_HAVE_SOCK_FLAGS: accept4() and socket()'s SOCK_NONBLOCK | SOCK_CLOEXEC make a descriptor
 * non-blocking and close-on-exec in the call that makes it (Linux, the BSDs); elsewhere (macOS)
 * fcntl sets both just after. glibc declares accept4 only under _GNU_SOURCE: sock.c defines it.
 */
#ifndef OK_HAVE_SOCK_FLAGS
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC) && !OK_FORCE_PORTABLE
#define OK_HAVE_SOCK_FLAGS 1
#else
#define OK_HAVE_SOCK_FLAGS 0
#endif
#endif

/*
 * OK_MSG_NOSIGNAL: the send() flag that makes a vanished peer an EPIPE instead of a SIGPIPE, or
 * 0 where there is none. Then OK_SO_NOSIGPIPE is the socket option that does it for every send
 * on a socket, set as the socket is made (macOS, the BSDs); where neither exists (0 too: Linux
 * forced portable) only SIGPIPE's SIG_IGN, which both programs set anyway, keeps a broken
 * connection from killing them.
 */
#if defined(MSG_NOSIGNAL) && !OK_FORCE_PORTABLE
#define OK_MSG_NOSIGNAL MSG_NOSIGNAL
#define OK_SO_NOSIGPIPE 0
#else
#define OK_MSG_NOSIGNAL 0
#ifdef SO_NOSIGPIPE
#define OK_SO_NOSIGPIPE SO_NOSIGPIPE
#else
#define OK_SO_NOSIGPIPE 0
#endif
#endif

/*
 * OK_CTIME_NSEC(st): the nanoseconds of a struct stat's change time. POSIX 2008 names the time
 * st_ctim; macOS names it st_ctimespec (and has no st_ctim). The seconds are st_ctime on both.
 */
#if defined(__APPLE__)
#define OK_CTIME_NSEC(st) ((st)->st_ctimespec.tv_nsec)
#else
#define OK_CTIME_NSEC(st) ((st)->st_ctim.tv_nsec)
#endif

#endif
