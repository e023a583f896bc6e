/* tls.c - TLS contexts over OpenSSL 3: PEM files in, an SSL_CTX out, each failure in words. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls.h"
#include "tls_internal.h"

/* Server sessions resume from tickets the client keeps (OpenSSL's stateless tickets); this
 * names what a ticket may resume, which OpenSSL requires once client certificates are asked. */
static const unsigned char session_id_context[] = "okchat";

int ok_tls_available(void)
{
	return 1;
}

const char *ok_tls_version(void)
{
	static char version[64];

	snprintf(version, sizeof version, "OpenSSL %s", OpenSSL_version(OPENSSL_VERSION_STRING));
	return version;
}

void ok_tls_queue_reason(char *buf, size_t len)
{
	unsigned long code = ERR_get_error();
	const char *why = NULL;

	if (code == 0)
		why = "unknown error";
	else if (ERR_SYSTEM_ERROR(code))
		why = strerror(ERR_GET_REASON(code));
	else if (ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE)
		why = "no PEM data found"; /* OpenSSL says "no start line" */
	else
		why = ERR_reason_error_string(code);
	snprintf(buf, len, "%s", why != NULL ? why : "unknown error");
	ERR_clear_error();
}

/* Fills e with "TLS WHAT PATH: reason", the reason from OpenSSL's error queue. */
static void *fail_file(struct ok_err *e, const char *what, const char *path)
{
	char why[200];

	ok_tls_queue_reason(why, sizeof why);
	ok_err_set(e, 0, 0, "TLS %s %s: %s", what, path, why);
	return NULL;
}

/* OpenSSL asks for a passphrase on the terminal unless told otherwise: no prompt, ever; an
 * encrypted key is refused (and said so). */
static int refuse_passphrase(char *buf, int size, int rwflag, void *asked)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	*(int *)asked = 1;
	return -1;
}

static EVP_PKEY *read_key(const char *path, struct ok_err *e)
{
	BIO *in = BIO_new_file(path, "r");
	EVP_PKEY *key;
	int asked = 0;

	if (in == NULL)
		return fail_file(e, "key", path);
	key = PEM_read_bio_PrivateKey(in, NULL, refuse_passphrase, &asked);
	BIO_free(in);
	if (key == NULL && asked) {
		ERR_clear_error();
		ok_err_set(e, 0, 0, "TLS key %s: encrypted with a passphrase (not supported)", path);
	} else if (key == NULL) {
		fail_file(e, "key", path);
	}
	return key;
}

/* The certificate (and the chain after it) from cert, the key from key, which must match. */
static int use_cert_key(SSL_CTX *ssl, const char *cert, const char *key, struct ok_err *e)
{
	EVP_PKEY *pkey;
	int ok;

	ERR_clear_error();
	if (SSL_CTX_use_certificate_chain_file(ssl, cert) != 1) {
		fail_file(e, "certificate", cert);
		return -1;
	}
	pkey = read_key(key, e);
	if (pkey == NULL)
		return -1;
	/* Checked here rather than left to SSL_CTX_use_PrivateKey, whose error is "key values
	 * mismatch" with no file named. */
	ok = X509_check_private_key(SSL_CTX_get0_certificate(ssl), pkey) == 1;
	ERR_clear_error();
	if (!ok) {
		ok_err_set(e, 0, 0, "TLS key %s: does not match the certificate %s", key, cert);
	} else if (SSL_CTX_use_PrivateKey(ssl, pkey) != 1) {
		fail_file(e, "key", key);
		ok = 0;
	}
	EVP_PKEY_free(pkey);
	return ok ? 0 : -1;
}

/* The CAs that verify the peer. A server also sends their names when it asks for a client's
 * certificate, and then requires one. */
static int use_ca(SSL_CTX *ssl, const char *ca, int server, struct ok_err *e)
{
	STACK_OF(X509_NAME) *names;

	ERR_clear_error();
	if (SSL_CTX_load_verify_locations(ssl, ca, NULL) != 1) {
		fail_file(e, "CA file", ca);
		return -1;
	}
	if (!server)
		return 0;
	names = SSL_load_client_CA_file(ca);
	if (names == NULL) {
		fail_file(e, "CA file", ca);
		return -1;
	}
	SSL_CTX_set_client_CA_list(ssl, names);
	SSL_CTX_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return 0;
}

/* What every context has: TLS 1.2 at least, no renegotiation, the buffers of an idle
 * connection given back (SSL_MODE_RELEASE_BUFFERS, as nginx does), a write retried from a
 * buffer that moved (transport_tls.c keeps a pending record's bytes itself), and reading ahead:
 * one read(2) takes what the socket holds, several records at a time (ok_tls_pending). */
static SSL_CTX *new_ssl_ctx(int server, struct ok_err *e)
{
	SSL_CTX *ssl;

	ERR_clear_error();
	if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS,
	                     NULL) != 1 ||
	    (ssl = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method())) == NULL) {
		char why[200];

		ok_tls_queue_reason(why, sizeof why);
		ok_err_set(e, 0, 0, "TLS: cannot set up OpenSSL: %s", why);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ssl, TLS1_2_VERSION);
	SSL_CTX_set_options(ssl, SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_read_ahead(ssl, 1);
	if (server) {
		/* Tickets only: no per-session memory kept on the server between connections. */
		SSL_CTX_set_session_cache_mode(ssl, SSL_SESS_CACHE_OFF);
		SSL_CTX_set_session_id_context(ssl, session_id_context,
		                               sizeof session_id_context - 1);
		/* One TLS 1.3 ticket a connection (OpenSSL sends two): enough to resume the next one,
		 * each connection brings a fresh one, and each ticket costs a copy of the session. */
		SSL_CTX_set_num_tickets(ssl, 1);
	}
	return ssl;
}

/* A copy of s (NULL stays NULL); 0, or -1 out of memory. */
static int copy_setting(char **to, const char *s)
{
	*to = NULL;
	if (s == NULL)
		return 0;
	*to = strdup(s);
	return *to != NULL ? 0 : -1;
}

static struct ok_tls_ctx *new_ctx(int server, const char *cert, const char *key, const char *ca,
                                  const char *servername, int insecure, struct ok_err *e)
{
	struct ok_tls_ctx *ctx = calloc(1, sizeof *ctx);

	if (ctx == NULL) {
		ok_err_set(e, 0, ENOMEM, "TLS");
		return NULL;
	}
	ctx->server = server;
	ctx->insecure = insecure;
	if (copy_setting(&ctx->cert, cert) < 0 || copy_setting(&ctx->key, key) < 0 ||
	    copy_setting(&ctx->ca, ca) < 0 || copy_setting(&ctx->servername, servername) < 0) {
		ok_tls_ctx_free(ctx);
		ok_err_set(e, 0, ENOMEM, "TLS");
		return NULL;
	}
	return ctx;
}

/* Builds ctx->ssl from the settings ctx holds; 0, or -1 with e filled. */
static int build_ssl_ctx(struct ok_tls_ctx *ctx, struct ok_err *e)
{
	ctx->ssl = new_ssl_ctx(ctx->server, e);
	if (ctx->ssl == NULL)
		return -1;
	if (ctx->cert != NULL && use_cert_key(ctx->ssl, ctx->cert, ctx->key, e) < 0)
		return -1;
	if (ctx->ca != NULL && use_ca(ctx->ssl, ctx->ca, ctx->server, e) < 0)
		return -1;
	if (ctx->server)
		return 0;
	if (ctx->ca == NULL && SSL_CTX_set_default_verify_paths(ctx->ssl) != 1) {
		fail_file(e, "trust store", X509_get_default_cert_file());
		return -1;
	}
	SSL_CTX_set_verify(ctx->ssl, ctx->insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
	return 0;
}

/* A context of these settings, or NULL with e filled. */
static struct ok_tls_ctx *make_ctx(int server, const char *cert, const char *key, const char *ca,
                                   const char *servername, int insecure, struct ok_err *e)
{
	struct ok_tls_ctx *ctx;

	if ((cert == NULL) != (key == NULL) || (server && cert == NULL)) {
		ok_err_set(e, 0, EINVAL, "TLS: a certificate needs its key, and a key its certificate");
		return NULL;
	}
	ctx = new_ctx(server, cert, key, ca, servername, insecure, e);
	if (ctx != NULL && build_ssl_ctx(ctx, e) < 0) {
		ok_tls_ctx_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

struct ok_tls_ctx *ok_tls_server_ctx(const struct ok_tls_server_conf *conf, struct ok_err *e)
{
	return make_ctx(1, conf->cert, conf->key, conf->ca, NULL, 0, e);
}

struct ok_tls_ctx *ok_tls_client_ctx(const struct ok_tls_client_conf *conf, struct ok_err *e)
{
	return make_ctx(0, conf->cert, conf->key, conf->ca, conf->servername, conf->insecure, e);
}

struct ok_tls_ctx *ok_tls_reload(const struct ok_tls_ctx *old, struct ok_err *e)
{
	return make_ctx(old->server, old->cert, old->key, old->ca, old->servername, old->insecure,
	                e);
}

/* SSL_CTX_free drops our reference only: each SSL made from the context holds its own (taken
 * by SSL_new), so open connections keep the context until they are freed. */
void ok_tls_ctx_free(struct ok_tls_ctx *ctx)
{
	if (ctx == NULL)
		return;
	SSL_CTX_free(ctx->ssl);
	free(ctx->cert);
	free(ctx->key);
	free(ctx->ca);
	free(ctx->servername);
	free(ctx);
}
