/* conn.h - one client's connection: its record and its life from accept to close. */
#ifndef OK_CONN_H
#define OK_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "framer.h"
#include "printer.h"
#include "transport.h"

struct server;
struct ok_tls_ctx;

enum conn_state {
	CONN_FREE = 0,           /* no connection on this descriptor */
	CONN_HANDSHAKE,          /* TLS: the handshake goes on, under its own deadline; nothing
	                          * of the protocol is read or written yet */
	CONN_OPEN,               /* reading lines, answering them */
	CONN_ENDING,             /* the last replies are being written, then our side ended;
	                          * nothing more is read */
	CONN_LINGER,             /* all written, half-closed: discarding input until the peer closes */
	CONN_PROXY               /* a --proxy-from peer: reading its PROXY header, nothing else
	                          * yet (admit.h), until the handshake deadline */
};

/* Why a connection ended, for the -v log. */
enum conn_why { WHY_NONE = 0, WHY_QUIT, WHY_EOF, WHY_TOO_LONG, WHY_IDLE, WHY_FULL,
                WHY_SHUTDOWN, WHY_ERROR, WHY_TLS_FAILED, WHY_TLS_LATE,
                WHY_TOO_MANY /* --max-per-address: "ERR too many connections" */ };

#define CONN_WANTS_WRITE 0x01u /* the transport asked for writability, else for readability */
#define CONN_PEER_EOF  0x02u /* the client half-closed: nothing left to linger for */
#define CONN_COUNTED   0x04u /* counts against --max-clients (refused ones do not) */
#define CONN_ON_IDLE   0x08u /* on the idle deadline list */
#define CONN_ON_ENDING 0x10u /* on the ending connections' deadline list (their grace) */
#define CONN_ON_HANDSHAKE 0x20u /* on the handshake deadline list (CONN_PROXY, CONN_HANDSHAKE) */
#define CONN_PEER_COUNTED 0x40u /* counted against its address (admit_count): uncounted at close */
#define CONN_TLS       0x80u /* accepted on a TLS listener: a TLS handshake before the conversation */

/*
 * One client, in an array indexed by its descriptor. Small on purpose: input is read into the
 * server's shared buffer and framed in place, so a connection owns memory only for a Q line in
 * progress (inside the framer) and for output the socket would not take yet (pend).
 *
 * What it does next follows from its state: carry the TLS handshake on (HANDSHAKE), else write
 * pend while there is some, else read (OPEN, LINGER) or end our side (ENDING). What it waits for before it can is what its transport last
 * answered (CONN_WANTS_WRITE), not what that step is: a TLS read may need a write first, and a
 * TLS write a read.
 */
struct conn {
	struct ok_stream st;     /* the connection's bytes: every read, write and close goes here */
	struct ok_framer fr;
	struct print_line pl;    /* --print: the line in progress, malloc'd only while there is one */
	char *pend;              /* unsent output, malloc'd only while there is some */
	uint32_t pend_len, pend_off;
	int64_t stamp;           /* ms: last activity (open) or last progress (ending) */
	int prev, next;          /* deadline list links, by descriptor; -1 ends */
	/* The peer, for the log, compact (a sockaddr_storage would be 128 bytes a record):
	 * IPv4 or IPv6 address bytes and port in network order; a Unix peer has neither. */
	uint8_t peer_addr[16];
	uint16_t peer_port;
	uint8_t peer_family;     /* AF_INET, AF_INET6 or AF_UNIX */
	uint8_t state, why, flags;
	uint16_t err;            /* errno behind WHY_ERROR (every errno value fits) */
};

/*
 * How a connection ends. Two words, each always meaning the same thing:
 *  - "end": the polite way. The replies owed are written, then the server's last line if it has
 *    one (the Q echo or an ERR line), then the write side is half-closed and the connection
 *    lingers, discarding what still comes, until the peer closes or the grace (OK_END_GRACE_MS)
 *    runs out. In conn.c: end_conversation() starts it (states OPEN -> ENDING), end_with_err()
 *    is that with an ERR line as the last one, conn_end_for_shutdown() answers what has arrived
 *    first, half_close_then_linger() follows once everything is written (ENDING -> LINGER).
 *    Over TLS the half-close is our close_notify; after the client's close_notify (its end of
 *    input) ours is still sent, then the connection is closed without lingering.
 *  - "close now": the stream is closed and the record freed at once, nothing more is sent
 *    (any state -> FREE). In conn.c: conn_close_now(), and conn_close_on_error() when a call on
 *    the connection failed (its errno goes to the -v log).
 * A passed deadline either ends (an idle open connection) or closes now (an ending one out of
 * grace): conn_deadline_passed(). The framer's set_final_status() (framer.c) is neither: it
 * only decides what the last reply is; conn.c then ends the connection with it. Nor is
 * ok_framer_finish(): it tells the framer that the input is finished (the peer half-closed).
 */

/*
 * What loop.c calls. None of them touches the backend: each leaves in the record what the
 * connection waits for (conn_interest), and loop.c, the backend's one caller, tells the backend
 * after every call; a connection closed meanwhile is then forgotten.
 */
/* A descriptor just accepted (and watched for reading), let in by admit_accept: answer it, or
 * (refuse) tell it "ERR server full"; a --proxy-from peer's PROXY header comes first. With tls
 * (a TCP listener of a server with TLS on), the TLS handshake comes next, under s->handshake's
 * deadline: the greeting, the answers or the refusal follow once it is done; a handshake that
 * fails or runs late is closed with nothing sent. */
void conn_open(struct server *s, int fd, const struct sockaddr *peer, socklen_t len,
               bool refuse, bool tls);
/* The backend reported fd ready: go on with what the connection was waiting to do. */
void conn_on_event(struct server *s, int fd);
/* fd's deadline passed: an open connection ends with "ERR idle timeout", an ending one (out of
 * grace) is closed now, and so is one still waiting for its PROXY header (logged) or still in
 * its TLS handshake. */
void conn_deadline_passed(struct server *s, int fd);
/* The server is stopping: answer what has arrived, then end with "ERR server shutting down". */
void conn_end_for_shutdown(struct server *s, int fd);
/* Closes now: the shutdown's time ran out, or the server is done. */
void conn_close_now(struct server *s, int fd);
/* Closes now because err stopped the connection (the backend could not watch it). */
void conn_close_on_error(struct server *s, int fd, int err);

/* What open connection fd waits for: BACKEND_READ or BACKEND_WRITE, as its transport last
 * asked, or 0 while --print has paused the reading of open connections (s->reading_paused). */
unsigned conn_interest(const struct server *s, int fd);
/* True when fd's next step is a read that its transport can answer without the descriptor
 * becoming readable (TLS bytes decrypted and not read yet, ok_tls_pending): loop.c serves it
 * again before it waits, as no event would come for it. */
bool conn_has_input(const struct server *s, int fd);
/* The peer as the -v log names it ("127.0.0.1:51234", "[::1]:51234", "unix"), for a message
 * about a descriptor not opened as a connection. */
const char *conn_name_peer(const struct sockaddr *peer, socklen_t len, char *buf, size_t size);

#endif
