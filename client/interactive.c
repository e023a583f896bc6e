/* interactive.c - the terminal mode: the line editor (lineedit.h) and the socket in one loop. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "client.h"
#include "lineedit.h"
#include "sigwait.h"

enum { POLL_TTY, POLL_NETOUT, POLL_NETIN, POLL_COUNT };

struct tty_state {
	struct okc_session *s;
	struct okc_buf rx, out;
	char *line;              /* the line being sent, LF included; NULL when none */
	size_t line_len, line_off;
	int input_done;          /* Ctrl-D, or a Q line was entered */
	struct okc_history history;
	int out_closed;          /* stdout is a pipe whose reader left */
	int out_err;             /* errno of a real failure writing stdout, 0 if none */
	char prompt[OK_SOCKADDR_STRLEN + 2]; /* the peer, "> " */
};

/* The editor's line handler takes no user pointer: the one session lives here. */
static struct tty_state *tty;
static volatile sig_atomic_t got_quit;   /* SIGINT, SIGTERM or SIGHUP: its number */
static volatile sig_atomic_t got_winch;
static volatile sig_atomic_t got_tstp;

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		got_winch = 1;
	else if (sig == SIGTSTP)
		got_tstp = 1;
	else
		got_quit = sig;
	ok_sigwait_wake();
}

/* Prints server output without breaking the line being typed. */
static void show_output(const char *p, size_t n, FILE *f)
{
	if (lineedit_show_above(p, n, f) == 0)
		return;
	if (errno == EPIPE)
		tty->out_closed = 1;
	else
		tty->out_err = errno; /* a full disk must not lose replies silently */
}

/* Saves history after every line, so a crash or a closing server loses none of it. A file
 * that cannot be saved is said once, then no longer used. */
static void save_history(void)
{
	struct ok_err e;

	if (okc_history_save(&tty->history, &e) < 0)
		fprintf(stderr, "okclient: %s\n", e.msg);
}

/* The editor hands over each entered line (NULL for Ctrl-D); it is only queued here. */
static void on_line(char *line)
{
	size_t len;
	char *with_lf;

	if (line == NULL) {
		tty->input_done = 1;
		lineedit_stop(0);
		return;
	}
	if (line[0] != '\0') {
		lineedit_add_history(line);
		save_history();
	}
	len = strlen(line);
	with_lf = realloc(line, len + 1 + 1);
	if (with_lf == NULL) {
		free(line);
		fprintf(stderr, "okclient: out of memory: line not sent\n");
		return;
	}
	with_lf[len] = '\n';
	with_lf[len + 1] = '\0';
	tty->line = with_lf;
	tty->line_len = len + 1;
	tty->line_off = 0;
	/* The server ends the conversation after a Q line: nothing more is read. */
	if (with_lf[0] == 'Q') {
		tty->input_done = 1;
		lineedit_stop(0);
	}
}

/*
 * One send of the pending line. The line is freed once it is all out, or once the server is
 * gone (what it said last is still read).
 */
static enum okc_send_result send_line(struct tty_state *t)
{
	struct okc_buf b = { t->line, t->line_len, t->line_off, t->line_len };
	enum okc_send_result r = okc_send_pending(t->s, &b);

	if (r == OKC_SEND_PEER_GONE || okc_buf_used(&b) == 0) {
		free(t->line);
		t->line = NULL;
	} else {
		t->line_off = b.start;
	}
	return r;
}

/* ~/.okclient_history, or --history FILE; NULL when there is no home to keep it in. */
static char *history_path(const struct okc_options *o)
{
	const char *home = getenv("HOME");
	char *path;
	size_t len;

	if (o->history != NULL)
		return strdup(o->history);
	if (home == NULL || home[0] == '\0')
		return NULL;
	len = strlen(home) + 1 + strlen(OKC_HISTORY_NAME) + 1;
	path = malloc(len);
	if (path != NULL)
		snprintf(path, len, "%s/%s", home, OKC_HISTORY_NAME);
	return path;
}

/* The history file read; one that is refused or cannot be read is said once and not used. */
static void load_history(struct tty_state *t, const struct okc_options *o)
{
	char *path = history_path(o);
	struct ok_err e;

	if (okc_history_open(&t->history, path, OKC_HISTORY_MAX, &e) < 0)
		fprintf(stderr, "okclient: %s\n", e.msg);
	free(path);
}

/* The signals the prompt takes, with our own handlers: blocked except inside ok_sigwait; the
 * editor has none (start_prompt). */
static const int taken[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP };
#define TAKEN_COUNT (sizeof taken / sizeof taken[0])

static int catch_signals(sigset_t *old)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (size_t i = 0; i < TAKEN_COUNT; i++) {
		if (sigaction(taken[i], &sa, NULL) < 0)
			return -1;
		sigaddset(&block, taken[i]);
	}
	return sigprocmask(SIG_BLOCK, &block, old);
}

static void release_signals(const sigset_t *old)
{
	for (size_t i = 0; i < TAKEN_COUNT; i++)
		signal(taken[i], SIG_DFL);
	sigprocmask(SIG_SETMASK, old, NULL);
	ok_sigwait_close(); /* no handler left to write to its pipe */
}

/* What ok_sigwait needs (a self-pipe, on some systems), then our handlers. NULL, or the call
 * that failed with errno set. */
static const char *take_signals(sigset_t *old)
{
	int err;

	if (ok_sigwait_open() < 0)
		return "pipe";
	if (catch_signals(old) == 0)
		return NULL;
	err = errno;
	ok_sigwait_close();
	errno = err;
	return "sigaction";
}

/* Ctrl-Z: give the terminal back, stop, and take it again on fg. */
static void suspend_self(void)
{
	sigset_t tstp;

	got_tstp = 0;
	lineedit_suspend();
	signal(SIGTSTP, SIG_DFL);
	sigemptyset(&tstp);
	sigaddset(&tstp, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &tstp, NULL);
	kill(getpid(), SIGTSTP); /* stops here until fg */
	(void)catch_signals(NULL); /* worked once with the same arguments */
	lineedit_resume();
}

/*
 * Writes what out holds up to its last LF: at a prompt a line is shown whole, since the prompt
 * is drawn again after whatever is shown. All of it when all is set (the stream is over), or
 * when a line too long to wait for has filled half the buffer.
 */
static void show_lines(struct tty_state *t, int all)
{
	size_t n = okc_buf_used(&t->out);

	if (!all && n < t->out.cap / 2) {
		while (n > 0 && t->out.data[t->out.start + n - 1] != '\n')
			n--;
	}
	if (n > 0)
		show_output(t->out.data + t->out.start, n, stdout);
	okc_buf_consume(&t->out, n);
}

/* Shows every complete reply received so far (ERR lines are kept for the final message); at
 * the end of the stream (eof), the rest too. */
static void show_replies(struct tty_state *t, int eof)
{
	while (okc_buf_used(&t->rx) > 0) {
		size_t used;

		okc_buf_compact(&t->out);
		used = okc_feed_replies(&t->s->rep, t->rx.data + t->rx.start, okc_buf_used(&t->rx), eof,
		                        &t->out);
		okc_buf_consume(&t->rx, used);
		show_lines(t, eof);
		if (used == 0)
			break;
	}
}

/* The conversation is over: nothing more is read, so what came is shown as if the stream had
 * ended there (a line left unfinished, by -t or a failure, ends with its LF as a cut one does). */
static void show_the_rest(struct tty_state *t)
{
	show_replies(t, 1);
	okc_end_replies(&t->s->rep, &t->out);
	show_lines(t, 1);
}

/* Arms the slots: the terminal only while no line waits to be sent; the socket's for the
 * events the transport asked for. */
static void set_events(struct tty_state *t, struct pollfd *pfd)
{
	struct okc_session *s = t->s;

	pfd[POLL_TTY].fd = lineedit_active() && t->line == NULL ? STDIN_FILENO : -1;
	pfd[POLL_TTY].events = POLLIN;
	pfd[POLL_NETOUT].fd = t->line != NULL || s->shut_again ? s->st.fd : -1;
	pfd[POLL_NETOUT].events = s->send_wait;
	pfd[POLL_NETIN].fd = !s->net_eof ? s->st.fd : -1;
	pfd[POLL_NETIN].events = s->recv_wait;
	for (int i = 0; i < POLL_COUNT; i++)
		pfd[i].revents = 0;
}

/* Does what ok_sigwait said is ready; -1 when the connection failed (the session says how). A
 * socket slot's revents is what it waited for, or trouble: its call tells which. The line
 * slot may be armed for the half-close alone, which check_ending finishes. */
static int handle_events(struct tty_state *t, const struct pollfd *pfd)
{
	if (pfd[POLL_NETIN].revents != 0 && okc_recv_replies(t->s, &t->rx) < 0)
		return -1;
	if (pfd[POLL_NETOUT].revents != 0 && t->line != NULL && send_line(t) == OKC_SEND_FAILED)
		return -1;
	if (pfd[POLL_TTY].revents != 0)
		lineedit_feed_char();
	return 0;
}

/* Acts on the flags our signal handlers set; an ending only for SIGINT, SIGTERM, SIGHUP. */
static struct okc_end handle_signals(void)
{
	if (got_quit)
		return (struct okc_end){ .how = OKC_ENDED_SIGNAL, .signo = got_quit };
	if (got_winch) {
		got_winch = 0;
		lineedit_resize();
	}
	if (got_tstp)
		suspend_self();
	return okc_ended(OKC_GOING);
}

/* What printing replies came to: OKC_GOING while stdout takes them. */
static struct okc_end check_stdout(const struct tty_state *t)
{
	/* Our reader left (okclient | head): nothing we print can matter any more. */
	if (t->out_closed)
		return okc_ended(OKC_ENDED_STDOUT_GONE);
	if (t->out_err)
		return (struct okc_end){ .how = OKC_ENDED_LOCAL_FAILED,
		                         .what = "write standard output", .err = t->out_err };
	return okc_ended(OKC_GOING);
}

/* Whether the conversation is over, one rule a line, in this order; OKC_GOING if not. */
static struct okc_end check_ending(struct tty_state *t)
{
	struct okc_session *s = t->s;
	struct okc_end end = check_stdout(t);

	if (end.how != OKC_GOING)
		return end;
	/* Input over and the last line out: the server answers the rest, then closes. */
	if (t->input_done && t->line == NULL && okc_shut_sending(s) < 0)
		return okc_ended(OKC_ENDED_NET_FAILED);
	if (s->net_eof && okc_buf_used(&t->rx) == 0)
		return okc_ended(OKC_ENDED_SERVER_CLOSED);
	return okc_ended(OKC_GOING);
}

/* The loop, until a signal, check_ending, the -t clock or the connection ends it. */
static struct okc_end converse(struct tty_state *t, const sigset_t *open_mask)
{
	struct okc_session *s = t->s;
	struct pollfd pfd[POLL_COUNT + 1]; /* one slot more for ok_sigwait (sigwait.h) */

	for (;;) {
		struct okc_end end;
		int timeout, pending;

		if ((end = handle_signals()).how != OKC_GOING)
			return end;
		show_replies(t, s->net_eof);
		if ((end = check_ending(t)).how != OKC_GOING)
			return end;
		timeout = okc_arm_timer(s, !s->net_eof && (s->sent > s->rep.answered || s->wr_shut ||
		                                        t->line != NULL));
		if (okc_timer_expired(s))
			return okc_ended(OKC_ENDED_TIMED_OUT);
		set_events(t, pfd);
		/* Bytes TLS has decrypted already make no descriptor readable: take them at once. */
		pending = pfd[POLL_NETIN].fd >= 0 && okc_recv_pending(s);
		/* Signals are let in only while waiting, so none is missed between check and wait. */
		if (ok_sigwait(pfd, POLL_COUNT, pending ? 0 : timeout < 0 ? -1 : timeout * 1000000LL,
		               open_mask) < 0)
			continue; /* a signal: its flag is handled at the top */
		if (pending)
			pfd[POLL_NETIN].revents |= POLLIN;
		if (handle_events(t, pfd) < 0)
			return okc_ended(OKC_ENDED_NET_FAILED);
	}
}

/* The editor set up, with signals left to us, its history loaded, the prompt shown, after one
 * line that says how to leave. */
static void start_prompt(struct tty_state *t, const struct okc_options *o)
{
	fprintf(stderr, "connected to %s; a line starting with Q ends the session, Ctrl-D leaves\n",
	        t->s->peer);
	/* stdout redirected to a file gets the replies; the prompt stays on the terminal. */
	lineedit_init("okclient", isatty(STDOUT_FILENO) ? stdout : stderr);
	load_history(t, o);
	snprintf(t->prompt, sizeof t->prompt, "%s> ", t->s->peer);
	lineedit_start(t->prompt, on_line);
}

/* Frees what the mode holds; the terminal is already restored. */
static void free_state(struct tty_state *t)
{
	free(t->line);
	okc_history_close(&t->history);
	okc_buf_free(&t->rx);
	okc_buf_free(&t->out);
}

/*
 * The prompt is gone: show the server's last words, which may still find stdout gone or
 * failing, and note whether all input was sent. A signal or a stdout failure shows nothing.
 */
static struct okc_end settle_ending(struct tty_state *t, struct okc_end end)
{
	if (end.how == OKC_ENDED_SIGNAL || end.how == OKC_ENDED_LOCAL_FAILED)
		return end;
	show_the_rest(t);
	if (check_stdout(t).how != OKC_GOING)
		return check_stdout(t);
	end.input_done = t->input_done && t->line == NULL;
	return end;
}

struct okc_end okc_run_interactive(struct okc_session *s, const struct okc_options *o)
{
	struct tty_state t;
	sigset_t open_mask;
	struct okc_end end;
	const char *failed;

	memset(&t, 0, sizeof t);
	t.history.fd = -1;
	t.s = s;
	tty = &t;
	if (okc_buf_init(&t.rx, OKC_BUF_SIZE) < 0 || okc_buf_init(&t.out, OKC_BUF_SIZE) < 0) {
		free_state(&t);
		return (struct okc_end){ .how = OKC_ENDED_LOCAL_FAILED, .what = "out of memory" };
	}
	if ((failed = take_signals(&open_mask)) != NULL) {
		end = (struct okc_end){ .how = OKC_ENDED_LOCAL_FAILED, .what = failed, .err = errno };
		free_state(&t);
		return end;
	}
	start_prompt(&t, o);
	end = converse(&t, &open_mask);
	lineedit_stop(1);
	release_signals(&open_mask);
	end = settle_ending(&t, end);
	free_state(&t);
	return end;
}
