/* tls_none.c - tls.h in a build without TLS (make TLS=0): every call says there is none. */
#include <errno.h>

#include "tls.h"

#define NO_TLS "TLS: not in this build (it was made with TLS=0)"

int ok_tls_available(void)
{
	return 0;
}

const char *ok_tls_version(void)
{
	return "no";
}

struct ok_tls_ctx *ok_tls_server_ctx(const struct ok_tls_server_conf *conf, struct ok_err *e)
{
	(void)conf;
	ok_err_set(e, 0, 0, NO_TLS);
	return NULL;
}

struct ok_tls_ctx *ok_tls_client_ctx(const struct ok_tls_client_conf *conf, struct ok_err *e)
{
	(void)conf;
	ok_err_set(e, 0, 0, NO_TLS);
	return NULL;
}

struct ok_tls_ctx *ok_tls_reload(const struct ok_tls_ctx *old, struct ok_err *e)
{
	(void)old;
	ok_err_set(e, 0, 0, NO_TLS);
	return NULL;
}

void ok_tls_ctx_free(struct ok_tls_ctx *ctx)
{
	(void)ctx;
}

int ok_tls_accept(struct ok_stream *st, int fd, struct ok_tls_ctx *ctx, struct ok_err *e)
{
	(void)st;
	(void)fd;
	(void)ctx;
	return ok_err_set(e, 0, 0, NO_TLS);
}

int ok_tls_connect(struct ok_stream *st, int fd, struct ok_tls_ctx *ctx, const char *host,
                   struct ok_err *e)
{
	(void)st;
	(void)fd;
	(void)ctx;
	(void)host;
	return ok_err_set(e, 0, 0, NO_TLS);
}

/* No stream is ever TLS here, so the calls below only answer for a stream that is not. */
int ok_tls_handshake(struct ok_stream *st)
{
	(void)st;
	errno = EINVAL;
	return OK_IO_ERROR;
}

int ok_stream_is_tls(const struct ok_stream *st)
{
	(void)st;
	return 0;
}

size_t ok_tls_pending(const struct ok_stream *st)
{
	(void)st;
	return 0;
}

int ok_tls_keeps_buffers(const struct ok_stream *st)
{
	(void)st;
	return 0;
}

int ok_tls_cool(struct ok_stream *st)
{
	(void)st;
	return 0;
}

const char *ok_tls_protocol(const struct ok_stream *st)
{
	(void)st;
	return "";
}

const char *ok_tls_cipher(const struct ok_stream *st)
{
	(void)st;
	return "";
}

int ok_tls_peer_verified(const struct ok_stream *st)
{
	(void)st;
	return 0;
}

const char *ok_tls_sni(const struct ok_stream *st)
{
	(void)st;
	return NULL;
}

const char *ok_tls_error(const struct ok_stream *st)
{
	(void)st;
	return "";
}

int ok_tls_truncated(const struct ok_stream *st)
{
	(void)st;
	return 0;
}
