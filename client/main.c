/* main.c - okclient: options, connect, choose the mode (terminal or pipe), exit status. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client.h"
#include "util.h"

/* Says what was wrong and where help is; the usage error status. */
static int usage_error(const struct ok_err *e)
{
	fprintf(stderr, "okclient: %s\nTry 'okclient --help' for more information.\n", e->msg);
	return e->code;
}

/*
 * Whether the user's terminal takes UTF-8, as the locale variables name it: the first of LC_ALL,
 * LC_CTYPE and LANG that is set and not empty has the codeset UTF-8 (or utf8), as tmux reads
 * them. From the names, not by loading the locale: a locale file that is missing (a minimal
 * image, a foreign libc under an emulator) does not change what the terminal is shown, and the
 * client stays in the C locale, readline included.
 */
static int locale_is_utf8(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]), *set;
		size_t n;

		if (v == NULL || v[0] == '\0')
			continue;
		if ((set = strchr(v, '.')) == NULL)
			return 0;
		n = strcspn(++set, "@"); /* "en_US.UTF-8@euro": the codeset ends at the modifier */
		return (n == 5 && strncasecmp(set, "UTF-8", 5) == 0) ||
		       (n == 4 && strncasecmp(set, "UTF8", 4) == 0);
	}
	return 0;
}

/* How the server's bytes may be written to fd: escaped on a terminal, unchanged elsewhere. */
static enum okc_show show_for(int fd, int utf8)
{
	if (!isatty(fd))
		return OKC_SHOW_RAW;
	return utf8 ? OKC_SHOW_UTF8 : OKC_SHOW_ASCII;
}

/* The connection: the TLS context first (a bad file is told before connecting), the connect,
 * then TLS over it when asked. 0 with s ready, or the exit status, having said why. */
static int open_session(struct okc_session *s, const struct okc_options *opt, int interactive)
{
	struct ok_tls_ctx *tls;
	struct ok_stream st;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	int64_t deadline;
	struct ok_err e;
	int fd = -1;

	if (okc_tls_prepare(opt, &tls, &e) == 0)
		fd = okc_connect_server(opt, &peer, &peerlen, &deadline, &e);
	if (fd >= 0) {
		ok_stream_plain(&st, fd);
		okc_session_init(s, &st, (const struct sockaddr *)&peer, peerlen, opt);
		if (tls != NULL && okc_start_tls(s, tls, opt, (const struct sockaddr *)&peer, deadline,
		                                 interactive, &e) < 0) {
			okc_session_close(s);
			fd = -1;
		}
	}
	ok_tls_ctx_free(tls); /* a TLS stream keeps what it needs of it */
	if (fd >= 0)
		return OKC_EXIT_OK;
	fprintf(stderr, "okclient: %s\n", e.msg);
	return e.code;
}

/* Connects, converses in the mode standard input calls for, and ends as okc_conclude says. */
static int run_client(const struct okc_options *opt)
{
	struct okc_session s;
	struct okc_end end;
	int interactive = isatty(STDIN_FILENO), status, utf8;

	/* A server or reader that goes away is an error return, never a signal. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		perror("okclient: signal");
		return OKC_EXIT_LOCAL;
	}
	if ((status = open_session(&s, opt, interactive)) != OKC_EXIT_OK)
		return status;
	utf8 = locale_is_utf8();
	s.rep.show = show_for(STDOUT_FILENO, utf8);
	s.err_show = show_for(STDERR_FILENO, utf8);
	end = interactive ? okc_run_interactive(&s, opt) : okc_run_pipe(&s, opt);
	okc_session_close(&s);
	return okc_conclude(&s, &end);
}

int main(int argc, char **argv)
{
	struct okc_options opt;
	struct ok_err e;

	/*
	 * Started with stdin or stdout closed (`<&-`, `>&-`), the socket would become fd 0 or 1:
	 * we would read our own connection, or write replies into it. /dev/null stands in:
	 * closed stdin is empty input, closed stdout discards the replies.
	 */
	if (ok_keep_stdio_open() < 0) {
		fprintf(stderr, "okclient: open /dev/null for a closed standard descriptor: %s\n",
		        strerror(errno));
		return OKC_EXIT_LOCAL;
	}
	switch (okc_parse_options(argc, argv, &opt, &e)) {
	case OKC_HELP: okc_print_usage(); break;
	case OKC_VERSION: okc_print_version(); break;
	case OKC_USAGE_ERROR: return usage_error(&e);
	case OKC_RUN: return run_client(&opt);
	}
	return fflush(stdout) == 0 ? OKC_EXIT_OK : OKC_EXIT_LOCAL;
}
