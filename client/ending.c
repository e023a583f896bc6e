/* ending.c - how a conversation ended, to okclient's exit status: the one place that picks it. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "client.h"

/* The server's ERR line on stderr, escaped there as on a terminal it must be. */
static void say_err_line(const struct okc_session *s)
{
	char shown[OKC_ERR_KEEP * OKC_ESCAPE_MAX + 1];
	size_t len;

	okc_escape(s->err_show, s->rep.err, s->rep.err_len, 1, shown, sizeof shown - 1, &len);
	fprintf(stderr, "okclient: server %s: ", s->peer);
	fwrite(shown, 1, len, stderr);
	fputc('\n', stderr);
}

/*
 * The connection ended before the conversation did (status 5): says how, for the case at
 * hand. Lines unanswered are counted; when every line sent was answered, the message says
 * what else went missing: the end of a line from the server, or the rest of the input.
 */
static int say_lost(const struct okc_session *s, int input_done)
{
	unsigned long long got = s->rep.answered, sent = s->sent;

	if (got < sent || (input_done && !s->send_cut && !s->rep.cut))
		fprintf(stderr, "okclient: connection to %s lost: answered %llu of %llu lines\n",
		        s->peer, got, sent);
	else if (s->rep.cut)
		fprintf(stderr, "okclient: connection to %s lost in the middle of a line; every line"
		        " sent (%llu) was answered\n", s->peer, sent);
	else
		fprintf(stderr, "okclient: connection to %s lost: every line sent (%llu) was answered,"
		        " but the input was not finished\n", s->peer, sent);
	return OKC_EXIT_LOST;
}

/* The session's verdict once it is over: ERR, timeout, a TLS failure, another failure, loss,
 * or every line answered. */
static int judge_session(const struct okc_session *s, int input_done, int timed_out)
{
	unsigned long long got = s->rep.answered, sent = s->sent;

	if (s->rep.err_seen) {
		say_err_line(s);
		return OKC_EXIT_SERVER_ERR;
	}
	if (timed_out) {
		fprintf(stderr, "okclient: no reply from %s in %d s: answered %llu of %llu lines\n",
		        s->peer, s->timeout_ms / 1000, got, sent);
		return OKC_EXIT_TIMEOUT;
	}
	if (s->tls_failure[0] != '\0') {
		fprintf(stderr, "okclient: TLS with %s: %s: answered %llu of %llu lines\n", s->peer,
		        s->tls_failure, got, sent);
		return OKC_EXIT_TLS;
	}
	if (s->send_err != 0) {
		fprintf(stderr, "okclient: send to %s: %s\n", s->peer, strerror(s->send_err));
		return OKC_EXIT_SEND;
	}
	if (s->recv_err != 0) {
		fprintf(stderr, "okclient: receive from %s: %s: answered %llu of %llu lines\n",
		        s->peer, strerror(s->recv_err), got, sent);
		return OKC_EXIT_LOST;
	}
	if (input_done && s->net_eof && !s->send_cut && !s->rep.cut && got >= sent)
		return OKC_EXIT_OK;
	return say_lost(s, input_done);
}

int okc_conclude(const struct okc_session *s, const struct okc_end *e)
{
	switch (e->how) {
	case OKC_ENDED_STDOUT_GONE:
		return OKC_EXIT_OK; /* okclient(1): output to a closed pipe ends it quietly */
	case OKC_ENDED_LOCAL_FAILED:
		if (e->err != 0)
			fprintf(stderr, "okclient: %s: %s\n", e->what, strerror(e->err));
		else
			fprintf(stderr, "okclient: %s\n", e->what);
		return OKC_EXIT_LOCAL;
	case OKC_ENDED_SIGNAL:
		signal(e->signo, SIG_DFL);
		raise(e->signo);
		return 128 + e->signo; /* the signal is blocked after all: the shell's number for it */
	case OKC_ENDED_TIMED_OUT:
		return judge_session(s, e->input_done, 1);
	case OKC_GOING:
	case OKC_ENDED_SERVER_CLOSED:
	case OKC_ENDED_NET_FAILED:
		break;
	}
	return judge_session(s, e->input_done, 0);
}
