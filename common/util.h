/* util.h - small things both programs and the test tools need once: defaults, clock, stdio. */
#ifndef OK_UTIL_H
#define OK_UTIL_H

#include <stdint.h>

/* Where a server listens and a client connects unless told otherwise (okserver(1), okclient(1)). */
#define OK_DEFAULT_PORT 4242
#define OK_DEFAULT_ADDR "127.0.0.1"

/* Milliseconds of CLOCK_MONOTONIC: for deadlines and durations, never for dates. */
int64_t ok_now_ms(void);

/* Microseconds of CLOCK_MONOTONIC, for latency measurements. */
int64_t ok_now_us(void);

/*
 * Opens /dev/null on any of descriptors 0, 1 and 2 that is closed, so a socket opened later can
 * never become "standard input" or "standard output" by accident. 0, or -1 with errno set.
 */
int ok_keep_stdio_open(void);

#endif
