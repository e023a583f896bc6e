/* tlsfiles.h - okserver's TLS context: made from the --tls-* files, rebuilt on SIGHUP. */
#ifndef OK_TLSFILES_H
#define OK_TLSFILES_H

#include "err.h"
#include "options.h"

struct ok_tls_ctx;

/* The server's context from --tls-cert, --tls-key and --tls-ca, into *ctx (NULL when TLS is
 * not asked for). 0, or -1 with e filled (exit status 4, the message naming the file and the
 * reason). */
int tls_files_open(const struct server_config *c, struct ok_tls_ctx **ctx, struct ok_err *e);

/* SIGHUP: a new context from the same files replaces *ctx for the connections accepted from
 * now on (the open ones keep theirs); one that fails leaves *ctx as it was. Either way, one
 * log line says what happened. */
void tls_files_reload(struct ok_tls_ctx **ctx);

#endif
