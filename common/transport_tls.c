/* transport_tls.c - the TLS transport: OpenSSL over a non-blocking socket, behind transport.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls.h"
#include "tls_internal.h"

/* The most plaintext one record carries: one writev makes at most one record. */
#define TLS_RECORD 16384

enum {
	TLS_TRUNCATED = 1, /* the peer closed TCP without close_notify */
	TLS_BROKEN = 2,    /* a fatal error: no close_notify may follow */
	TLS_SHUT_SENT = 4, /* our close_notify is out */
	TLS_DRAINED = 8,   /* the last read wanted more: what OpenSSL holds is no whole record */
	TLS_KEEPS = 16     /* busy: OpenSSL's buffers are kept between records */
};

/* Reads that make a stream busy (ok_tls_keeps_buffers), counted since ok_tls_cool last looked. */
#define TLS_BUSY_READS 32

/* A stream's TLS state (st->impl). */
struct tls_stream {
	SSL *ssl;
	unsigned char *pend; /* a copy of the write that wanted, retried before anything else */
	size_t pend_len;
	unsigned reads;  /* since ok_tls_cool last looked, up to TLS_BUSY_READS */
	char *peer_name; /* client side: the name or address the certificate must be for */
	unsigned flags;
	char reason[200];
};

/* SSL_get_error needs an empty error queue before each call. ERR_clear_error wipes every slot
 * of it, which on the path of each record costs more than the cipher does: only when needed. */
static void clear_errors(void)
{
	if (ERR_peek_error() != 0)
		ERR_clear_error();
}

static struct tls_stream *tls_of(const struct ok_stream *st)
{
	return ok_stream_is_tls(st) ? st->impl : NULL;
}

/* Why the certificate did not verify, in OpenSSL's words, with the name that did not match. */
static void describe_verify(struct tls_stream *ts)
{
	long v = SSL_get_verify_result(ts->ssl);
	const char *why = X509_verify_cert_error_string(v);

	if ((v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH) &&
	    ts->peer_name != NULL)
		snprintf(ts->reason, sizeof ts->reason, "certificate verify failed: %s (%s)", why,
		         ts->peer_name);
	else
		snprintf(ts->reason, sizeof ts->reason, "certificate verify failed: %s", why);
}

/* A fatal TLS-level failure: the peer's FIN without close_notify (a truncation), or a protocol
 * failure (an alert, a bad record, a certificate that did not verify). */
static ssize_t fail_protocol(struct tls_stream *ts)
{
	unsigned long code = ERR_peek_error();

	ts->flags |= TLS_BROKEN;
	if (ERR_GET_LIB(code) == ERR_LIB_SSL &&
	    ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		ERR_clear_error();
		ts->flags |= TLS_TRUNCATED;
		snprintf(ts->reason, sizeof ts->reason, "connection closed without close_notify");
		errno = ECONNRESET;
		return OK_IO_ERROR;
	}
	if (ERR_GET_LIB(code) == ERR_LIB_SSL &&
	    ERR_GET_REASON(code) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
		ERR_clear_error();
		describe_verify(ts);
	} else {
		ok_tls_queue_reason(ts->reason, sizeof ts->reason);
	}
	errno = EPROTO;
	return OK_IO_ERROR;
}

/* A failure of the socket under TLS: its errno (0 means EOF, as older OpenSSLs report it). */
static ssize_t fail_socket(struct tls_stream *ts, int err)
{
	ERR_clear_error();
	ts->flags |= TLS_BROKEN;
	if (err == 0) {
		ts->flags |= TLS_TRUNCATED;
		snprintf(ts->reason, sizeof ts->reason, "connection closed without close_notify");
		err = ECONNRESET;
	} else {
		snprintf(ts->reason, sizeof ts->reason, "%s", strerror(err));
	}
	errno = err;
	return OK_IO_ERROR;
}

/* What an SSL call that did not succeed (ret) means for the caller's loop: a want, the peer's
 * close_notify, or a failure with errno and ts->reason set. err: errno right after the call. */
static ssize_t io_result(struct tls_stream *ts, int ret, int err)
{
	switch (SSL_get_error(ts->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		return OK_IO_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return OK_IO_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return OK_IO_EOF;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0)
			return fail_socket(ts, err);
		return fail_protocol(ts);
	default:
		return fail_protocol(ts);
	}
}

/* A stream gives OpenSSL's buffers back after each record (SSL_MODE_RELEASE_BUFFERS, tls.c), so
 * an idle one holds none; that costs two allocations and two frees a record. A busy stream
 * keeps them, until ok_tls_cool finds it quiet. */
static void note_read(struct tls_stream *ts)
{
	if (ts->reads >= TLS_BUSY_READS)
		return;
	if (++ts->reads == TLS_BUSY_READS && !(ts->flags & TLS_KEEPS)) {
		SSL_clear_mode(ts->ssl, SSL_MODE_RELEASE_BUFFERS);
		ts->flags |= TLS_KEEPS;
	}
}

static ssize_t tls_read(struct ok_stream *st, void *buf, size_t len)
{
	struct tls_stream *ts = st->impl;
	size_t n = 0;
	ssize_t r;
	int ret;

	clear_errors();
	errno = 0;
	ret = SSL_read_ex(ts->ssl, buf, len, &n);
	ts->flags &= ~(unsigned)TLS_DRAINED;
	if (ret == 1) {
		note_read(ts);
		return (ssize_t)n;
	}
	r = io_result(ts, ret, errno);
	if (r == OK_IO_WANT_READ)
		ts->flags |= TLS_DRAINED;
	return r;
}

/* One SSL_write of len bytes. On a want, OpenSSL has (or will have) made the record and must
 * be called again with the same bytes: a copy is kept in ts->pend for that. */
static ssize_t write_record(struct tls_stream *ts, const void *data, size_t len)
{
	size_t n = 0;
	ssize_t r;

	clear_errors();
	errno = 0;
	if (SSL_write_ex(ts->ssl, data, len, &n) == 1)
		return (ssize_t)n;
	r = io_result(ts, 0, errno);
	if (r == OK_IO_EOF) { /* the peer's close_notify met on the way: a write answers no 0 */
		snprintf(ts->reason, sizeof ts->reason, "the peer has closed the connection");
		errno = EPIPE;
		return OK_IO_ERROR;
	}
	if ((r == OK_IO_WANT_READ || r == OK_IO_WANT_WRITE) && ts->pend == NULL) {
		ts->pend = malloc(len);
		if (ts->pend == NULL) {
			ts->flags |= TLS_BROKEN;
			snprintf(ts->reason, sizeof ts->reason, "%s", strerror(ENOMEM));
			errno = ENOMEM;
			return OK_IO_ERROR;
		}
		memcpy(ts->pend, data, len);
		ts->pend_len = len;
	}
	return r;
}

/* Retries the write that wanted; its bytes come first in what the caller offers again. */
static ssize_t finish_pending(struct tls_stream *ts, size_t offered)
{
	ssize_t r;

	if (offered < ts->pend_len) {
		snprintf(ts->reason, sizeof ts->reason, "write retried with fewer bytes than before");
		errno = EINVAL;
		return OK_IO_ERROR;
	}
	r = write_record(ts, ts->pend, ts->pend_len);
	if (r > 0 || r == OK_IO_ERROR) {
		free(ts->pend);
		ts->pend = NULL;
		ts->pend_len = 0;
	}
	return r;
}

/* The first want bytes of the buffers (which hold at least that many) as one piece: the first
 * non-empty buffer itself when it holds them all, or else a copy gathered into tmp. */
static const void *gather(const struct iovec *iov, size_t want, unsigned char *tmp)
{
	size_t have = 0;

	while (iov->iov_len == 0)
		iov++;
	if (iov->iov_len >= want)
		return iov->iov_base;
	for (; have < want; iov++) {
		size_t take = iov->iov_len < want - have ? iov->iov_len : want - have;

		memcpy(tmp + have, iov->iov_base, take);
		have += take;
	}
	return tmp;
}

static ssize_t tls_writev(struct ok_stream *st, const struct iovec *iov, int iovcnt)
{
	struct tls_stream *ts = st->impl;
	unsigned char tmp[TLS_RECORD];
	const void *data;
	size_t total = 0, len;
	int i;

	for (i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (ts->pend != NULL)
		return finish_pending(ts, total);
	if (total == 0)
		return 0;
	len = total < TLS_RECORD ? total : TLS_RECORD;
	data = gather(iov, len, tmp);
	return write_record(ts, data, len);
}

/* Sends close_notify once, after any pending write; never waits for the peer's. */
static int tls_shutdown(struct ok_stream *st)
{
	struct tls_stream *ts = st->impl;
	ssize_t r;

	if (ts->flags & TLS_SHUT_SENT)
		return 0;
	if (ts->flags & TLS_BROKEN) {
		errno = EPIPE;
		return OK_IO_ERROR;
	}
	if (!SSL_is_init_finished(ts->ssl)) {
		snprintf(ts->reason, sizeof ts->reason, "shutdown before the handshake finished");
		errno = ENOTCONN;
		return OK_IO_ERROR;
	}
	if (ts->pend != NULL && (r = finish_pending(ts, ts->pend_len)) < 0)
		return (int)r;
	clear_errors();
	errno = 0;
	r = SSL_shutdown(ts->ssl);
	if (r < 0)
		r = io_result(ts, (int)r, errno);
	if (r >= 0) /* 0 or 1 from SSL_shutdown, or the peer's close_notify (OK_IO_EOF) */
		ts->flags |= TLS_SHUT_SENT;
	return r >= 0 ? 0 : (int)r;
}

/* No close_notify here: a stream closed without ok_stream_shutdown ends as a truncation. */
static void tls_close(struct ok_stream *st)
{
	struct tls_stream *ts = st->impl;

	if (ts != NULL) {
		SSL_free(ts->ssl);
		free(ts->pend);
		free(ts->peer_name);
		free(ts);
	}
	st->impl = NULL;
	(void)close(st->fd); /* the descriptor is released whatever close says */
	st->fd = -1;
}

static const struct ok_transport tls_transport = {
	.name = "tls",
	.read = tls_read,
	.writev = tls_writev,
	.shutdown = tls_shutdown,
	.close = tls_close,
};

/* A TLS state over fd from ctx, not yet bound to a stream; NULL with e filled. */
static struct tls_stream *new_tls_stream(int fd, struct ok_tls_ctx *ctx, struct ok_err *e)
{
	struct tls_stream *ts = calloc(1, sizeof *ts);

	if (ts == NULL) {
		ok_err_set(e, 0, ENOMEM, "TLS");
		return NULL;
	}
	ERR_clear_error();
	ts->ssl = SSL_new(ctx->ssl);
	if (ts->ssl == NULL || SSL_set_fd(ts->ssl, fd) != 1) {
		char why[200];

		ok_tls_queue_reason(why, sizeof why);
		ok_err_set(e, 0, 0, "TLS: %s", why);
		SSL_free(ts->ssl);
		free(ts);
		return NULL;
	}
	return ts;
}

static void bind_stream(struct ok_stream *st, int fd, struct tls_stream *ts)
{
	st->t = &tls_transport;
	st->impl = ts;
	st->fd = fd;
}

int ok_tls_accept(struct ok_stream *st, int fd, struct ok_tls_ctx *ctx, struct ok_err *e)
{
	struct tls_stream *ts = new_tls_stream(fd, ctx, e);

	if (ts == NULL)
		return -1;
	SSL_set_accept_state(ts->ssl);
	bind_stream(st, fd, ts);
	return 0;
}

/* What the server's certificate must be for: an address literal is matched with its IP
 * addresses and never sent as SNI (RFC 6066 allows names only); a name is both. */
static int set_peer_name(struct tls_stream *ts, const char *name)
{
	X509_VERIFY_PARAM *param = SSL_get0_param(ts->ssl);

	ts->peer_name = strdup(name);
	if (ts->peer_name == NULL)
		return -1;
	if (X509_VERIFY_PARAM_set1_ip_asc(param, name) == 1)
		return 0;
	ERR_clear_error(); /* not an address: a name */
	SSL_set_hostflags(ts->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (SSL_set_tlsext_host_name(ts->ssl, name) != 1 || SSL_set1_host(ts->ssl, name) != 1)
		return -1;
	return 0;
}

int ok_tls_connect(struct ok_stream *st, int fd, struct ok_tls_ctx *ctx, const char *host,
                   struct ok_err *e)
{
	struct tls_stream *ts = new_tls_stream(fd, ctx, e);
	const char *name = ctx->servername != NULL ? ctx->servername : host;

	if (ts == NULL)
		return -1;
	if (name != NULL && set_peer_name(ts, name) < 0) {
		char why[200];

		ok_tls_queue_reason(why, sizeof why);
		ok_err_set(e, 0, 0, "TLS server name %s: %s", name, why);
		SSL_free(ts->ssl);
		free(ts->peer_name);
		free(ts);
		return -1;
	}
	SSL_set_connect_state(ts->ssl);
	bind_stream(st, fd, ts);
	return 0;
}

int ok_tls_handshake(struct ok_stream *st)
{
	struct tls_stream *ts = tls_of(st);
	ssize_t r;
	int ret;

	if (ts == NULL) {
		errno = EINVAL;
		return OK_IO_ERROR;
	}
	if (SSL_is_init_finished(ts->ssl))
		return 0;
	clear_errors();
	errno = 0;
	ret = SSL_do_handshake(ts->ssl);
	if (ret == 1)
		return 0;
	r = io_result(ts, ret, errno);
	if (r == OK_IO_EOF) {
		ts->flags |= TLS_BROKEN;
		snprintf(ts->reason, sizeof ts->reason, "close_notify during the handshake");
		errno = EPROTO;
		return OK_IO_ERROR;
	}
	return (int)r;
}

int ok_stream_is_tls(const struct ok_stream *st)
{
	return st->t == &tls_transport && st->impl != NULL;
}

/* OpenSSL reads ahead (tls.c): a read may leave whole records behind it, undecrypted, that no
 * event will announce. Unless the last read found only part of one (and so drained the socket),
 * such bytes count as one pending byte: reading again costs no system call. */
size_t ok_tls_pending(const struct ok_stream *st)
{
	struct tls_stream *ts = tls_of(st);
	int n;

	if (ts == NULL)
		return 0;
	n = SSL_pending(ts->ssl);
	if (n > 0)
		return (size_t)n;
	return !(ts->flags & TLS_DRAINED) && SSL_has_pending(ts->ssl) ? 1 : 0;
}

int ok_tls_keeps_buffers(const struct ok_stream *st)
{
	struct tls_stream *ts = tls_of(st);

	return ts != NULL && (ts->flags & TLS_KEEPS) != 0;
}

int ok_tls_cool(struct ok_stream *st)
{
	struct tls_stream *ts = tls_of(st);
	bool busy;

	if (ts == NULL || !(ts->flags & TLS_KEEPS))
		return 0;
	busy = ts->reads >= TLS_BUSY_READS;
	ts->reads = 0;
	if (busy)
		return 1;
	ts->flags &= ~(unsigned)TLS_KEEPS;
	SSL_set_mode(ts->ssl, SSL_MODE_RELEASE_BUFFERS);
	/* Freed now only when they hold nothing (bytes read ahead, a record partly read or not
	 * yet written); otherwise OpenSSL frees each once it is empty, as for any stream. */
	if (!SSL_has_pending(ts->ssl) && ts->pend == NULL)
		(void)SSL_free_buffers(ts->ssl);
	return 0;
}

const char *ok_tls_protocol(const struct ok_stream *st)
{
	struct tls_stream *ts = tls_of(st);

	return ts != NULL && SSL_is_init_finished(ts->ssl) ? SSL_get_version(ts->ssl) : "";
}

const char *ok_tls_cipher(const struct ok_stream *st)
{
	struct tls_stream *ts = tls_of(st);
	const SSL_CIPHER *c = ts != NULL ? SSL_get_current_cipher(ts->ssl) : NULL;

	return c != NULL ? SSL_CIPHER_get_name(c) : "";
}

int ok_tls_peer_verified(const struct ok_stream *st)
{
	struct tls_stream *ts = tls_of(st);

	return ts != NULL && SSL_is_init_finished(ts->ssl) &&
	       SSL_get0_peer_certificate(ts->ssl) != NULL &&
	       SSL_get_verify_result(ts->ssl) == X509_V_OK;
}

const char *ok_tls_sni(const struct ok_stream *st)
{
	struct tls_stream *ts = tls_of(st);

	return ts != NULL ? SSL_get_servername(ts->ssl, TLSEXT_NAMETYPE_host_name) : NULL;
}

const char *ok_tls_error(const struct ok_stream *st)
{
	struct tls_stream *ts = tls_of(st);

	return ts != NULL ? ts->reason : "";
}

int ok_tls_truncated(const struct ok_stream *st)
{
	struct tls_stream *ts = tls_of(st);

	return ts != NULL && (ts->flags & TLS_TRUNCATED) != 0;
}
