/* backend.h - the event backend: the few calls loop.c makes to wait on descriptors. */
#ifndef OK_BACKEND_H
#define OK_BACKEND_H

/*
 * One seam, as redis's ae.c has over ae_epoll.c and ae_select.c: each backend is one file,
 * server/backend_NAME.c, implementing exactly these functions, and the Makefile's BACKEND
 * (default epoll) compiles one of them. loop.c is their only caller and never sees which.
 *
 * Level-triggered by contract: a descriptor is reported by every wait for as long as it is
 * ready for what it is watched for, so a caller may do one read or write per report.
 * Errors: -1 with errno, and no message (the caller says what failed on what).
 */

/* Interest (add, modify) and readiness (wait). 0 as interest: watched for errors only, parked. */
#define BACKEND_READ  0x01u
#define BACKEND_WRITE 0x02u
#define BACKEND_ERROR 0x04u /* readiness only: an error or hang-up, whatever the interest */

struct backend_event {
	int fd;
	unsigned what;           /* BACKEND_READ | BACKEND_WRITE | BACKEND_ERROR */
};

struct backend;

/* A backend for descriptors 0 .. size-1. NULL with errno when it cannot be made. */
struct backend *backend_create(int size);
/* Releases the backend and its own descriptor, if any. NULL is allowed. */
void backend_free(struct backend *b);

/* Starts watching fd (not watched yet) for interest. 0, or -1 with errno. */
int backend_add(struct backend *b, int fd, unsigned interest);
/* Replaces the interest of a watched fd. 0, or -1 with errno. */
int backend_modify(struct backend *b, int fd, unsigned interest);
/* Stops watching fd: before closing it, or just after as long as no descriptor has been opened
 * since (epoll forgets a closed descriptor by itself, and then says EBADF). 0, or -1 with errno. */
int backend_remove(struct backend *b, int fd);

/*
 * Sleeps until a watched descriptor is ready or timeout_ms passes (-1: no limit), then fills
 * ev[0 .. n) with one entry per ready descriptor, n <= max. Returns n (0: the time ran out), or
 * -1 with errno (EINTR: a signal interrupted the wait, which may simply be tried again).
 */
int backend_wait(struct backend *b, struct backend_event *ev, int max, int timeout_ms);

/* The backend's name, "epoll" or "poll", for messages. */
const char *backend_name(void);

#endif
