/* tls_internal.h - what tls.c and transport_tls.c share, and nothing else includes. */
#ifndef OK_TLS_INTERNAL_H
#define OK_TLS_INTERNAL_H

#include <stddef.h>

#include <openssl/ssl.h>

/* A context: OpenSSL's, and the settings it was built from, kept for ok_tls_reload. */
struct ok_tls_ctx {
	SSL_CTX *ssl;
	int server;
	int insecure;
	char *cert;
	char *key;
	char *ca;
	char *servername;
};

/* Takes the oldest error off this thread's OpenSSL error queue and writes its reason in words
 * into buf ("no start line", or strerror's text for a system error); empties the queue. */
void ok_tls_queue_reason(char *buf, size_t len);

#endif
