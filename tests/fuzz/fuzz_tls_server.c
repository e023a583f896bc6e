/* fuzz_tls_server.c - libFuzzer: a hostile client's bytes into okserver's side of a TLS stream. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tls.h"

/*
 * The server's side is driven as server/conn.c drives it: ok_tls_handshake until it is done or
 * fails, then reads, an answer, close_notify, close. The client is the input, over a
 * socketpair, in one of three shapes (the first byte, mod 3):
 *   0  the bytes alone, from the first one: a ClientHello or anything else;
 *   1  a real ClientHello (our client's), the server's answer to it, then the bytes as the
 *      client's next flight;
 *   2  that ClientHello with the bytes laid over it (XOR), the rest after it.
 * The second byte's low bit: the client half-closes after its bytes (else it stays silent).
 * Whatever comes, the stream must end: fail or finish, or wait for more while the client is
 * silent. A server that asks to read again and again with nothing left and the client gone is
 * spinning: abort(), as a crash.
 */
enum { FUZZ_ROUNDS = 200, FUZZ_INPUT_MAX = 65536 };

static struct ok_tls_ctx *server_ctx, *client_ctx;

_Noreturn static void fail(const char *what)
{
	fprintf(stderr, "fuzz_tls_server: %s\n", what);
	abort();
}

/* A self-signed P-256 certificate for localhost, made in memory, its key with it. */
static X509 *make_cert(EVP_PKEY **key)
{
	X509 *x = X509_new();
	X509_NAME *name;

	*key = EVP_EC_gen("P-256");
	if (x == NULL || *key == NULL)
		fail("cannot make a key");
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
	X509_set_pubkey(x, *key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1,
	                           -1, 0);
	X509_set_issuer_name(x, name);
	if (X509_sign(x, *key, EVP_sha256()) == 0)
		fail("cannot sign the certificate");
	return x;
}

/* Writes the certificate and key to temporary files, makes both contexts, removes the files. */
static void make_contexts(void)
{
	char cert[] = "/tmp/fuzz_tls_cert.XXXXXX", key[] = "/tmp/fuzz_tls_key.XXXXXX";
	struct ok_tls_client_conf cc = { NULL, NULL, NULL, NULL, 1 };
	struct ok_tls_server_conf sc = { cert, key, NULL };
	int cfd = mkstemp(cert), kfd = mkstemp(key);
	FILE *cf = cfd >= 0 ? fdopen(cfd, "w") : NULL, *kf = kfd >= 0 ? fdopen(kfd, "w") : NULL;
	EVP_PKEY *pkey;
	X509 *x = make_cert(&pkey);
	struct ok_err e;

	if (cf == NULL || kf == NULL || PEM_write_X509(cf, x) != 1 ||
	    PEM_write_PrivateKey(kf, pkey, NULL, NULL, 0, NULL, NULL) != 1)
		fail("cannot write the certificate");
	fclose(cf);
	fclose(kf);
	X509_free(x);
	EVP_PKEY_free(pkey);
	server_ctx = ok_tls_server_ctx(&sc, &e);
	client_ctx = ok_tls_client_ctx(&cc, &e);
	unlink(cert);
	unlink(key);
	if (server_ctx == NULL || client_ctx == NULL)
		fail(e.msg);
}

/* Sends len bytes to the server (the socketpair holds them all: FUZZ_INPUT_MAX is well below it). */
static void client_send(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fail("the socketpair would not take the input");
		p += n;
		len -= (size_t)n;
	}
}

/* Reads and drops what the server sent, so its writes never stall. */
static void client_drain(int fd)
{
	char buf[16384];

	while (read(fd, buf, sizeof buf) > 0)
		;
}

/* Bytes waiting in fd, unread. */
static int unread(int fd)
{
	int n = 0;

	return ioctl(fd, FIONREAD, &n) == 0 ? n : 0;
}

/* A real client's first flight, into *hello (malloc'd); its stream stays open in cli. */
static size_t real_hello(struct ok_stream *cli, uint8_t **hello)
{
	struct ok_err e;
	int side[2];
	int n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, side) < 0 ||
	    fcntl(side[0], F_SETFL, O_NONBLOCK) < 0 || fcntl(side[1], F_SETFL, O_NONBLOCK) < 0 ||
	    ok_tls_connect(cli, side[1], client_ctx, "localhost", &e) < 0)
		fail("cannot make the client");
	if (ok_tls_handshake(cli) != OK_IO_WANT_READ)
		fail("the client did not send its hello");
	n = unread(side[0]);
	*hello = malloc(n > 0 ? (size_t)n : 1);
	if (*hello == NULL || n <= 0 || read(side[0], *hello, (size_t)n) != n)
		fail("cannot take the client's hello");
	close(side[0]);
	return (size_t)n;
}

/* What conn.c does once the handshake is done: read until nothing, answer, end. */
static void finish_conversation(struct ok_stream *srv, int cfd)
{
	char buf[16384];

	for (int i = 0; i < FUZZ_ROUNDS && ok_stream_read(srv, buf, sizeof buf) > 0; i++)
		client_drain(cfd);
	(void)ok_stream_write(srv, "OK\n", 3);
	(void)ok_stream_shutdown(srv);
}

/* Drives the server's handshake as the loop would; aborts on a spin. */
static void drive_server(struct ok_stream *srv, int cfd, int half_closed)
{
	int idle_rounds = 0;

	for (int i = 0; i < FUZZ_ROUNDS; i++) {
		int r = ok_tls_handshake(srv);

		client_drain(cfd);
		if (r == 0) {
			finish_conversation(srv, cfd);
			return;
		}
		if (r == OK_IO_ERROR)
			return; /* conn.c closes it, with the reason ok_tls_error gives */
		if (r == OK_IO_WANT_READ && unread(srv->fd) == 0) {
			if (!half_closed)
				return; /* waiting for a silent client: the deadline's business */
			if (++idle_rounds > 2)
				fail("the handshake wants to read after the client closed: a spin");
		}
	}
	fail("the handshake neither ended nor waited");
}

/* The input as the client's bytes, in the shape its first byte names. */
static void send_input(int cfd, struct ok_stream *srv, const uint8_t *data, size_t size,
                       struct ok_stream *cli)
{
	uint8_t *hello = NULL;
	size_t hlen;

	if (data[0] % 3 == 0) {
		client_send(cfd, data + 2, size - 2);
		return;
	}
	hlen = real_hello(cli, &hello);
	if (data[0] % 3 == 2) {
		for (size_t i = 0; i < hlen && i + 2 < size; i++)
			hello[i] ^= data[i + 2];
		client_send(cfd, hello, hlen);
		if (size - 2 > hlen)
			client_send(cfd, data + 2 + hlen, size - 2 - hlen);
	} else {
		client_send(cfd, hello, hlen);
		(void)ok_tls_handshake(srv); /* the server answers the hello */
		client_drain(cfd);
		client_send(cfd, data + 2, size - 2);
	}
	free(hello);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ok_stream srv, cli = { &ok_transport_plain, NULL, -1 };
	struct ok_err e;
	int fds[2];

	if (size < 2 || size > FUZZ_INPUT_MAX)
		return 0;
	if (server_ctx == NULL)
		make_contexts();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0 || fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(fds[1], F_SETFL, O_NONBLOCK) < 0 || ok_tls_accept(&srv, fds[0], server_ctx, &e) < 0)
		fail("cannot make the server's stream");
	send_input(fds[1], &srv, data, size, &cli);
	if (data[1] & 1)
		shutdown(fds[1], SHUT_WR);
	drive_server(&srv, fds[1], data[1] & 1);
	ok_stream_close(&srv);
	ok_stream_close(&cli);
	close(fds[1]);
	return 0;
}
