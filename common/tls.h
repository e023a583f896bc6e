/* tls.h - TLS for okchat: contexts from PEM files, and TLS streams behind the transport seam. */
#ifndef OK_TLS_H
#define OK_TLS_H

#include <stddef.h>

#include "err.h"
#include "transport.h"

/*
 * The build decides once (Makefile: make TLS=1, the default, or TLS=0) which file stands behind
 * this header: tls.c and transport_tls.c over OpenSSL 3, or tls_none.c, where every call below
 * fails with "this build has no TLS". Callers never test OK_HAVE_TLS: they ask
 * ok_tls_available() (an option given to a build without TLS: a usage error).
 *
 * A context (struct ok_tls_ctx) is made once from PEM files and shared by many streams. A
 * stream made from it keeps what it needs alive by itself (OpenSSL counts the references), so
 * ok_tls_ctx_free may be called while streams made from the context are still open: a reload
 * builds a new context, the caller swaps its pointer and frees the old one, and old connections
 * go on with the old certificate.
 *
 * The streams (ok_tls_accept, ok_tls_connect) follow transport.h: non-blocking calls answering
 * a count, OK_IO_EOF, a want or OK_IO_ERROR. What TLS adds to that contract:
 *  - Handshake: ok_tls_handshake, called until it answers 0, lets the caller bound it with its
 *    own deadline. A read or write before it is done carries the handshake on implicitly.
 *  - OK_IO_EOF is the peer's close_notify. Data may still be written after it (a half-close,
 *    as the protocol uses it); ok_stream_shutdown then sends ours.
 *  - OK_IO_ERROR, errno EPROTO: a TLS failure (an alert from the peer, such as a refused client
 *    certificate; a record that does not decrypt). errno ECONNRESET with ok_tls_truncated()
 *    true: the peer closed its TCP side without close_notify (the data may have been cut).
 *    Other errnos are the socket's. ok_tls_error() says why in words for every TLS failure.
 *  - Reads: a read returns one record's bytes at most (16 KiB), and OpenSSL reads ahead: what
 *    the socket held may be several records, and the caller's buffer may take only part of the
 *    one decrypted. The rest is then in the stream, not in the socket, and the descriptor will
 *    not become readable for it. When ok_tls_pending() is not 0, read again without waiting
 *    (once there is room). It is 0 for any stream that is not TLS, and after a read that
 *    wanted more (what the stream holds then is part of a record: the socket brings the rest).
 *  - Writes: writev gathers its buffers into one record (at most 16 KiB of them per call), so a
 *    batch of replies is one record, not one per line. After a want, the next writev must
 *    offer the same bytes again first (more may follow them; the transport holds the pending
 *    record and answers how many of the offered bytes it took), as a caller that keeps its
 *    unsent output does anyway. ok_stream_shutdown first finishes such a pending write.
 *  - Shutdown sends close_notify once (later calls answer 0); reading goes on after it until
 *    the peer's close_notify (OK_IO_EOF). Before the handshake is done it fails (ENOTCONN).
 *  - OpenSSL writes with write(2): the caller ignores SIGPIPE, as both programs do.
 */

struct ok_tls_ctx;

/* 1 in a build with TLS, 0 in one without. */
int ok_tls_available(void);

/* The TLS line of --version without its "TLS: ": "OpenSSL 3.0.13" (the library run, not the
 * one compiled against), or "no" in a build without TLS. */
const char *ok_tls_version(void);

/* A server's files: cert and key (PEM; cert may hold the chain after the certificate, as
 * SSL_CTX_use_certificate_chain_file reads it), ca (PEM) to require and verify a client
 * certificate (mutual TLS), or NULL. */
struct ok_tls_server_conf {
	const char *cert;
	const char *key;
	const char *ca;
};

/* A client's: ca (PEM) to verify the server with, NULL for the system's trust store; cert and
 * key (both or neither) to present; servername to send and match in place of the host given
 * to ok_tls_connect, or NULL; insecure 1 to skip verification (the result is still computed:
 * ok_tls_peer_verified says it). */
struct ok_tls_client_conf {
	const char *ca;
	const char *cert;
	const char *key;
	const char *servername;
	int insecure;
};

/*
 * A server context: TLS 1.2 or 1.3 only, session tickets on, OpenSSL's buffers released while
 * idle. NULL with e filled when a file cannot be read or used: "TLS certificate FILE: No such
 * file or directory", "TLS key FILE: does not match the certificate FILE2". The paths are
 * copied, for ok_tls_reload.
 */
struct ok_tls_ctx *ok_tls_server_ctx(const struct ok_tls_server_conf *conf, struct ok_err *e);

/* A client context: TLS 1.2 or 1.3 only; messages as ok_tls_server_ctx's. */
struct ok_tls_ctx *ok_tls_client_ctx(const struct ok_tls_client_conf *conf, struct ok_err *e);

/* A new context built from the same paths and settings as old (which is left as it was); NULL
 * with e filled, the old one still good, when the files now fail. */
struct ok_tls_ctx *ok_tls_reload(const struct ok_tls_ctx *old, struct ok_err *e);

/* Releases ctx (NULL is fine); streams made from it stay usable. */
void ok_tls_ctx_free(struct ok_tls_ctx *ctx);

/*
 * Makes st a server-side TLS stream over fd (a connected, non-blocking socket). 0, or -1 with e
 * filled and st and fd untouched (the caller still owns fd). From then on ok_stream_close
 * releases the TLS state and closes fd.
 */
int ok_tls_accept(struct ok_stream *st, int fd, struct ok_tls_ctx *ctx, struct ok_err *e);

/*
 * The same, client side. host (the ctx's servername when it has one) is what the server's
 * certificate must be for: a name is sent as SNI and matched with the certificate's DNS names;
 * an IPv4 or IPv6 literal (no brackets) is matched with its IP addresses and not sent. NULL:
 * no name is checked (the chain still is, unless insecure).
 */
int ok_tls_connect(struct ok_stream *st, int fd, struct ok_tls_ctx *ctx, const char *host,
                   struct ok_err *e);

/* Carries the handshake on: 0 done (also when it already was), OK_IO_WANT_READ,
 * OK_IO_WANT_WRITE, or OK_IO_ERROR with ok_tls_error() saying why. */
int ok_tls_handshake(struct ok_stream *st);

/* 1 when st is a TLS stream (one that ok_tls_accept or ok_tls_connect made: its transport is
 * transport_tls.c's table, which nothing else needs to name). */
int ok_stream_is_tls(const struct ok_stream *st);

/* Bytes held in st that a read returns without the descriptor being readable: decrypted ones,
 * or 1 for records read ahead and not decrypted yet. */
size_t ok_tls_pending(const struct ok_stream *st);

/* OpenSSL's buffers (some 34 KiB a stream): an idle stream holds none, a busy one keeps them.
 * A stream becomes busy after 32 reads; ok_tls_keeps_buffers() then says 1, and the caller
 * must call ok_tls_cool() on it from time to time (okserver: each second): a stream that read
 * fewer than 32 records since the last call gives its buffers back and answers 0 (as for a
 * stream not busy, or not TLS); a busy one answers 1. */
int ok_tls_keeps_buffers(const struct ok_stream *st);
int ok_tls_cool(struct ok_stream *st);

/* The negotiated protocol and cipher, "TLSv1.3" and "TLS_AES_256_GCM_SHA384", once the
 * handshake is done; "" before, and for a stream that is not TLS. */
const char *ok_tls_protocol(const struct ok_stream *st);
const char *ok_tls_cipher(const struct ok_stream *st);

/* 1 when the peer presented a certificate and it verified (for a client: the chain and the
 * host); 0 otherwise. */
int ok_tls_peer_verified(const struct ok_stream *st);

/* Server side: the name the client sent as SNI, or NULL. */
const char *ok_tls_sni(const struct ok_stream *st);

/* Why the last failed call failed: "certificate verify failed: self-signed certificate",
 * "certificate verify failed: hostname mismatch (example.com)", "peer did not return a
 * certificate", "connection closed without close_notify"; "" when nothing failed. */
const char *ok_tls_error(const struct ok_stream *st);

/* 1 when a read found the peer's TCP side closed without its close_notify. */
int ok_tls_truncated(const struct ok_stream *st);

#endif
