/* server.h - okserver's shared state and limits: what the loop, the connections and main share. */
#ifndef OK_SERVER_H
#define OK_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "framer.h"
#include "util.h" /* OK_DEFAULT_PORT, OK_DEFAULT_ADDR, ok_now_ms */

/* Every limit a user can observe is named here once (documented in --help and okserver(1));
 * the default port and address are common/util.h's, shared with okclient. */
#define OK_MAX_CLIENTS_DEFAULT 1024u
#define OK_MAX_CLIENTS_LIMIT   1000000u
#define OK_IDLE_TIMEOUT_MAX    2147483u  /* seconds: the milliseconds still fit an int */
#define OK_FD_RESERVE          8         /* stdio, listener, epoll, signalfd, daemon pipe, spare */
#define OK_READ_CHUNK          16384     /* one read; its replies always fit the output buffer */
#define OK_CLOSE_MS            2000      /* a closing connection's grace: flush, then linger */
#define OK_SHUTDOWN_MS         3000      /* SIGTERM to exit, even with clients that do not read */
#define OK_ACCEPT_RETRY_MS     1000      /* out of descriptors: try accept() again this often */
#define OK_EMFILE_LOG_MS       60000     /* ... and say so at most this often */

enum conn_state { CONN_FREE = 0, CONN_OPEN, CONN_CLOSING, CONN_LINGER };

/* Why a connection ended, for the -v log. */
enum conn_why { WHY_NONE = 0, WHY_QUIT, WHY_EOF, WHY_TOO_LONG, WHY_IDLE, WHY_FULL,
                WHY_SHUTDOWN, WHY_ERROR };

#define CONN_WANT_OUT 0x01u /* epoll interest is EPOLLOUT (output pending), else EPOLLIN */
#define CONN_PEER_EOF 0x02u /* the client half-closed: nothing left to linger for */
#define CONN_COUNTED  0x04u /* counts against --max-clients (refused ones do not) */
#define CONN_ON_IDLE  0x08u /* on the idle deadline list */
#define CONN_ON_CLOSE 0x10u /* on the closing deadline list */

/*
 * One client, in an array indexed by its descriptor. Small on purpose: input is read into the
 * loop's shared buffer and framed in place, so a connection owns memory only for a Q line in
 * progress (inside the framer) and for output the socket would not take yet (pend).
 */
struct conn {
	struct ok_framer fr;
	char *pend;              /* unsent output, malloc'd only while there is some */
	uint32_t pend_len, pend_off;
	int64_t stamp;           /* ms: last activity (open) or last progress (closing) */
	int prev, next;          /* deadline list links, by descriptor; -1 ends */
	uint32_t peer_addr;      /* network order, for the log */
	uint16_t peer_port;
	uint8_t state, why, flags;
	int err;                 /* errno behind WHY_ERROR */
};

/* A FIFO of connections whose deadlines are stamp + one fixed delay: the head expires first. */
struct deadline_list {
	int head, tail;
	int64_t delay_ms;
};

struct server {
	int epfd, lfd, sigfd;
	struct conn *conns;
	int nconns;              /* size of conns: the open-file limit */
	unsigned clients;        /* counted connections */
	unsigned open;           /* every open connection, refused ones included */
	unsigned max_clients;
	uint32_t max_line;
	bool verbose, once, once_done, stopping, accept_paused, fd_freed, now_valid;
	int64_t now, accept_retry_at, stop_at, emfile_logged_at;
	struct deadline_list idle, closing;
	char in[OK_READ_CHUNK];
	char out[OK_FRAMER_OUT_MAX(OK_READ_CHUNK)];
};

/* loop.c */
#define LOOP_READ  0x01u
#define LOOP_WRITE 0x02u
int64_t server_now(struct server *s);
int server_run(struct server *s);
int loop_add_fd(struct server *s, int fd, unsigned what);  /* 0, or -1 with errno */
int loop_mod_fd(struct server *s, int fd, unsigned what);

/* conn.c */
void conn_open(struct server *s, int fd, const struct sockaddr_in *peer, bool refuse);
void conn_on_event(struct server *s, int fd, uint32_t events);
void conn_expire(struct server *s, int fd);
void conn_stop(struct server *s, int fd);
void conn_close(struct server *s, int fd);

/* deadline.c */
void deadline_push(struct server *s, struct deadline_list *l, int fd);
void deadline_remove(struct server *s, struct deadline_list *l, int fd);
int64_t deadline_next(const struct server *s, const struct deadline_list *l);

/* log.c */
void server_log(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

#endif
