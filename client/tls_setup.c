/* tls_setup.c - okclient's TLS: the context, the handshake within -t, what was agreed. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "client.h"
#include "util.h"

int okc_tls_prepare(const struct okc_options *o, struct ok_tls_ctx **ctx, struct ok_err *e)
{
	*ctx = NULL;
	if (o->tls == NULL)
		return 0;
	/* Made before connecting, so a file that cannot be used is told whatever the server. */
	*ctx = ok_tls_client_ctx(&o->tls_conf, e);
	if (*ctx != NULL)
		return 0;
	e->code = OKC_EXIT_LOCAL;
	return -1;
}

/*
 * What the server's certificate must be for: --tls-servername's NAME; HOST as given when it is
 * a name; the address connected to when HOST is an address, written the standard way (so
 * "127.1" and "[::1]" are matched as 127.0.0.1 and ::1 with the certificate's IP addresses).
 */
static const char *peer_name(const struct okc_options *o, const struct sockaddr *peer,
                             char *buf, size_t len)
{
	struct sockaddr_storage ss;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	socklen_t sslen;
	char *colon;

	if (o->tls_conf.servername != NULL)
		return o->tls_conf.servername;
	/* The same test as connect.c's: IPv4 by ok_inet_aton's rules first, then the literals. */
	if (ok_sockaddr_in(&sin, o->host, 0) < 0 && ok_parse_ip_literal(o->host, &ss, &sslen, 0) < 0)
		return o->host;
	if (peer->sa_family == AF_INET6) {
		memcpy(&sin6, peer, sizeof sin6);
		return ok_inet_ntop6(&sin6.sin6_addr, buf, len);
	}
	memcpy(&sin, peer, sizeof sin);
	ok_format_addr(&sin, buf, len);
	colon = strrchr(buf, ':');
	if (colon != NULL)
		*colon = '\0'; /* the port */
	return buf;
}

/* Milliseconds left until deadline (ok_now_ms's clock), 0 once it has passed; -1 for none. */
static int ms_left(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - ok_now_ms();
	return left > 0 ? (int)left : 0;
}

/* Why the handshake failed, in words. */
static const char *handshake_failure(const struct ok_stream *st)
{
	if (ok_tls_truncated(st))
		return "the server closed the connection"; /* not "without close_notify": too early */
	if (ok_tls_error(st)[0] != '\0')
		return ok_tls_error(st);
	return strerror(errno);
}

/* Carries the handshake to its end by the deadline; 0, or -1 with e (8, 7, or 1). */
static int finish_handshake(struct okc_session *s, int64_t deadline, struct ok_err *e)
{
	for (;;) {
		int r = ok_tls_handshake(&s->st), ready;
		struct pollfd pfd = { .fd = s->st.fd, .events = POLLIN };

		if (r == 0)
			return 0;
		if (r == OK_IO_ERROR)
			return ok_err_set(e, OKC_EXIT_TLS, 0, "TLS handshake with %s: %s", s->peer,
			                  handshake_failure(&s->st));
		if (r == OK_IO_WANT_WRITE)
			pfd.events = POLLOUT;
		ready = poll(&pfd, 1, ms_left(deadline));
		if (ready == 0)
			return ok_err_set(e, OKC_EXIT_TIMEOUT, ETIMEDOUT, "TLS handshake with %s",
			                  s->peer);
		if (ready < 0 && errno != EINTR)
			return ok_err_set(e, OKC_EXIT_LOCAL, errno, "poll");
	}
}

/* At a prompt, what was agreed; in a pipe, only that nothing was verified, if so. */
static void report_tls(const struct okc_session *s, const struct okc_options *o,
                       const char *name, int interactive)
{
	if (interactive && o->tls_conf.insecure)
		fprintf(stderr, "TLS: %s %s, certificate NOT verified (--tls-insecure)\n",
		        ok_tls_protocol(&s->st), ok_tls_cipher(&s->st));
	else if (interactive)
		fprintf(stderr, "TLS: %s %s, certificate verified for %s\n", ok_tls_protocol(&s->st),
		        ok_tls_cipher(&s->st), name);
	else if (o->tls_conf.insecure)
		fprintf(stderr, "okclient: warning: --tls-insecure: the certificate of %s is not "
		        "verified\n", s->peer);
}

int okc_start_tls(struct okc_session *s, struct ok_tls_ctx *ctx, const struct okc_options *o,
                  const struct sockaddr *peer, int64_t deadline, int interactive,
                  struct ok_err *e)
{
	char buf[OK_SOCKADDR_STRLEN];
	const char *name = peer_name(o, peer, buf, sizeof buf);
	struct ok_stream tls;

	if (ok_tls_connect(&tls, s->st.fd, ctx, name, e) < 0) {
		e->code = OKC_EXIT_TLS;
		return -1;
	}
	s->st = tls; /* the plain stream's descriptor is the TLS stream's now */
	if (finish_handshake(s, deadline, e) < 0)
		return -1;
	report_tls(s, o, name, interactive);
	return 0;
}
