/* listeners.h - okserver's listening sockets: opened from the options, named, the file removed. */
#ifndef OK_LISTENERS_H
#define OK_LISTENERS_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "netaddr.h"
#include "oklimits.h"
#include "options.h"

/* Every ready line at once: "listening on " and the longest address a listener has, each. */
#define OK_READY_TEXT_MAX (OK_MAX_LISTENERS * (sizeof "listening on \n" + OK_SOCKADDR_STRLEN))

struct listeners {
	int fd[OK_MAX_LISTENERS]; /* the TCP ones in the order given, then the Unix one; -1 closed */
	int n;
	char *unix_made;          /* the socket file this server made, absolute (-d changes the
	                           * directory), to remove at the end; NULL when none */
	dev_t unix_dev;           /* ... and which file it was, so a file that has replaced it */
	ino_t unix_ino;           /* since is left alone */
};

/* Opens every listener c asks for. 0, or -1 with e filled (its code the exit status: socket,
 * bind or listen); then nothing is left open or made. */
int listeners_open(struct listeners *l, const struct server_config *c, struct ok_err *e);

/* "listening on ADDR\n" for each listener, in order, into buf (OK_READY_TEXT_MAX bytes always
 * suffice); the length written. */
size_t listeners_ready_text(const struct listeners *l, char *buf, size_t len);

/* Closes the descriptors still open (-1 ones are skipped). */
void listeners_close(struct listeners *l);

/* Removes the Unix socket file, if the path still names the very file this server made. */
void listeners_remove_unix(struct listeners *l);

#endif
