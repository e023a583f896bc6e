/* tlsfiles.c - okserver's TLS context: made from the --tls-* files, rebuilt on SIGHUP. */
#include <stddef.h>

#include "log.h"
#include "tls.h"
#include "tlsfiles.h"

int tls_files_open(const struct server_config *c, struct ok_tls_ctx **ctx, struct ok_err *e)
{
	struct ok_tls_server_conf conf = { c->tls_cert, c->tls_key, c->tls_ca };

	*ctx = NULL;
	if (c->tls_cert == NULL)
		return 0;
	*ctx = ok_tls_server_ctx(&conf, e);
	if (*ctx == NULL) {
		e->code = SERVER_EXIT_DAEMON; /* a file the server cannot use, as --log's */
		return -1;
	}
	return 0;
}

/* ok_tls_reload reads the paths the context kept; streams made from the old one hold their own
 * reference to it (tls.h), so freeing ours here ends nothing that is open. */
void tls_files_reload(struct ok_tls_ctx **ctx)
{
	struct ok_err e;
	struct ok_tls_ctx *fresh = ok_tls_reload(*ctx, &e);

	if (fresh == NULL) {
		server_log("TLS reload failed, the previous certificate stays: %s", e.msg);
		return;
	}
	ok_tls_ctx_free(*ctx);
	*ctx = fresh;
	server_log("TLS reloaded: new connections get the certificate and key read now");
}
