/* test_client_ending.c - okclient's endings: what a send comes to, and okc_conclude's status. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../client/client.h" /* the Makefile gives only -Icommon */

static char said[512]; /* what okc_conclude wrote on stderr */

/* A session over: sent lines, answered ones, the server closed, input all sent. */
static void over(struct okc_session *s, unsigned long long sent, unsigned long long answered)
{
	memset(s, 0, sizeof *s);
	ok_stream_plain(&s->st, -1);
	snprintf(s->peer, sizeof s->peer, "127.0.0.1:4242");
	s->timeout_ms = 1000;
	s->sent = sent;
	s->rep.answered = answered;
	s->net_eof = 1;
}

/* okc_conclude with stderr caught in `said`. */
static int conclude(const struct okc_session *s, struct okc_end e)
{
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO), status;
	size_t n;

	assert_non_null(f);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(f), STDERR_FILENO) >= 0);
	status = okc_conclude(s, &e);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(said, 1, sizeof said - 1, f);
	said[n] = '\0';
	fclose(f);
	return status;
}

static void stdout_gone_is_quiet_whatever_else_happened(void **state)
{
	struct okc_session s;
	(void)state;
	over(&s, 5, 2);
	s.rep.err_seen = 1;
	assert_int_equal(conclude(&s, okc_ended(OKC_ENDED_STDOUT_GONE)), 0);
	assert_string_equal(said, "");
}

static void local_failure_is_1_and_says_what(void **state)
{
	struct okc_session s;
	struct okc_end e = { .how = OKC_ENDED_LOCAL_FAILED, .what = "write standard output",
	                     .err = ENOSPC };
	(void)state;
	over(&s, 1, 1);
	assert_int_equal(conclude(&s, e), 1);
	assert_string_equal(said, "okclient: write standard output: No space left on device\n");
	e = (struct okc_end){ .how = OKC_ENDED_LOCAL_FAILED, .what = "out of memory" };
	assert_int_equal(conclude(&s, e), 1);
	assert_string_equal(said, "okclient: out of memory\n");
}

static void server_closed_counts_decide(void **state)
{
	struct okc_session s;
	struct okc_end e = { .how = OKC_ENDED_SERVER_CLOSED, .input_done = 1 };
	(void)state;
	over(&s, 3, 3);
	assert_int_equal(conclude(&s, e), 0);
	assert_string_equal(said, "");
	over(&s, 5, 2);
	assert_int_equal(conclude(&s, e), 5);
	assert_string_equal(said, "okclient: connection to 127.0.0.1:4242 lost: answered 2 of 5 lines\n");
	over(&s, 3, 3);
	e.input_done = 0; /* input was still coming */
	assert_int_equal(conclude(&s, e), 5);
	over(&s, 3, 3);
	s.send_cut = 1; /* the server went away while we sent */
	e.input_done = 1;
	assert_int_equal(conclude(&s, e), 5);
	over(&s, 3, 1);
	s.rep.err_seen = 1;
	snprintf(s.rep.err, sizeof s.rep.err, "ERR server full");
	assert_int_equal(conclude(&s, e), 6);
	assert_string_equal(said, "okclient: server 127.0.0.1:4242: ERR server full\n");
}

static void net_failure_and_timeout(void **state)
{
	struct okc_session s;
	(void)state;
	over(&s, 2, 0);
	s.send_err = ENOBUFS;
	assert_int_equal(conclude(&s, okc_ended(OKC_ENDED_NET_FAILED)), 4);
	assert_string_equal(said, "okclient: send to 127.0.0.1:4242: No buffer space available\n");
	over(&s, 2, 1);
	s.recv_err = EIO;
	assert_int_equal(conclude(&s, okc_ended(OKC_ENDED_NET_FAILED)), 5);
	assert_string_equal(said, "okclient: receive from 127.0.0.1:4242: Input/output error: "
	                          "answered 1 of 2 lines\n");
	over(&s, 2, 0);
	s.net_eof = 0;
	assert_int_equal(conclude(&s, okc_ended(OKC_ENDED_TIMED_OUT)), 7);
	assert_string_equal(said, "okclient: no reply from 127.0.0.1:4242 in 1 s: answered 0 of 2 lines\n");
}

/* In a child: the signal is raised again and ends it. */
static void a_signal_ends_the_process_by_that_signal(void **state)
{
	pid_t pid = fork();
	int status;
	(void)state;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct okc_session s;
		struct okc_end e = { .how = OKC_ENDED_SIGNAL, .signo = SIGTERM };
		over(&s, 0, 0);
		okc_conclude(&s, &e);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
}

/* okc_send_pending tells "sent", "the server is gone" and "failed" apart. */
static void send_results(void **state)
{
	struct okc_session s;
	char text[] = "a\nb\n";
	struct okc_buf b = { text, 4, 0, 4 };
	int sv[2];
	(void)state;

	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	over(&s, 0, 0);
	s.st.fd = sv[0];
	assert_int_equal(okc_send_pending(&s, &b), OKC_SEND_OK);
	assert_int_equal(s.sent, 2);
	assert_int_equal(okc_buf_used(&b), 0);
	close(sv[1]);
	b = (struct okc_buf){ text, 4, 0, 4 };
	assert_int_equal(okc_send_pending(&s, &b), OKC_SEND_PEER_GONE);
	assert_true(s.send_cut);
	assert_int_equal(s.send_err, 0);
	close(sv[0]);
	s.st.fd = -1;
	assert_int_equal(okc_send_pending(&s, &b), OKC_SEND_FAILED);
	assert_int_equal(s.send_err, EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stdout_gone_is_quiet_whatever_else_happened),
		cmocka_unit_test(local_failure_is_1_and_says_what),
		cmocka_unit_test(server_closed_counts_decide),
		cmocka_unit_test(net_failure_and_timeout),
		cmocka_unit_test(a_signal_ends_the_process_by_that_signal),
		cmocka_unit_test(send_results),
	};

	return cmocka_run_group_tests_name("client endings", tests, NULL, NULL);
}
