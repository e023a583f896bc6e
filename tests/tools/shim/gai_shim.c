/* gai_shim.c - an LD_PRELOAD getaddrinfo that gives one test name the addresses a test chooses. */
/*
 * LD_PRELOAD=build/tests/tools/gai_shim.so OK_TEST_GAI="::1,127.0.0.1" okclient okchat-test.invalid
 * resolves okchat-test.invalid to [::1] then 127.0.0.1, in that order, each with the port asked
 * for; an address of a family the hints exclude is left out, and none left is EAI_NONAME, as
 * the real resolver answers. Every other name goes to the real getaddrinfo. Built apart from
 * the programs (a shared object for the test machine's own architecture), never linked in.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define TEST_NAME "okchat-test.invalid"

typedef int gai_fn(const char *, const char *, const struct addrinfo *, struct addrinfo **);
typedef void free_fn(struct addrinfo *);

/* Marks our entries (their ai_canonname), so freeaddrinfo knows whose list it holds. */
static char mark[] = "gai_shim";

/* One entry and its address in one block. */
struct entry {
	struct addrinfo ai;
	struct sockaddr_storage ss;
};

/* The entry for one address literal of the wanted family, or NULL (another family, no memory). */
static struct addrinfo *make_entry(const char *text, int family, unsigned short port)
{
	struct entry *e = calloc(1, sizeof *e);
	struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&e->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)(void *)&e->ss;

	if (e == NULL)
		return NULL;
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		e->ai.ai_addrlen = sizeof *sin;
	} else if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		e->ai.ai_addrlen = sizeof *sin6;
	}
	if (e->ai.ai_addrlen == 0 || (family != AF_UNSPEC && family != e->ss.ss_family)) {
		free(e);
		return NULL;
	}
	e->ai.ai_family = e->ss.ss_family;
	e->ai.ai_socktype = SOCK_STREAM;
	e->ai.ai_protocol = IPPROTO_TCP;
	e->ai.ai_addr = (struct sockaddr *)(void *)&e->ss;
	e->ai.ai_canonname = mark;
	return &e->ai;
}

/* OK_TEST_GAI's comma-separated addresses as a list, in order. */
static int answer(const char *list, const char *service, const struct addrinfo *hints,
                  struct addrinfo **res)
{
	int family = hints != NULL ? hints->ai_family : AF_UNSPEC;
	unsigned short port = service != NULL ? (unsigned short)strtoul(service, NULL, 10) : 0;
	struct addrinfo **tail = res;
	char *copy = strdup(list), *save = NULL;

	*res = NULL;
	if (copy == NULL)
		return EAI_MEMORY;
	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		*tail = make_entry(t, family, port);
		if (*tail != NULL)
			tail = &(*tail)->ai_next;
	}
	free(copy);
	return *res != NULL ? 0 : EAI_NONAME;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
	const char *list = getenv("OK_TEST_GAI");
	gai_fn *real;

	if (node != NULL && list != NULL && strcmp(node, TEST_NAME) == 0)
		return answer(list, service, hints, res);
	*(void **)&real = dlsym(RTLD_NEXT, "getaddrinfo");
	return real != NULL ? real(node, service, hints, res) : EAI_SYSTEM;
}

void freeaddrinfo(struct addrinfo *res)
{
	free_fn *real;

	if (res == NULL || res->ai_canonname != mark) {
		*(void **)&real = dlsym(RTLD_NEXT, "freeaddrinfo");
		if (real != NULL)
			real(res);
		return;
	}
	while (res != NULL) {
		struct addrinfo *next = res->ai_next;
		free(res); /* the entry's first member: the block itself */
		res = next;
	}
}
