/* test_sock.c - common/sock on loopback: listen, connect, the error strings callers print. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "netaddr.h"
#include "sock.h"

/* ok_listen_addr for an IPv4 address. */
static int listen_tcp(const struct sockaddr_in *sa, int backlog, struct ok_err *e)
{
	return ok_listen_addr((const struct sockaddr *)sa, (socklen_t)sizeof *sa, backlog, e);
}

/* The address a socket is bound to (the real port after binding port 0). 0 or -1, errno set. */
static int local_addr(int fd, struct sockaddr_in *sa)
{
	socklen_t len = sizeof *sa;

	return getsockname(fd, (struct sockaddr *)sa, &len);
}

/* Listens on 127.0.0.1 with a kernel-chosen port; returns the fd and fills *bound. */
static int listen_any_port(struct sockaddr_in *bound)
{
	struct sockaddr_in sa;
	struct ok_err e;
	int fd;

	assert_int_equal(ok_sockaddr_in(&sa, "127.0.0.1", 0), 0);
	fd = listen_tcp(&sa, 16, &e);
	assert_true(fd >= 0);
	assert_int_equal(local_addr(fd, bound), 0);
	assert_int_not_equal(bound->sin_port, 0);
	return fd;
}

static void listen_gives_a_nonblocking_cloexec_socket(void **state)
{
	struct sockaddr_in bound;
	int fd = listen_any_port(&bound);
	(void)state;

	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(ok_set_nonblock(fd, 0), 0);
	assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
}

static void bind_conflict_names_address_port_and_reason(void **state)
{
	struct sockaddr_in bound;
	struct ok_err e;
	char expect[128], where[OK_ADDRSTRLEN];
	int fd = listen_any_port(&bound);
	(void)state;

	assert_int_equal(listen_tcp(&bound, 16, &e), -1);
	assert_int_equal(e.code, OK_STEP_BIND);
	assert_int_equal(e.err, EADDRINUSE);
	snprintf(expect, sizeof expect, "bind %s: Address already in use",
	         ok_format_addr(&bound, where, sizeof where));
	assert_string_equal(e.msg, expect);
	close(fd);
}

static void connect_reaches_a_listener(void **state)
{
	struct sockaddr_in bound;
	struct ok_err e;
	int lfd = listen_any_port(&bound);
	int cfd = ok_connect_tcp(&bound, 2000, &e);
	(void)state;

	assert_true(cfd >= 0);
	assert_true(fcntl(cfd, F_GETFL) & O_NONBLOCK);
	close(cfd);
	close(lfd);
}

static void connect_refused_is_a_connect_step_error(void **state)
{
	struct sockaddr_in bound;
	struct ok_err e;
	char expect[128], where[OK_ADDRSTRLEN];
	int lfd = listen_any_port(&bound);
	(void)state;

	close(lfd); /* nobody listens on that port now */
	assert_int_equal(ok_connect_tcp(&bound, 2000, &e), -1);
	assert_int_equal(e.code, OK_STEP_CONNECT);
	assert_int_equal(e.err, ECONNREFUSED);
	snprintf(expect, sizeof expect, "connect %s: Connection refused",
	         ok_format_addr(&bound, where, sizeof where));
	assert_string_equal(e.msg, expect);
}

/* ::1 is IPv6-only (sock.h), so 127.0.0.1 takes the same port beside it; the error names
 * the IPv6 address in brackets. */
static void ipv6_listener_leaves_ipv4_free(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in bound;
	struct ok_err e;
	socklen_t len;
	int v4 = listen_any_port(&bound), v6, only = -1;
	socklen_t olen = sizeof only;
	(void)state;

	close(v4);
	assert_int_equal(ok_parse_ip_literal("::1", &ss, &len, ok_ntohs(bound.sin_port)), 0);
	v6 = ok_listen_addr((struct sockaddr *)&ss, len, 16, &e);
	if (v6 < 0 && e.err == EADDRNOTAVAIL)
		skip(); /* no IPv6 loopback on this machine */
	assert_true(v6 >= 0);
	assert_int_equal(getsockopt(v6, IPPROTO_IPV6, IPV6_V6ONLY, &only, &olen), 0);
	assert_int_equal(only, 1);
	v4 = listen_tcp(&bound, 16, &e);
	assert_true(v4 >= 0);
	assert_int_equal(ok_listen_addr((struct sockaddr *)&ss, len, 16, &e), -1);
	assert_int_equal(e.code, OK_STEP_BIND);
	assert_non_null(strstr(e.msg, "bind [::1]:"));
	close(v4);
	close(v6);
}

/* The file gets its mode before listen; a second listener on the path is refused. */
static void unix_listener_has_its_mode(void **state)
{
	char dir[] = "/tmp/ok_sock_XXXXXX", path[64], expect[128];
	struct ok_err e;
	struct stat st;
	int fd;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/s", dir);
	fd = ok_listen_unix(path, NULL, 0640, 16, &e);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(ok_listen_unix(path, NULL, 0600, 16, &e), -1);
	snprintf(expect, sizeof expect, "bind unix:%s: Address already in use", path);
	assert_string_equal(e.msg, expect);
	close(fd);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* The mode comes from bind itself, whatever the process's umask, which is left as it was. */
static void unix_listener_mode_ignores_the_umask(void **state)
{
	static const mode_t masks[] = { 0, 0077, 0777 };
	char dir[] = "/tmp/ok_sock_XXXXXX", path[64];
	struct ok_err e;
	struct stat st;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/s", dir);
	for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
		mode_t was = umask(masks[i]);
		int fd = ok_listen_unix(path, NULL, 0660, 16, &e);

		assert_int_equal(umask(was), masks[i]);
		assert_true(fd >= 0);
		assert_int_equal(lstat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0660);
		close(fd);
		assert_int_equal(unlink(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* ok_connect_addr against a listener of any family: connects; "connect ADDR: reason" once the
 * listener is gone. */
static void connect_addr_then_refused(const struct sockaddr *sa, socklen_t len, int lfd,
                                      const char *expect)
{
	struct ok_err e;
	int cfd = ok_connect_addr(sa, len, 2000, &e);

	assert_true(cfd >= 0);
	assert_true(fcntl(cfd, F_GETFD) & FD_CLOEXEC);
	close(cfd);
	close(lfd);
	assert_int_equal(ok_connect_addr(sa, len, 2000, &e), -1);
	assert_int_equal(e.code, OK_STEP_CONNECT);
	assert_string_equal(e.msg, expect);
}

static void connect_addr_reaches_ipv6(void **state)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof sa;
	char expect[128];
	int lfd = socket(AF_INET6, SOCK_STREAM, 0);
	(void)state;

	assert_true(lfd >= 0);
	assert_int_equal(ok_sockaddr_in6(&sa, "::1", 0), 0);
	if (bind(lfd, (struct sockaddr *)&sa, len) < 0) {
		close(lfd);
		skip(); /* no IPv6 loopback on this machine */
	}
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);
	snprintf(expect, sizeof expect, "connect [::1]:%u: Connection refused",
	         (unsigned)ok_ntohs(sa.sin6_port));
	connect_addr_then_refused((struct sockaddr *)&sa, sizeof sa, lfd, expect);
}

static void connect_addr_reaches_unix(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/test_sock.XXXXXX", expect[128];
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	(void)state;

	assert_true(lfd >= 0);
	assert_non_null(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/s", dir);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(lfd, 4), 0);
	/* The file stays after close: connecting to it is refused, as to a dead server's. */
	snprintf(expect, sizeof expect, "connect unix:%s: Connection refused", sa.sun_path);
	connect_addr_then_refused((struct sockaddr *)&sa, sizeof sa, lfd, expect);
	assert_int_equal(unlink(sa.sun_path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(listen_gives_a_nonblocking_cloexec_socket),
		cmocka_unit_test(bind_conflict_names_address_port_and_reason),
		cmocka_unit_test(connect_reaches_a_listener),
		cmocka_unit_test(connect_refused_is_a_connect_step_error),
		cmocka_unit_test(ipv6_listener_leaves_ipv4_free),
		cmocka_unit_test(unix_listener_has_its_mode),
		cmocka_unit_test(unix_listener_mode_ignores_the_umask),
		cmocka_unit_test(connect_addr_reaches_ipv6),
		cmocka_unit_test(connect_addr_reaches_unix),
	};
	return cmocka_run_group_tests_name("sock", tests, NULL, NULL);
}
