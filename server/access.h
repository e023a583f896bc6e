/* access.h - who may connect: allow and deny rules over IPv4 and IPv6 networks (SPEC 11). */
#ifndef OK_ACCESS_H
#define OK_ACCESS_H

#include <stddef.h>
#include <sys/socket.h>

#include "cidr.h"
#include "err.h"

/* What a rule says; a lookup returns the kinds of every rule that matched, or-ed. */
#define OK_RULE_ALLOW 1u
#define OK_RULE_DENY  2u

/* The largest --access-file read, far above 10,000 rules (about 300 KiB). */
#define OK_ACCESS_FILE_MAX ((size_t)16 * 1024 * 1024)

/*
 * A set of rules (opaque), kept in a prefixset.h: once finished, a lookup costs at most 6 hash
 * probes for an IPv4 peer and 8 for an IPv6 one, whatever the number of rules (a binary search
 * over the prefix lengths in use). Rules are kept as ok_cidr_unmap leaves them: an IPv6 rule
 * inside ::ffff:0:0/96 is the IPv4 rule it maps, as peers are matched (ok_cidr_of_peer); an
 * IPv6 rule ::/n with n below 96 matches IPv6 peers only. Build a new set, then swap it for the
 * old one (a SIGHUP whose file has an error keeps the old set in place).
 */
struct ok_access;

/* A new empty set (lets everyone in), or NULL with errno ENOMEM. */
struct ok_access *ok_access_new(void);
void ok_access_free(struct ok_access *a); /* NULL is fine */

/* Adds one rule (kind OK_RULE_ALLOW or OK_RULE_DENY); a network given twice is one rule of both
 * kinds if they differ. 0, or -1 with e ("adding a rule: " strerror(ENOMEM)). */
int ok_access_add(struct ok_access *a, const struct ok_cidr *net, unsigned kind, struct ok_err *e);

/* Makes lookups fast once the last rule is in (ok_access_build does it); a lookup before, or
 * after another add, gives the same answer more slowly. 0, or -1 with e (ENOMEM). */
int ok_access_finish(struct ok_access *a, struct ok_err *e);

/* How many distinct rules of kind (OK_RULE_ALLOW or OK_RULE_DENY) the set holds. */
size_t ok_access_rules(const struct ok_access *a, unsigned kind);

/* ok_cidr_parse then ok_access_add: for --allow, --deny and --proxy-from. 0, or -1 with e. */
int ok_access_add_text(struct ok_access *a, const char *text, unsigned kind, struct ok_err *e);

/*
 * Adds the rules of an access file held in text[0..len): one a line, "allow CIDR" or
 * "deny CIDR", words apart by spaces or tabs, "#" starting a comment anywhere, blank lines and
 * white space around the words ignored, a CR before the LF too. Rules before a faulty line stay
 * added (the caller throws the whole set away). 0, or -1 with e "NAME:LINE: reason".
 */
int ok_access_parse(struct ok_access *a, const char *text, size_t len, const char *name,
                    struct ok_err *e);

/* Reads fd to its end (at most OK_ACCESS_FILE_MAX bytes) and ok_access_parse's it; the caller
 * opens and closes fd. 0, or -1 with e "NAME: read: strerror" / "NAME: larger than ..." / as
 * ok_access_parse. */
int ok_access_read_fd(struct ok_access *a, int fd, const char *name, struct ok_err *e);

/*
 * The rule set of a configuration, built whole: every allow text, every deny text, then the
 * access file's rules when file_fd is not -1 (read to its end; the caller opens and closes it,
 * and names it file_name). The new set, or NULL with e ("--allow: 10.0.0.1/8: bits set beyond
 * the /8 prefix", "FILE:LINE: ...", "access rules: Cannot allocate memory").
 * At start and on SIGHUP alike: swap it in on success, keep the old one on failure.
 */
struct ok_access *ok_access_build(const char *const *allow, size_t n_allow,
                                  const char *const *deny, size_t n_deny, int file_fd,
                                  const char *file_name, struct ok_err *e);

/* The OK_RULE_* bits of every rule holding the peer (0 when none does, or when it is not IPv4 or
 * IPv6). An IPv4-mapped peer is matched as its IPv4 address. */
unsigned ok_access_lookup(const struct ok_access *a, const struct ok_cidr *peer);

/* The same for a socket address, as accept() or a PROXY header gives it. */
unsigned ok_access_lookup_addr(const struct ok_access *a, const struct sockaddr *sa,
                               socklen_t len);

/*
 * SPEC's policy: 1 when the peer may come in: no deny rule holds it, and there is no allow rule
 * or one holds it. A peer that is neither IPv4 nor IPv6 (a Unix-domain one) always may.
 */
int ok_access_permits(const struct ok_access *a, const struct sockaddr *sa, socklen_t len);

#endif
