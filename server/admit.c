/* admit.c - who may connect: access rules at accept, the PROXY header, per-address counts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access.h"
#include "admit.h"
#include "conn.h"    /* conn_name_peer */
#include "log.h"
#include "netaddr.h" /* OK_SOCKADDR_STRLEN */
#include "server.h"
#include "util.h"    /* ok_now_ms */

/* One look at a PROXY header's bytes: a whole v1 line, or a v2 header's fixed part and
 * addresses with room for the usual TLVs; longer ones (up to 64 KiB) take several. */
#define HEADER_PEEK 1024

struct admit {
	const struct server_config *cfg; /* the networks, the file's name, the limit */
	struct ok_access *rules;   /* --allow, --deny, --access-file: in force for new peers */
	struct ok_access *proxies; /* --proxy-from, or NULL */
	char *file_path;           /* --access-file made absolute, or NULL */
	struct ok_peers peers;     /* --max-per-address: connections open per address */
	struct ok_proxy **headers; /* per descriptor, a header being read (else NULL); allocated
	                            * with the first one, so only --proxy-from pays for it */
	int n_headers;             /* slots of headers: the connection table's size */
};

/* name as it can be opened again after -d's chdir("/"): absolute. A symbolic link is not
 * resolved, so SIGHUP follows one that was pointed elsewhere. NULL: no memory. */
static char *absolute_name(const char *name)
{
	char *cwd, *path;
	size_t len;

	if (name[0] == '/' || (cwd = getcwd(NULL, 0)) == NULL)
		return strdup(name);
	len = strlen(cwd) + strlen(name) + 2;
	path = malloc(len);
	if (path != NULL)
		snprintf(path, len, "%s/%s", cwd, name);
	free(cwd);
	return path;
}

/* The access file, open for reading: a regular file only, as a FIFO or a device would stall
 * the server on SIGHUP. The descriptor, or -1 with e ("FILE: reason"). */
static int open_rules_file(const struct admit *a, struct ok_err *e)
{
	const char *name = a->cfg->access_file;
	struct stat st;
	int fd = open(a->file_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return ok_err_set(e, SERVER_EXIT_USAGE, errno, "access file %s", name);
	if (fstat(fd, &st) < 0) {
		int err = errno;

		close(fd);
		return ok_err_set(e, SERVER_EXIT_USAGE, err, "access file %s", name);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return ok_err_set(e, SERVER_EXIT_USAGE, 0, "access file %s: not a regular file", name);
	}
	return fd;
}

/* Every allow and deny rule of the configuration, the access file read now. NULL with e:
 * SERVER_EXIT_USAGE for a file that cannot be read or holds a faulty line, SERVER_EXIT_SOCKET
 * when memory ran out. */
static struct ok_access *build_rules(const struct admit *a, struct ok_err *e)
{
	const struct server_config *c = a->cfg;
	struct ok_access *rules;
	int fd = -1;

	if (a->file_path != NULL && (fd = open_rules_file(a, e)) < 0)
		return NULL;
	rules = ok_access_build(c->allow, c->n_allow, c->deny, c->n_deny, fd, c->access_file, e);
	if (fd >= 0)
		close(fd);
	if (rules == NULL)
		e->code = e->err == ENOMEM ? SERVER_EXIT_SOCKET : SERVER_EXIT_USAGE;
	return rules;
}

/* A seed for the per-address table's hash, which peers must not be able to guess. */
static uint64_t random_seed(void)
{
	uint64_t seed = (uint64_t)ok_now_ms() ^ ((uint64_t)getpid() << 32), r;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &r, sizeof r) == (ssize_t)sizeof r)
			seed ^= r;
		close(fd);
	}
	return seed;
}

struct admit *admit_new(const struct server_config *c, struct ok_err *e)
{
	struct admit *a = calloc(1, sizeof *a);

	if (a == NULL) {
		ok_err_set(e, SERVER_EXIT_SOCKET, ENOMEM, "access rules");
		return NULL;
	}
	a->cfg = c;
	ok_peers_init(&a->peers, c->max_per_address > 0 ? random_seed() : 0);
	if (c->access_file != NULL && (a->file_path = absolute_name(c->access_file)) == NULL) {
		ok_err_set(e, SERVER_EXIT_SOCKET, ENOMEM, "%s", c->access_file);
		admit_free(a);
		return NULL;
	}
	a->rules = build_rules(a, e);
	if (a->rules != NULL && c->n_proxy_from > 0) {
		a->proxies = ok_access_build(c->proxy_from, c->n_proxy_from, NULL, 0, -1, NULL, e);
		if (a->proxies == NULL)
			e->code = SERVER_EXIT_SOCKET; /* checked by parse_options: only memory fails */
	}
	if (a->rules == NULL || (c->n_proxy_from > 0 && a->proxies == NULL)) {
		admit_free(a);
		return NULL;
	}
	return a;
}

void admit_free(struct admit *a)
{
	if (a == NULL)
		return;
	ok_access_free(a->rules);
	ok_access_free(a->proxies);
	free(a->file_path);
	ok_peers_free(&a->peers);
	for (int fd = 0; a->headers != NULL && fd < a->n_headers; fd++)
		free(a->headers[fd]);
	free(a->headers);
	free(a);
}

bool admit_reloadable(const struct admit *a)
{
	return a != NULL && a->file_path != NULL;
}

void admit_reload(struct admit *a)
{
	struct ok_access *rules;
	struct ok_err e;

	if (!admit_reloadable(a))
		return;
	rules = build_rules(a, &e);
	if (rules == NULL) {
		server_log("%s; the access rules stay as they were", e.msg);
		return;
	}
	ok_access_free(a->rules);
	a->rules = rules;
	server_log("access rules read again from %s: %zu allow, %zu deny", a->cfg->access_file,
	           ok_access_rules(rules, OK_RULE_ALLOW), ok_access_rules(rules, OK_RULE_DENY));
}

/* The access rules' verdict on peer; a denied one is counted and, under -v, logged. */
static bool screen(struct server *s, const struct sockaddr *peer, socklen_t len)
{
	if (ok_access_permits(s->admit->rules, peer, len))
		return true;
	s->stats.denied++;
	if (s->cfg->verbose) {
		char who[OK_SOCKADDR_STRLEN];
		server_log("denied %s", conn_name_peer(peer, len, who, sizeof who));
	}
	return false;
}

bool admit_accept(struct server *s, const struct sockaddr *peer, socklen_t len)
{
	if (admit_expects_header(s->admit, peer, len))
		return true; /* let in by --proxy-from: its header will say who comes */
	return screen(s, peer, len);
}

bool admit_relayed(struct server *s, const struct sockaddr *peer, socklen_t len)
{
	return screen(s, peer, len);
}

bool admit_expects_header(const struct admit *a, const struct sockaddr *peer, socklen_t len)
{
	return a->proxies != NULL && (ok_access_lookup_addr(a->proxies, peer, len) & OK_RULE_ALLOW);
}

int admit_header_begin(struct admit *a, int fd, int table_size)
{
	if (a->headers == NULL) {
		/* One pointer a descriptor, on purpose: a parser only while a header is read. */
		/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
		a->headers = calloc((size_t)table_size, sizeof *a->headers);
		if (a->headers == NULL) {
			errno = ENOMEM;
			return -1;
		}
		a->n_headers = table_size;
	}
	if (fd < 0 || fd >= a->n_headers) {
		errno = EBADF;
		return -1;
	}
	free(a->headers[fd]);
	a->headers[fd] = malloc(sizeof *a->headers[fd]);
	if (a->headers[fd] == NULL) {
		errno = ENOMEM;
		return -1;
	}
	ok_proxy_init(a->headers[fd]);
	return 0;
}

void admit_header_drop(struct admit *a, int fd)
{
	if (a->headers == NULL || fd < 0 || fd >= a->n_headers)
		return;
	free(a->headers[fd]);
	a->headers[fd] = NULL;
}

/* Takes out of the socket the n bytes just looked at: they are there, so recv has them all. */
static int take_bytes(int fd, unsigned char *buf, size_t n)
{
	while (n > 0) {
		ssize_t got = recv(fd, buf, n, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0)
				errno = EIO; /* they were there a moment ago: cannot happen */
			return -1;
		}
		n -= (size_t)got;
	}
	return 0;
}

/*
 * Looks at what arrived (MSG_PEEK), lets the parser judge it, then takes out exactly the bytes
 * it took: the header's, never one past its end. A transport started next (plain or TLS)
 * then finds its first byte first in the socket, with nothing to hand over.
 */
enum admit_header_status admit_header_read(struct admit *a, int fd, uint64_t *bytes_in,
                                           const struct ok_proxy_header **h,
                                           const char **why)
{
	struct ok_proxy *p = a->headers[fd];
	unsigned char buf[HEADER_PEEK];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, MSG_PEEK);
		enum ok_proxy_status st;
		size_t used;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? ADMIT_HEADER_MORE
			                                               : ADMIT_HEADER_ERROR;
		if (n == 0)
			return ADMIT_HEADER_EOF;
		st = ok_proxy_feed(p, buf, (size_t)n, &used);
		if (st == OK_PROXY_INVALID) {
			*why = p->why;
			return ADMIT_HEADER_BAD;
		}
		/* MORE took all n (proxy.h), so the next look starts at new bytes. */
		if (take_bytes(fd, buf, used) < 0)
			return ADMIT_HEADER_ERROR;
		*bytes_in += used;
		if (st == OK_PROXY_DONE) {
			*h = &p->header;
			return ADMIT_HEADER_DONE;
		}
	}
}

enum ok_peers_verdict admit_count(struct admit *a, const struct sockaddr *peer, socklen_t len,
                                  bool *counted)
{
	struct ok_peer_key k;
	enum ok_peers_verdict v;

	*counted = false;
	if (a->cfg->max_per_address == 0)
		return OK_PEERS_IN; /* no limit: nothing to count */
	ok_peer_key(&k, peer, len);
	if (k.net.family == 0)
		return OK_PEERS_IN; /* a Unix peer */
	v = ok_peers_add(&a->peers, &k, a->cfg->max_per_address);
	*counted = v == OK_PEERS_IN;
	return v;
}

void admit_uncount(struct admit *a, const struct sockaddr *peer, socklen_t len)
{
	struct ok_peer_key k;

	ok_peer_key(&k, peer, len);
	ok_peers_remove(&a->peers, &k);
}

size_t admit_addresses(const struct admit *a)
{
	return ok_peers_addresses(&a->peers);
}

unsigned long admit_open_from(const struct admit *a, const struct sockaddr *peer,
                              socklen_t len)
{
	struct ok_peer_key k;

	ok_peer_key(&k, peer, len);
	return ok_peers_count(&a->peers, &k);
}
