/* listeners.h - okserver's listening sockets: opened from the options, named, the file removed. */
#ifndef OK_LISTENERS_H
#define OK_LISTENERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
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
	/* The -U socket (NULL path: none), its file checked, removed and made by its name inside
	 * its folder, opened once (listeners.c): a swap of the path meanwhile changes nothing. */
	const char *unix_path;    /* as given (the options' string): its ready line names it so */
	const char *unix_name;    /* the last component, inside unix_path */
	int unix_dirfd;           /* its folder: valid while unix_path is set */
	int unix_index;           /* its place in fd[] */
	bool unix_made;           /* this server made the file: removed at the end if the name */
	struct stat unix_st;      /* still leads to this very file, never one that has replaced
	                           * it since (safefile.h, safe_still_same) */
};

/* Opens every listener c asks for. 0, or -1 with e filled (its code the exit status: socket,
 * bind or listen); then nothing is left open or made. */
int listeners_open(struct listeners *l, const struct server_config *c, struct ok_err *e);

/* "listening on ADDR\n" for each listener, in order, into buf (OK_READY_TEXT_MAX bytes always
 * suffice); the length written. */
size_t listeners_ready_text(const struct listeners *l, char *buf, size_t len);

/* Closes the descriptors still open (-1 ones are skipped). */
void listeners_close(struct listeners *l);

/* Removes the Unix socket file, if its name still leads to the very file this server made, and
 * lets its folder go. */
void listeners_remove_unix(struct listeners *l);

#endif
