/* access.c - allow and deny rules: the policy, access files, and building a set to swap in. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "prefixset.h"

struct ok_access {
	struct ok_prefixset *nets; /* network -> OK_RULE_* bits */
	size_t allows, denies;     /* distinct rules of each kind */
};

struct ok_access *ok_access_new(void)
{
	struct ok_access *a = calloc(1, sizeof *a);

	if (a != NULL && (a->nets = ok_prefixset_new()) == NULL) {
		free(a);
		a = NULL;
	}
	if (a == NULL)
		errno = ENOMEM;
	return a;
}

void ok_access_free(struct ok_access *a)
{
	if (a == NULL)
		return;
	ok_prefixset_free(a->nets);
	free(a);
}

size_t ok_access_rules(const struct ok_access *a, unsigned kind)
{
	return kind == OK_RULE_ALLOW ? a->allows : kind == OK_RULE_DENY ? a->denies : 0;
}

int ok_access_add(struct ok_access *a, const struct ok_cidr *net, unsigned kind, struct ok_err *e)
{
	unsigned had;

	if (ok_prefixset_add(a->nets, net, kind, &had) < 0)
		return ok_err_set(e, 0, ENOMEM, "adding a rule");
	a->allows += (kind & ~had & OK_RULE_ALLOW) != 0;
	a->denies += (kind & ~had & OK_RULE_DENY) != 0;
	return 0;
}

int ok_access_finish(struct ok_access *a, struct ok_err *e)
{
	if (ok_prefixset_finish(a->nets) < 0)
		return ok_err_set(e, 0, ENOMEM, "access rules");
	return 0;
}

int ok_access_add_text(struct ok_access *a, const char *text, unsigned kind, struct ok_err *e)
{
	struct ok_cidr net;

	if (ok_cidr_parse(text, &net, e) < 0)
		return -1;
	return ok_access_add(a, &net, kind, e);
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* The next word of [*p, end): its start and length (0 at the end); *p moves past it. */
static size_t next_word(const char **p, const char *end, const char **word)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	*word = s;
	while (s < end && !is_blank(*s))
		s++;
	*p = s;
	return (size_t)(s - *word);
}

/* One line without its LF or comment: nothing, or "allow CIDR" / "deny CIDR". 0, or -1 with e. */
static int parse_line(struct ok_access *a, const char *p, const char *end, struct ok_err *e)
{
	const char *w, *cidr;
	size_t n = next_word(&p, end, &w), cn;
	unsigned kind;
	struct ok_cidr net;

	if (n == 0)
		return 0;
	if (n == 5 && memcmp(w, "allow", 5) == 0)
		kind = OK_RULE_ALLOW;
	else if (n == 4 && memcmp(w, "deny", 4) == 0)
		kind = OK_RULE_DENY;
	else
		return ok_err_set(e, 0, 0, "a rule starts with allow or deny");
	cn = next_word(&p, end, &cidr);
	if (cn == 0)
		return ok_err_set(e, 0, 0, "%s without a network", kind == OK_RULE_ALLOW ? "allow" : "deny");
	if (next_word(&p, end, &w) != 0)
		return ok_err_set(e, 0, 0, "more than one network on the line");
	if (ok_cidr_parse_mem(cidr, cn, &net, e) < 0)
		return -1;
	return ok_access_add(a, &net, kind, e);
}

int ok_access_parse(struct ok_access *a, const char *text, size_t len, const char *name,
                    struct ok_err *e)
{
	const char *p = text, *end = text + len;
	unsigned long line = 1;
	struct ok_err why;

	for (; p < end; line++) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		const char *stop = lf ? lf : end;
		const char *hash = memchr(p, '#', (size_t)(stop - p));

		if (memchr(p, '\0', (size_t)(stop - p)) != NULL)
			return ok_err_set(e, 0, 0, "%s:%lu: a NUL byte", name, line);
		if (parse_line(a, p, hash ? hash : stop, &why) < 0)
			return ok_err_set(e, why.code, 0, "%s:%lu: %s", name, line, why.msg);
		p = lf ? lf + 1 : end;
	}
	return 0;
}

/* Doubles *buf's room; 0, or -1 (ENOMEM) with *buf freed. */
static int grow_buffer(char **buf, size_t *cap)
{
	char *bigger = realloc(*buf, *cap * 2);

	if (bigger == NULL) {
		free(*buf);
		return -1;
	}
	*buf = bigger;
	*cap *= 2;
	return 0;
}

/* Reads all of fd into a new buffer; 0 with *text (to free) and *len, or -1 with e. */
static int read_all(int fd, const char *name, char **text, size_t *len, struct ok_err *e)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t got;

	if (buf == NULL)
		return ok_err_set(e, 0, ENOMEM, "%s: read", name);
	while ((got = read(fd, buf + n, cap - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = errno;
			free(buf);
			return ok_err_set(e, 0, err, "%s: read", name);
		}
		n += (size_t)got;
		if (n > OK_ACCESS_FILE_MAX) {
			free(buf);
			return ok_err_set(e, 0, 0, "%s: larger than %zu bytes", name, OK_ACCESS_FILE_MAX);
		}
		if (n == cap && grow_buffer(&buf, &cap) < 0)
			return ok_err_set(e, 0, ENOMEM, "%s: read", name);
	}
	*text = buf;
	*len = n;
	return 0;
}

int ok_access_read_fd(struct ok_access *a, int fd, const char *name, struct ok_err *e)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	if (read_all(fd, name, &text, &len, e) < 0)
		return -1;
	r = ok_access_parse(a, text, len, name, e);
	free(text);
	return r;
}

/* Adds each of texts[0..n) as a rule of kind; 0, or -1 with e naming the option. */
static int add_texts(struct ok_access *a, const char *const *texts, size_t n, unsigned kind,
                     struct ok_err *e)
{
	struct ok_err why;

	for (size_t i = 0; i < n; i++) {
		if (ok_access_add_text(a, texts[i], kind, &why) < 0)
			return ok_err_set(e, why.code, 0, "--%s: %s",
			                  kind == OK_RULE_ALLOW ? "allow" : "deny", why.msg);
	}
	return 0;
}

struct ok_access *ok_access_build(const char *const *allow, size_t n_allow,
                                  const char *const *deny, size_t n_deny, int file_fd,
                                  const char *file_name, struct ok_err *e)
{
	struct ok_access *a = ok_access_new();

	if (a == NULL) {
		ok_err_set(e, 0, ENOMEM, "access rules");
		return NULL;
	}
	if (add_texts(a, allow, n_allow, OK_RULE_ALLOW, e) < 0 ||
	    add_texts(a, deny, n_deny, OK_RULE_DENY, e) < 0 ||
	    (file_fd >= 0 && ok_access_read_fd(a, file_fd, file_name, e) < 0) ||
	    ok_access_finish(a, e) < 0) {
		ok_access_free(a);
		return NULL;
	}
	return a;
}

unsigned ok_access_lookup(const struct ok_access *a, const struct ok_cidr *peer)
{
	return ok_prefixset_lookup(a->nets, peer);
}

unsigned ok_access_lookup_addr(const struct ok_access *a, const struct sockaddr *sa,
                               socklen_t len)
{
	struct ok_cidr peer;

	if (ok_cidr_of_peer(&peer, sa, len) < 0)
		return 0;
	return ok_access_lookup(a, &peer);
}

int ok_access_permits(const struct ok_access *a, const struct sockaddr *sa, socklen_t len)
{
	struct ok_cidr peer;
	unsigned found;

	if (ok_cidr_of_peer(&peer, sa, len) < 0)
		return 1; /* SPEC: Unix-domain peers are not filtered */
	found = ok_access_lookup(a, &peer);
	if (found & OK_RULE_DENY)
		return 0;
	return a->allows == 0 || (found & OK_RULE_ALLOW) != 0;
}
