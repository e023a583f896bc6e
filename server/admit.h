/* admit.h - who may connect (SPEC 11): access rules, per-address counts, PROXY headers. */
#ifndef OK_ADMIT_H
#define OK_ADMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "err.h"
#include "options.h" /* struct server_config */
#include "peers.h"   /* enum ok_peers_verdict */
#include "proxy.h"   /* struct ok_proxy_header */

struct server;

/*
 * A new connection goes through these steps, in this order; each may end it:
 *  1. accepted: admit_accept() (loop.c, before any other work). A --proxy-from peer is let in
 *     by that list; any other TCP peer by the access rules (a denied one: closed at once with
 *     nothing sent, "denied ADDR:PORT" under -v, counted in denied=). Unix peers always.
 *  2. a --proxy-from peer's PROXY header (conn.c's CONN_PROXY state, read here with
 *     admit_header_read, bounded by the handshake deadline). Its address then stands for the
 *     peer, and admit_relayed() applies the access rules to it.
 *  3. (a TLS handshake would go here: after the header, before any reply)
 *  4. the peer is settled: admit_count() counts it against its address (--max-per-address),
 *     then the conversation starts, or is refused with "ERR too many connections".
 * Every connection admit_count() counted is admit_uncount()-ed once, when it is closed.
 */
struct admit;

/*
 * The state of a configuration: --allow, --deny, --proxy-from, --max-per-address, and the
 * --access-file read now (its name made absolute, so SIGHUP re-reads it after -d's chdir).
 * NULL with e: an access file that cannot be read or holds a faulty line ("FILE:LINE: ...")
 * is SERVER_EXIT_USAGE, no memory SERVER_EXIT_SOCKET.
 */
struct admit *admit_new(const struct server_config *c, struct ok_err *e);
void admit_free(struct admit *a); /* NULL is fine */

/* Whether there is an --access-file for SIGHUP to re-read. */
bool admit_reloadable(const struct admit *a);

/* SIGHUP: builds the rules again (options and file); on success they replace the old ones for
 * every new connection, on failure the old ones stay. Either way one log line says so. */
void admit_reload(struct admit *a);

/* Step 1, for a connection just accepted from peer: true when it may go on; false when it is
 * denied (logged under -v and counted: the caller closes it). */
bool admit_accept(struct server *s, const struct sockaddr *peer, socklen_t len);

/* Whether a connection from peer must begin with a PROXY header (peer is in --proxy-from). */
bool admit_expects_header(const struct admit *a, const struct sockaddr *peer, socklen_t len);

/* Step 2: the header of the connection on fd (table_size: the connection table's, fd is below
 * it). Begin before the first read (0, or -1 with errno ENOMEM); drop once it is over, however
 * it ended (closing the connection does it). */
int admit_header_begin(struct admit *a, int fd, int table_size);
void admit_header_drop(struct admit *a, int fd);

enum admit_header_status {
	ADMIT_HEADER_MORE,   /* nothing more to read now: wait until fd is readable */
	ADMIT_HEADER_DONE,   /* whole: see *h */
	ADMIT_HEADER_BAD,    /* not a valid header: *why says what was wrong */
	ADMIT_HEADER_EOF,    /* the peer ended its side before the header was whole */
	ADMIT_HEADER_ERROR   /* a read failed: errno */
};

/*
 * Reads from fd the bytes of its header and not one more: what follows it (the first line, a
 * TLS ClientHello) stays in the socket for the next reader. *bytes_in grows by the bytes taken.
 * On DONE, *h is valid until admit_header_drop.
 */
enum admit_header_status admit_header_read(struct admit *a, int fd, uint64_t *bytes_in,
                                           const struct ok_proxy_header **h,
                                           const char **why);

/* Step 2's access check, on the address a header relayed: as admit_accept, but the
 * --proxy-from list lets no one in here. */
bool admit_relayed(struct server *s, const struct sockaddr *peer, socklen_t len);

/* Step 4: counts one more connection from peer unless --max-per-address are open from its
 * address (IPv4 address, IPv6 /64) already. *counted says whether admit_uncount must follow
 * (never for a Unix peer, or without --max-per-address). OK_PEERS_NOMEM: errno ENOMEM. */
enum ok_peers_verdict admit_count(struct admit *a, const struct sockaddr *peer, socklen_t len,
                                  bool *counted);
void admit_uncount(struct admit *a, const struct sockaddr *peer, socklen_t len);

/* Addresses with a counted connection open now (0 when every one was uncounted). */
size_t admit_addresses(const struct admit *a);
/* Connections open now from peer's address, as admit_count counted them. */
unsigned long admit_open_from(const struct admit *a, const struct sockaddr *peer,
                              socklen_t len);

#endif
