/* loop.h - the event backend: the few calls loop.c and conn.c make to wait on descriptors. */
#ifndef OK_LOOP_H
#define OK_LOOP_H

/*
 * One seam, as redis's ae.c has over ae_epoll.c and ae_select.c: each backend is one file,
 * server/loop_NAME.c, implementing exactly these functions, and the Makefile's BACKEND
 * (default epoll) compiles one of them. loop.c and conn.c never see which.
 *
 * Level-triggered by contract: a descriptor is reported by every wait for as long as it is
 * ready for what it is watched for, so a caller may do one read or write per report.
 * Errors: -1 with errno, and no message (the caller says what failed on what).
 */

/* Interest (add, modify) and readiness (wait). 0 as interest: watched for errors only, parked. */
#define LOOP_READ  0x01u
#define LOOP_WRITE 0x02u
#define LOOP_ERROR 0x04u /* readiness only: an error or hang-up, reported whatever the interest */

struct loop_event {
	int fd;
	unsigned what;           /* LOOP_READ | LOOP_WRITE | LOOP_ERROR */
};

struct loop_backend;

/* A backend for descriptors 0 .. size-1. NULL with errno when it cannot be made. */
struct loop_backend *loop_backend_create(int size);
/* Releases the backend and its own descriptor, if any. NULL is allowed. */
void loop_backend_free(struct loop_backend *b);

/* Starts watching fd (not watched yet) for interest. 0, or -1 with errno. */
int loop_backend_add(struct loop_backend *b, int fd, unsigned interest);
/* Replaces the interest of a watched fd. 0, or -1 with errno. */
int loop_backend_modify(struct loop_backend *b, int fd, unsigned interest);
/* Stops watching fd; call it before closing fd. 0, or -1 with errno. */
int loop_backend_remove(struct loop_backend *b, int fd);

/*
 * Sleeps until a watched descriptor is ready or timeout_ms passes (-1: no limit), then fills
 * ev[0 .. n) with one entry per ready descriptor, n <= max. Returns n (0: the time ran out), or
 * -1 with errno (EINTR: a signal interrupted the wait, which may simply be tried again).
 */
int loop_backend_wait(struct loop_backend *b, struct loop_event *ev, int max, int timeout_ms);

/* The backend's name, "epoll" or "poll", for messages. */
const char *loop_backend_name(void);

#endif
