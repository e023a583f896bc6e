/* main.c - okbench: options, the first connection, the run, the report, the exit status. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "okbench.h"
#include "util.h"
#include "wait.h"

/* Says what was wrong and where help is; the usage error status. */
static int usage_error(const char *msg)
{
	fprintf(stderr, "okbench: %s\nTry 'okbench --help' for more information.\n", msg);
	return OKB_EXIT_USAGE;
}

/* The first asks the run to end (the replies still due are waited for), the second not to wait. */
static void on_stop(int sig)
{
	(void)sig;
	if (okb_stop < 2)
		okb_stop++;
	ok_sigwait_wake();
}

/* No SA_RESTART: a signal ends the poll at once and the loop acts on okb_stop. The loops that
 * wait keep SIGINT and SIGTERM blocked but while they wait (okbench/wait.h). */
static int catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_IGN; /* a server that goes away is an error return, never a signal */
	return sigaction(SIGPIPE, &sa, NULL);
}

/* Each connection is a descriptor: the soft limit is raised when it is too small. 0, or -1
 * with e filled when even the hard limit is. */
static int raise_fd_limit(unsigned long conns, struct ok_err *e)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)conns + 16;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		return ok_err_set(e, OKB_EXIT_CONNECT, 0, "%lu connections need %lu descriptors; the "
		                  "limit is %lu (ulimit -n)", conns, (unsigned long)need,
		                  (unsigned long)rl.rlim_max);
	}
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return ok_err_set(e, OKB_EXIT_CONNECT, errno, "setrlimit to %lu descriptors",
		                  (unsigned long)need);
	return 0;
}

/* The exit status the result calls for (okbench(1)). */
static int judge(const struct okb_result *r)
{
	if (r->unopened > 0) /* as opening the others stopped: at a connection, or at handshakes */
		return r->connect_err.code == OKB_EXIT_TLS ? OKB_EXIT_TLS : OKB_EXIT_CONNECT;
	if (r->tls_failed > 0)
		return OKB_EXIT_TLS;
	if (r->errors > 0 || r->lost > 0 || r->unsent > 0 || r->failed > 0)
		return OKB_EXIT_FAILED;
	return OKB_EXIT_OK;
}

/* --tls: the client context from the files given, before any connection (a file that cannot
 * be used is said at once). NULL in *ctx without TLS. 0, or -1 said on standard error. */
static int make_tls_context(const struct okb_options *o, struct ok_tls_ctx **ctx)
{
	struct ok_err e = { 0, 0, "" };

	*ctx = NULL;
	if (!o->tls)
		return 0;
	*ctx = ok_tls_client_ctx(&o->tls_conf, &e);
	if (*ctx == NULL) {
		fprintf(stderr, "okbench: %s\n", e.msg);
		return -1;
	}
	return 0;
}

/* Connects, runs (with tls, or plain when it is NULL); the exit status, the report printed. */
static int connect_and_run(const struct okb_options *o, struct ok_tls_ctx *tls,
                           struct okb_result *r)
{
	int fd = okb_connect_first(o, &r->target, &r->connect_err);

	if (fd < 0 && r->connect_err.code == OKB_EXIT_USAGE)
		return usage_error(r->connect_err.msg);
	if (fd < 0) {
		fprintf(stderr, "okbench: %s\n", r->connect_err.msg);
		return r->connect_err.code;
	}
	if (tls != NULL && o->tls_conf.insecure)
		fprintf(stderr, "okbench: warning: --tls-insecure: the certificate of %s is not "
		        "verified\n", r->target.name);
	if (okb_run(o, tls, fd, r, &r->connect_err) < 0) {
		fprintf(stderr, "okbench: %s\n", r->connect_err.msg);
		return r->connect_err.code == OKB_EXIT_TLS ? OKB_EXIT_TLS : OKB_EXIT_FAILED;
	}
	if (r->unopened > 0)
		fprintf(stderr, "okbench: %lu of %lu connections could not be opened: %s\n",
		        r->unopened, o->conns, r->connect_err.msg);
	if (r->skipped > 0)
		fprintf(stderr, "okbench: stopped while opening: %lu of %lu connections not opened\n",
		        r->skipped, o->conns);
	if (r->tls_failed > 0)
		fprintf(stderr, "okbench: %lu of %lu connections failed TLS: %s\n", r->tls_failed,
		        o->conns, r->tls_err.msg);
	okb_report(o, r);
	return judge(r);
}

/* Sets up, connects, runs, reports; the exit status. */
static int bench(const struct okb_options *o)
{
	static struct okb_result r; /* the histogram is some 60 KiB: not on the stack */
	struct ok_tls_ctx *tls;
	struct ok_err e;
	int status;

	okb_hist_reset(&r.hist);
	if (ok_sigwait_open() < 0) {
		perror("okbench: pipe");
		return OKB_EXIT_FAILED;
	}
	if (catch_signals() < 0) {
		perror("okbench: sigaction");
		return OKB_EXIT_FAILED;
	}
	if (raise_fd_limit(o->conns, &e) < 0) {
		fprintf(stderr, "okbench: %s\n", e.msg);
		return e.code;
	}
	if (make_tls_context(o, &tls) < 0)
		return OKB_EXIT_TLS;
	status = connect_and_run(o, tls, &r);
	ok_tls_ctx_free(tls);
	ok_sigwait_close(); /* a stop that comes now ends nothing more: the handler writes nothing */
	if (fflush(stdout) != 0) {
		fprintf(stderr, "okbench: writing the report: %s\n", strerror(errno));
		return OKB_EXIT_FAILED;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct okb_options opt;
	struct ok_err e;

	/* Started with stdout closed, a socket would become fd 1 and get the report. */
	if (ok_keep_stdio_open() < 0) {
		fprintf(stderr, "okbench: open /dev/null for a closed standard descriptor: %s\n",
		        strerror(errno));
		return OKB_EXIT_FAILED;
	}
	switch (okb_parse_options(argc, argv, &opt, &e)) {
	case OKB_HELP: okb_print_usage(); return fflush(stdout) == 0 ? 0 : OKB_EXIT_FAILED;
	case OKB_VERSION: okb_print_version(); return fflush(stdout) == 0 ? 0 : OKB_EXIT_FAILED;
	case OKB_USAGE_ERROR: return usage_error(e.msg);
	case OKB_RUN: break;
	}
	return bench(&opt);
}
