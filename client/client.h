/* client.h - what okclient's parts share: options, exit codes, buffers, the session state. */
#ifndef OK_CLIENT_H
#define OK_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "err.h"
#include "netaddr.h"
#include "tls.h"
#include "transport.h"
#include "util.h"

/* Every constant a user can observe, named once; --help and okclient(1) document them.
 * The default host and port are common/util.h's OK_DEFAULT_ADDR and OK_DEFAULT_PORT. */
#define OKC_HISTORY_NAME ".okclient_history" /* under $HOME */
#define OKC_HISTORY_MAX 1000                 /* lines kept in the history file */
#define OKC_HISTORY_NONE "/dev/null"         /* --history FILE that means none is kept */
#define OKC_TIMEOUT_MAX 2147483UL            /* seconds: poll()'s limit in milliseconds */
#define OKC_BUF_SIZE 65536                   /* each direction's buffer, in bytes */
#define OKC_REPLY_PREFIX "Server: "
#define OKC_ERR_KEEP 256                     /* bytes of a server's ERR line we repeat */
/* -U's longest path: what sun_path holds with its NUL (107 bytes on Linux). */
#define OKC_UNIX_PATH_MAX (sizeof ((struct sockaddr_un *)0)->sun_path - 1)

/* Exit status, okclient(1). */
enum okc_exit {
	OKC_EXIT_OK = 0,
	/*
	 * Something on this machine failed, not the server or the network: socket() (the manual's
	 * "1 socket failed"), or reading standard input, writing standard output, poll, memory.
	 */
	OKC_EXIT_LOCAL = 1,
	OKC_EXIT_CONNECT = 2,
	OKC_EXIT_ADDRESS = 3,
	OKC_EXIT_SEND = 4,
	OKC_EXIT_LOST = 5,
	OKC_EXIT_SERVER_ERR = 6,
	OKC_EXIT_TIMEOUT = 7,
	/* The TLS handshake failed, the server's certificate did not verify, or the server
	 * refused ours (in TLS 1.3 its alert comes at the first read). */
	OKC_EXIT_TLS = 8,
	OKC_EXIT_USAGE = 64
};

/* The longest HOST, from HOST:PORT: a name of NI_MAXHOST bytes, or a bracketed address. */
#define OKC_HOST_MAX 1025

struct okc_options {
	int raw;                 /* -r: replies bare */
	int greeting;            /* --greeting: the server's first line is a greeting */
	int timeout_s;           /* -t: 0 means none */
	const char *history;     /* --history, NULL for ~/.okclient_history */
	int family;              /* -4 AF_INET, -6 AF_INET6, else AF_UNSPEC */
	const char *unix_path;   /* -U: a Unix-domain socket instead of HOST and PORT; or NULL */
	const char *host;        /* the operand, or host_buf when it held a port too */
	uint16_t port;
	char host_buf[OKC_HOST_MAX];
	const char *tls;         /* the first --tls-... option given, "tls-ca": TLS is on; or NULL */
	struct ok_tls_client_conf tls_conf; /* --tls-ca, -cert, -key, -servername, -insecure */
};

/* What okc_parse_options asks main to do. */
enum okc_action { OKC_RUN, OKC_HELP, OKC_VERSION, OKC_USAGE_ERROR };

/* options.c: pure parsing; on OKC_USAGE_ERROR, e holds the message (code OKC_EXIT_USAGE). */
enum okc_action okc_parse_options(int argc, char **argv, struct okc_options *o,
                                  struct ok_err *e);
void okc_print_usage(void);
void okc_print_version(void);

/*
 * connect.c: -U's path, or o->host resolved, each address tried in turn within one -t
 * deadline; the fd with the address it reached in *peer and *peerlen, or -1 with e set (its
 * code the exit status: OKC_EXIT_LOCAL, _CONNECT, _ADDRESS or _TIMEOUT). *deadline: when that
 * -t deadline ends (ok_now_ms's clock; -1 without -t), which the TLS handshake shares.
 */
int okc_connect_server(const struct okc_options *o, struct sockaddr_storage *peer,
                       socklen_t *peerlen, int64_t *deadline, struct ok_err *e);


/*
 * A bounded byte queue: data[start, end) is pending. Bytes are added at the tail (end) and
 * taken from the head (start); what was taken is reused once okc_buf_compact moves the rest
 * to the front.
 */
struct okc_buf {
	char *data;
	size_t cap, start, end;
};

int okc_buf_init(struct okc_buf *b, size_t cap);
void okc_buf_free(struct okc_buf *b);
/* Makes the consumed head part of the tail room once the tail runs short (see buffer.c). */
void okc_buf_compact(struct okc_buf *b);
/* Takes n pending bytes from the head; an emptied queue starts again at the front. */
void okc_buf_consume(struct okc_buf *b, size_t n);
/* Bytes pending. */
static inline size_t okc_buf_used(const struct okc_buf *b) { return b->end - b->start; }
/* Bytes that can be added at data + end now, without compacting. */
static inline size_t okc_buf_tail_room(const struct okc_buf *b) { return b->cap - b->end; }
/* Bytes not pending: the tail room plus the consumed head. Non-zero means that after
 * okc_buf_compact the tail room is non-zero too. */
static inline size_t okc_buf_unused(const struct okc_buf *b) { return b->cap - okc_buf_used(b); }

/* lines.c: watches what is queued for sending: counts lines, stops after a line starting Q. */
struct okc_lines {
	int mid_line;            /* the last byte examined was not LF */
	int in_q;                /* inside a line that starts with Q */
	int done;                /* a Q line was completed: queue nothing more */
};

/* Examines n new bytes; returns how many to keep (the rest follows a Q line and is dropped). */
size_t okc_scan_lines(struct okc_lines *s, const char *p, size_t n);
/* The number of LF bytes in p[0, n). */
unsigned long long okc_count_lf(const char *p, size_t n);

/*
 * escape.c: what the server sent, made safe to show. On a terminal a control character is
 * shown as an escape (\x1b, \r; a backslash as \\), so a server cannot move the cursor,
 * retitle the window or write the clipboard; in a pipe bytes pass unchanged.
 */
enum okc_show {
	OKC_SHOW_RAW,            /* not a terminal: every byte as it came */
	OKC_SHOW_ASCII,          /* a terminal of another character set: bytes >= 0x80 escaped too */
	OKC_SHOW_UTF8            /* a UTF-8 terminal: valid UTF-8 passes, but not the C1 controls
	                          * (U+0080-U+009F) */
};
#define OKC_ESCAPE_MAX 4     /* the longest escape of one byte: \xhh */

/*
 * Copies in[0, n) into out[0, cap) as mode shows it; returns the bytes of in consumed, with
 * *outlen the bytes written. Stops where out has no room for the next character, and, unless
 * final (the text ends there), before a UTF-8 sequence that in ends in the middle of.
 */
size_t okc_escape(enum okc_show mode, const char *in, size_t n, int final, char *out,
                  size_t cap, size_t *outlen);

/* replies.c: bytes from the server to what the user sees; counts replies, catches ERR. */
struct okc_replies {
	int raw;
	enum okc_show show;      /* how reply bytes reach stdout */
	int greeting_due;        /* --greeting: the next line is the greeting, not a reply */
	int cut;                 /* a line was cut off by the server's close */
	int mid_line;            /* inside a reply whose start is already handled */
	int in_err;              /* the current line is an ERR line: collected, not shown */
	unsigned long long answered; /* replies ended by LF (a cut-off one is shown, not counted) */
	int err_seen;
	size_t err_len;          /* bytes of err kept (it may hold a NUL) */
	char err[OKC_ERR_KEEP];
};

/*
 * Turns as much of in[0, n) as fits into out: replies printed (prefixed unless raw, CR LF as
 * LF), ERR lines collected in r->err. Returns the bytes consumed; bytes it cannot judge yet (a
 * line start shorter than "ERR ", a CR that may precede LF) wait for more unless eof.
 */
size_t okc_feed_replies(struct okc_replies *r, const char *in, size_t n, int eof,
                        struct okc_buf *out);
/* Nothing more will be read (-t ran out): a line left unfinished is ended as a cut one is. */
void okc_end_replies(struct okc_replies *r, struct okc_buf *out);

/*
 * session.c: the connection both modes drive. Its bytes go through a transport (common/
 * transport.h), which may need the other direction first (a TLS read that must write): each
 * side's poll event is the one its transport last asked for, so the loops poll st.fd for
 * send_wait while the sending side has work and for recv_wait while replies are read.
 */
struct okc_session {
	struct ok_stream st;     /* st.fd -1 once closed */
	short send_wait;         /* POLLOUT, or POLLIN when the transport must read to send */
	short recv_wait;         /* POLLIN, or POLLOUT when it must write to receive */
	char peer[OK_SOCKADDR_STRLEN]; /* "127.0.0.1:4242", "[::1]:4242", "unix:PATH" */
	int timeout_ms;          /* < 0: none */
	unsigned long long sent; /* complete lines written to the connection */
	struct okc_replies rep;
	enum okc_show err_show;  /* how the ERR line reaches stderr */
	int wr_shut;             /* our sending side is closed, or closing (shut_again) */
	int shut_again;          /* the half-close is to be called again once send_wait is ready */
	int net_eof;             /* the server closed (or reset) its side */
	int send_err;            /* errno of a send or half-close that failed, 0 if none */
	int send_cut;            /* the server went away while we sent: the rest was dropped */
	int recv_err;            /* errno of a failed recv (not EOF), 0 if none */
	char tls_failure[200];   /* why TLS failed after the handshake (a refusing alert), or "" */
	int64_t wait_since;      /* when the current wait for the server began; -1: not waiting */
};

/*
 * tls_setup.c: TLS when the options ask for it. okc_tls_prepare, before connecting, makes the
 * context (*ctx NULL when they ask for none); 0, or -1 with e (exit 1: a file that cannot be
 * read or used). okc_start_tls turns the session's plain stream into TLS over the same fd and
 * finishes the handshake by the deadline (-1: none); then one line on stderr says what was
 * agreed when interactive, or, in a pipe, that --tls-insecure verified nothing. 0, or -1 with e
 * (exit 8; 7 when the deadline passed; 1). ctx stays the caller's to free.
 */
int okc_tls_prepare(const struct okc_options *o, struct ok_tls_ctx **ctx, struct ok_err *e);
int okc_start_tls(struct okc_session *s, struct ok_tls_ctx *ctx, const struct okc_options *o,
                  const struct sockaddr *peer, int64_t deadline, int interactive,
                  struct ok_err *e);

/* A session over st (a connected stream; the session owns it from now on). */
void okc_session_init(struct okc_session *s, const struct ok_stream *st,
                      const struct sockaddr *peer, socklen_t peerlen,
                      const struct okc_options *o);
/* Closes the stream (once the mode is over; the counts stay for okc_conclude). */
void okc_session_close(struct okc_session *s);
/* What one send came to. */
enum okc_send_result {
	OKC_SEND_OK,             /* the transport took what it could (maybe nothing yet) */
	OKC_SEND_PEER_GONE,      /* the server went away (send_cut set): drop the rest, and read
	                          * what it said last */
	OKC_SEND_FAILED          /* a real error (send_err set): the conversation is over */
};

/* One send of b's pending bytes (at least one); counts lines. */
enum okc_send_result okc_send_pending(struct okc_session *s, struct okc_buf *b);
/* One recv into b; sets net_eof on end or reset. -1 only on an unexpected error. */
int okc_recv_replies(struct okc_session *s, struct okc_buf *b);
/* 1 when the stream holds received bytes (TLS decrypts a whole record) that a recv returns
 * without the descriptor becoming readable: the loops recv again without waiting. */
int okc_recv_pending(const struct okc_session *s);
/* Half-closes once, unless the connection is already over (again while shut_again; a
 * connection found over clears shut_again); -1 on error (send_err set). */
int okc_shut_sending(struct okc_session *s);
/* Whether a reply is awaited; keeps wait_since; the poll timeout in ms (-1: none). */
int okc_arm_timer(struct okc_session *s, int waiting);
int okc_timer_expired(const struct okc_session *s);
/* How a conversation ended, as the mode that ran it saw it. */
enum okc_ending {
	OKC_GOING = 0,           /* not over: a mode's loop goes on */
	OKC_ENDED_SERVER_CLOSED, /* the server closed and all it said is out: the session's
	                          * counts decide (0 every line answered, 5 lost, 6 ERR) */
	OKC_ENDED_NET_FAILED,    /* sending or receiving failed (send_err, recv_err): 4 or 5 */
	OKC_ENDED_TIMED_OUT,     /* -t ran out while a reply was awaited: 7 (6 after an ERR) */
	OKC_ENDED_STDOUT_GONE,   /* our reader left (okclient | head): 0, quietly, in both modes */
	OKC_ENDED_LOCAL_FAILED,  /* stdin, stdout, poll, memory or signals failed: 1 */
	OKC_ENDED_SIGNAL         /* SIGINT, SIGTERM or SIGHUP at the prompt: raised again */
};

struct okc_end {
	enum okc_ending how;
	int input_done;          /* every line of input was sent (what "all answered" needs) */
	int signo;               /* OKC_ENDED_SIGNAL: which */
	const char *what;        /* OKC_ENDED_LOCAL_FAILED: what failed, "read standard input" */
	int err;                 /* OKC_ENDED_LOCAL_FAILED: its errno, 0 when there is none */
};

/* An ending that needs nothing more said about it. */
static inline struct okc_end okc_ended(enum okc_ending how)
{
	return (struct okc_end){ .how = how };
}

/* history.c: the prompt's history file, opened without following a link, checked (a regular
 * file of ours), then read and saved through its descriptor alone. */
struct okc_history {
	int fd;                  /* -1: none open (none yet, or none used) */
	char *path;              /* NULL: no file is kept */
	int write_err;           /* errno of the open for writing, when it could only be read */
};

/* Starts the editor's history list (at most max lines) and reads path into it (NULL or
 * OKC_HISTORY_NONE: none). 0, or -1 with e saying why the file is not used. */
int okc_history_open(struct okc_history *h, const char *path, int max, struct ok_err *e);
/* The list into the file (made, mode 0600, when missing). 0, or -1 with e saying why the file
 * is no longer used. */
int okc_history_save(struct okc_history *h, struct ok_err *e);
void okc_history_close(struct okc_history *h);

/* pipe.c and interactive.c: the two modes; each says how the conversation ended. */
struct okc_end okc_run_pipe(struct okc_session *s, const struct okc_options *o);
struct okc_end okc_run_interactive(struct okc_session *s, const struct okc_options *o);

/*
 * ending.c: the one place that turns an ending into the exit status. Prints the final
 * diagnostic, if any; an OKC_ENDED_SIGNAL is raised again (with the default action) so our
 * parent sees how we ended. Call it once the terminal is restored and the socket closed.
 */
int okc_conclude(const struct okc_session *s, const struct okc_end *e);

#endif
