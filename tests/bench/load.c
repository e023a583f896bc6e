/* load.c - the load itself: one epoll loop driving C connections, P lines in flight on each. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "okload.h"
#include "sock.h"
#include "util.h"

/* Connections opened but not yet answered once: a ramp, so a listen backlog never overflows. */
#define RAMP 64
#define READ_SIZE (256 * 1024)
#define MAX_EVENTS 1024

struct conn {
	int fd;             /* -1 once closed */
	int answered;       /* its first batch has come back */
	size_t out_left;    /* bytes of the current batch not yet written */
	uint64_t pending;   /* lines of the current batch not yet answered */
	uint64_t quota;     /* lines it may still send */
	int64_t sent_us;    /* when the current batch went out */
};

struct loop {
	const struct load_opts *o;
	struct load_result *r;
	int ep;
	struct conn *conns;
	unsigned long opened, answered, live;
	uint64_t dropped;   /* lines in flight on connections that closed: no reply can come */
	char *batch;        /* P copies of the message, written as one block */
	size_t msg_len;
	int sending;        /* new batches may start */
	int measuring;      /* replies count towards the result */
	struct hist hist;
	char rbuf[READ_SIZE];
};

volatile int load_stop;

static int watch(struct loop *l, unsigned long i, int op, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = i };

	return epoll_ctl(l->ep, op, l->conns[i].fd, &ev);
}

static void close_conn(struct loop *l, struct conn *c)
{
	if (!c->answered) {  /* frees its place in the ramp */
		c->answered = 1;
		l->answered++;
	}
	l->dropped += c->pending;
	c->pending = 0;
	close(c->fd);
	c->fd = -1;
	l->live--;
}

/* Writes what is left of the batch; 0, or -1 when the connection is gone. */
static int flush_batch(struct loop *l, unsigned long i)
{
	struct conn *c = &l->conns[i];
	size_t len = c->pending * l->msg_len;

	while (c->out_left > 0) {
		ssize_t n = send(c->fd, l->batch + (len - c->out_left), c->out_left, MSG_NOSIGNAL);
		if (n > 0) {
			c->out_left -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return watch(l, i, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT);
		return -1;
	}
	return watch(l, i, EPOLL_CTL_MOD, EPOLLIN);
}

/* Starts the next batch: min(P, quota) lines, one write. */
static int send_batch(struct loop *l, unsigned long i, int64_t now)
{
	struct conn *c = &l->conns[i];
	uint64_t n = c->quota < l->o->pipeline ? c->quota : l->o->pipeline;
	ssize_t w;

	if (!l->sending || n == 0)
		return 0;
	c->quota -= n;
	c->pending = n;
	c->out_left = n * l->msg_len;
	c->sent_us = now;
	l->r->sent += n;
	w = send(c->fd, l->batch, c->out_left, MSG_NOSIGNAL);
	if (w == (ssize_t)c->out_left) {
		c->out_left = 0;
		return 0;
	}
	if (w > 0)
		c->out_left -= (size_t)w;
	else if (errno != EAGAIN && errno != EINTR)
		return -1;
	return flush_batch(l, i);
}

static size_t count_lf(const char *p, size_t n)
{
	const char *end = p + n;
	size_t k = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

/* Counts the replies one read brings; the batch's last reply starts the next batch. */
static void take_replies(struct loop *l, unsigned long i, uint64_t k, int64_t now)
{
	struct conn *c = &l->conns[i];

	if (k > c->pending) {
		l->r->excess += k - c->pending;
		k = c->pending;
	}
	c->pending -= k;
	l->r->replies += k;
	if (l->measuring) {
		hist_add(&l->hist, (uint64_t)(now - c->sent_us), k);
		l->r->measured += k;
	}
	if (c->pending > 0)
		return;
	if (!c->answered) {
		c->answered = 1;
		l->answered++;
	}
	if (c->out_left == 0 && send_batch(l, i, now) < 0) {
		l->r->closed++;
		close_conn(l, c);
	}
}

/* One read on a readable connection; end of stream or an error closes it. */
static void read_conn(struct loop *l, unsigned long i)
{
	struct conn *c = &l->conns[i];
	ssize_t n = read(c->fd, l->rbuf, sizeof l->rbuf);

	if (n > 0) {
		take_replies(l, i, count_lf(l->rbuf, (size_t)n), ok_now_us());
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	l->r->closed++;
	close_conn(l, c);
}

static void handle_event(struct loop *l, const struct epoll_event *ev)
{
	unsigned long i = (unsigned long)ev->data.u64;
	struct conn *c = &l->conns[i];

	if (ev->events & EPOLLOUT && flush_batch(l, i) < 0) {
		l->r->closed++;
		close_conn(l, c);
		return;
	}
	if (ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		read_conn(l, i);
}

/* A non-blocking connection to a Unix socket (a local connect is done or refused at once);
 * the fd, or -1 with the reason in e->msg. */
static int connect_unix(const char *path, struct ok_err *e)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof un.sun_path)
		errno = ENAMETOOLONG;
	else
		memcpy(un.sun_path, path, strlen(path));
	if (fd >= 0 && un.sun_path[0] != '\0' &&
	    connect(fd, (struct sockaddr *)&un, sizeof un) == 0 && ok_set_nonblock(fd, 1) == 0)
		return fd;
	snprintf(e->msg, sizeof e->msg, "connect unix:%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Opens connections while the ramp allows; each starts its first batch at once. */
static int open_more(struct loop *l)
{
	struct ok_err e;
	int timeout_ms = (int)l->o->timeout * 1000;

	while (l->opened < l->o->conns && l->opened - l->answered < RAMP) {
		unsigned long i = l->opened;
		struct conn *c = &l->conns[i];

		c->fd = l->o->unix_path ? connect_unix(l->o->unix_path, &e)
		                        : ok_connect_tcp(&l->o->addr, timeout_ms, &e);
		if (c->fd < 0) {
			fprintf(stderr, "okload: %s\n", e.msg);
			return -1;
		}
		l->opened++;
		l->live++;
		if (watch(l, i, EPOLL_CTL_ADD, EPOLLIN) < 0) {
			perror("okload: epoll_ctl");
			return -1;
		}
		if (send_batch(l, i, ok_now_us()) < 0) {
			l->r->closed++;
			close_conn(l, c);
		}
	}
	return 0;
}

/* Waits for events until the deadline at most; 0, or -1 on a real epoll failure. */
static int turn(struct loop *l, int64_t deadline)
{
	struct epoll_event evs[MAX_EVENTS];
	int64_t left = deadline - ok_now_us();
	int ms = left <= 0 ? 0 : (int)(left / 1000) + 1;
	int n, k;

	if (ms > 100)
		ms = 100;
	n = epoll_wait(l->ep, evs, MAX_EVENTS, ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (k = 0; k < n; k++)
		handle_event(l, &evs[k]);
	return 0;
}

/* Every line sent has its reply, but for those whose connection closed. */
static int drained(const struct loop *l)
{
	return l->r->sent == l->r->replies + l->dropped;
}

/* Runs the loop until cond() holds, the deadline passes or a signal stops it; 1 if cond held. */
static int run_until(struct loop *l, int (*cond)(const struct loop *), int64_t deadline)
{
	while (!cond(l)) {
		if (load_stop || ok_now_us() >= deadline) {
			l->r->interrupted = 1;
			return 0;
		}
		if (l->opened < l->o->conns && open_more(l) < 0)
			return -1;
		if (turn(l, deadline) < 0) {
			perror("okload: epoll_wait");
			return -1;
		}
	}
	return 1;
}

static int all_open(const struct loop *l)
{
	return l->opened == l->o->conns;
}

static int never(const struct loop *l)
{
	(void)l;
	return 0;
}

static int64_t seconds_us(unsigned long s)
{
	return (int64_t)s * 1000000;
}

/* Warm up, reset, measure for the given seconds, then stop sending and collect the rest. */
static int run_duration(struct loop *l)
{
	int rc = run_until(l, all_open, ok_now_us() + seconds_us(l->o->timeout));
	int64_t t0, t1;

	if (rc == 0 && !load_stop)
		fprintf(stderr, "okload: opening %lu connections took over %lu s\n", l->o->conns,
		        l->o->timeout);
	if (rc <= 0)
		return -1;
	if (run_until(l, never, ok_now_us() + seconds_us(l->o->warmup)) < 0 || load_stop)
		return -1;
	l->r->interrupted = 0;
	memset(&l->hist, 0, sizeof l->hist);
	l->measuring = 1;
	t0 = ok_now_us();
	if (run_until(l, never, t0 + seconds_us(l->o->seconds)) < 0)
		return -1;
	t1 = ok_now_us();
	l->r->interrupted = load_stop;
	l->measuring = 0;
	l->sending = 0;
	l->r->seconds = (double)(t1 - t0) / 1e6;
	return run_until(l, drained, t1 + seconds_us(l->o->timeout)) < 0 ? -1 : 0;
}

static int count_done(const struct loop *l)
{
	return l->opened == l->o->conns && drained(l);
}

/* Count and idle modes: every line sent and answered, timed from the first connect. */
static int run_count(struct loop *l)
{
	int64_t t0 = ok_now_us();
	int rc;

	l->measuring = 1;
	rc = run_until(l, count_done, t0 + seconds_us(l->o->timeout));
	l->r->seconds = (double)(ok_now_us() - t0) / 1e6;
	return rc < 0 ? -1 : 0;
}

/* Idle mode: say so on stdout, then keep every connection open for the holding time. */
static int hold(struct loop *l)
{
	printf("holding %lu connections\n", l->live);
	fflush(stdout);
	if (run_until(l, never, ok_now_us() + seconds_us(l->o->seconds)) < 0)
		return -1;
	l->r->interrupted = 0;  /* the holding time or a signal is the normal end here */
	return 0;
}

/* The send block: P copies of "message\n". */
static int make_batch(struct loop *l)
{
	size_t len = strlen(l->o->message);
	unsigned long k;

	l->msg_len = len + 1;
	l->batch = malloc(l->msg_len * l->o->pipeline);
	if (l->batch == NULL)
		return -1;
	for (k = 0; k < l->o->pipeline; k++) {
		memcpy(l->batch + k * l->msg_len, l->o->message, len);
		l->batch[k * l->msg_len + len] = '\n';
	}
	return 0;
}

/* Quotas: unlimited when timed; otherwise the lines shared out, the first ones one more. */
static void share_lines(struct loop *l)
{
	const struct load_opts *o = l->o;
	unsigned long i;

	for (i = 0; i < o->conns; i++) {
		struct conn *c = &l->conns[i];
		c->fd = -1;
		if (o->mode == MODE_DURATION)
			c->quota = UINT64_MAX;
		else
			c->quota = o->lines / o->conns + (i < o->lines % o->conns ? 1 : 0);
	}
}

static void finish(struct loop *l)
{
	unsigned long i;

	l->r->p50_us = hist_quantile(&l->hist, 0.50);
	l->r->p99_us = hist_quantile(&l->hist, 0.99);
	l->r->p999_us = hist_quantile(&l->hist, 0.999);
	for (i = 0; i < l->opened; i++)
		if (l->conns[i].fd >= 0)
			close(l->conns[i].fd);
}

static void free_loop(struct loop *l)
{
	if (l->ep >= 0)
		close(l->ep);
	free(l->batch);
	free(l->conns);
	free(l);
}

int load_run(const struct load_opts *o, struct load_result *r)
{
	struct loop *l = calloc(1, sizeof *l);
	int rc;

	memset(r, 0, sizeof *r);
	if (l == NULL) {
		perror("okload: setting up");
		return -1;
	}
	l->o = o;
	l->r = r;
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	l->conns = calloc(o->conns, sizeof *l->conns);
	if (l->ep < 0 || l->conns == NULL || make_batch(l) < 0) {
		perror("okload: setting up");
		free_loop(l);
		return -1;
	}
	l->sending = 1;
	share_lines(l);
	if (o->mode == MODE_DURATION)
		rc = run_duration(l);
	else if ((rc = run_count(l)) == 0 && o->mode == MODE_IDLE)
		rc = hold(l);
	finish(l);
	free_loop(l);
	return rc;
}
