/* test_access.c - server/access: the policy, a model of every rule, access files, lookup cost. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../server/access.h" /* the Makefile adds only -Icommon */
#include "netaddr.h"
#include "random_inputs.h"

static struct sockaddr_storage peer_ss;
static socklen_t peer_len;

/* A peer's socket address from "1.2.3.4" or "::1" (port 4242), kept in peer_ss. */
static const struct sockaddr *peer(const char *text)
{
	assert_int_equal(ok_parse_ip_literal(text, &peer_ss, &peer_len, 4242), 0);
	return (const struct sockaddr *)&peer_ss;
}

/* peer() first: peer_len is only set once it has run. */
static int permits(const struct ok_access *a, const char *text)
{
	const struct sockaddr *sa = peer(text);

	return ok_access_permits(a, sa, peer_len);
}

static unsigned lookup(const struct ok_access *a, const char *text)
{
	const struct sockaddr *sa = peer(text);

	return ok_access_lookup_addr(a, sa, peer_len);
}

static struct ok_access *rules(const char *file_text)
{
	struct ok_access *a = ok_access_new();
	struct ok_err e = { 0 };

	assert_non_null(a);
	if (ok_access_parse(a, file_text, strlen(file_text), "rules", &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(ok_access_finish(a, &e), 0);
	return a;
}

static void no_rules_let_everyone_in(void **state)
{
	struct ok_access *a = rules("");

	(void)state;
	assert_true(permits(a, "1.2.3.4"));
	assert_true(permits(a, "::1"));
	assert_int_equal(lookup(a, "1.2.3.4"), 0);
	ok_access_free(a);
}

static void deny_rules_alone_keep_only_their_networks_out(void **state)
{
	struct ok_access *a = rules("deny 10.0.0.0/8\ndeny 2001:db8::/32\n");

	(void)state;
	assert_false(permits(a, "10.1.2.3"));
	assert_true(permits(a, "11.1.2.3"));
	assert_false(permits(a, "2001:db8::5"));
	assert_true(permits(a, "2001:db9::5"));
	ok_access_free(a);
}

static void allow_rules_let_only_their_networks_in(void **state)
{
	struct ok_access *a = rules("allow 127.0.0.0/8\nallow ::1\n");

	(void)state;
	assert_true(permits(a, "127.0.0.2"));
	assert_false(permits(a, "192.0.2.1"));
	assert_true(permits(a, "::1"));
	assert_false(permits(a, "::2"));
	ok_access_free(a);
	/* An allow rule of one family keeps the other family out: there is a rule, none holds it. */
	a = rules("allow 10.0.0.0/8\n");
	assert_false(permits(a, "2001:db8::1"));
	ok_access_free(a);
}

static void a_deny_wins_over_an_allow(void **state)
{
	struct ok_access *a = rules("allow 10.0.0.0/8\ndeny 10.1.0.0/16\nallow 10.1.2.3\n");

	(void)state;
	assert_true(permits(a, "10.2.0.1"));
	assert_false(permits(a, "10.1.0.1"));
	assert_false(permits(a, "10.1.2.3")); /* allowed by its /32, denied by the /16 */
	assert_int_equal(lookup(a, "10.1.2.3"),
	                 OK_RULE_ALLOW | OK_RULE_DENY);
	assert_int_equal(lookup(a, "10.2.0.1"), OK_RULE_ALLOW);
	ok_access_free(a);
	a = rules("allow 10.0.0.0/8\ndeny 10.0.0.0/8\n"); /* one network, both kinds */
	assert_false(permits(a, "10.0.0.1"));
	assert_int_equal(ok_access_rules(a, OK_RULE_ALLOW), 1);
	assert_int_equal(ok_access_rules(a, OK_RULE_DENY), 1);
	ok_access_free(a);
}

static void zero_length_rules_hold_their_family(void **state)
{
	struct ok_access *a = rules("deny 0.0.0.0/0\n");

	(void)state;
	assert_false(permits(a, "255.255.255.255"));
	assert_true(permits(a, "::1"));
	ok_access_free(a);
	a = rules("deny ::/0\n");
	assert_false(permits(a, "::1"));
	assert_true(permits(a, "127.0.0.1"));
	assert_true(permits(a, "::ffff:127.0.0.1")); /* an IPv4 peer, as a dual-stack socket shows it */
	ok_access_free(a);
}

static void mapped_peers_and_rules_are_ipv4(void **state)
{
	struct ok_access *a = rules("deny 192.0.2.0/24\n");

	(void)state;
	assert_false(permits(a, "::ffff:192.0.2.9"));
	assert_true(permits(a, "::ffff:192.0.3.9"));
	ok_access_free(a);
	a = rules("deny ::ffff:192.0.2.0/120\n");
	assert_false(permits(a, "192.0.2.9"));
	assert_false(permits(a, "::ffff:192.0.2.9"));
	assert_true(permits(a, "192.0.3.9"));
	ok_access_free(a);
}

static void unix_peers_are_never_filtered(void **state)
{
	struct ok_access *a = rules("deny 0.0.0.0/0\ndeny ::/0\nallow 10.0.0.0/8\n");
	struct sockaddr_un sun;

	(void)state;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	assert_true(ok_access_permits(a, (struct sockaddr *)&sun, sizeof sun));
	assert_true(ok_access_permits(a, (struct sockaddr *)&sun, sizeof(sa_family_t)));
	assert_int_equal(ok_access_lookup_addr(a, (struct sockaddr *)&sun, sizeof sun), 0);
	ok_access_free(a);
}

/* --- the rules against a model that checks every rule, one by one --- */

#define MODEL_RULES 400

static struct ok_cidr random_net(int host)
{
	struct ok_cidr c;

	memset(&c, 0, sizeof c);
	for (int i = 0; i < 16; i++)
		c.addr[i] = (unsigned char)next_random();
	switch (next_random() % 4) {
	case 0:
	case 1:
		c.family = AF_INET;
		memset(c.addr + 4, 0, 12);
		c.bits = host ? 32 : (unsigned)(next_random() % 33);
		break;
	case 2:
		c.family = AF_INET6;
		c.bits = host ? 128 : (unsigned)(next_random() % 129);
		break;
	default: /* inside ::ffff:0:0/96, so mapped rules and peers show up */
		c.family = AF_INET6;
		memcpy(c.addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
		c.bits = host ? 128 : 96 + (unsigned)(next_random() % 33);
		break;
	}
	ok_cidr_truncate(&c, c.bits);
	return c;
}

/* A peer near a rule now and then (its network with random host bits), else anywhere. */
static struct ok_cidr random_peer(const struct ok_cidr *nets, size_t n)
{
	struct ok_cidr p = random_net(1), near;
	size_t i;

	if (next_random() % 2 == 0)
		return p;
	near = nets[next_random() % n];
	p.family = near.family;
	p.bits = near.family == AF_INET ? 32 : 128;
	for (i = 0; i < near.bits / 8; i++)
		p.addr[i] = near.addr[i];
	if (near.bits % 8 != 0)
		p.addr[i] = (unsigned char)((near.addr[i] & (0xff00u >> (near.bits % 8))) |
		                            (p.addr[i] & (0xffu >> (near.bits % 8))));
	if (p.family == AF_INET)
		memset(p.addr + 4, 0, 12);
	return p;
}

static unsigned model_lookup(const struct ok_cidr *nets, const unsigned *kinds, size_t n,
                             const struct ok_cidr *who)
{
	struct ok_cidr p = *who, r;
	unsigned found = 0;

	ok_cidr_unmap(&p);
	for (size_t i = 0; i < n; i++) {
		r = nets[i];
		ok_cidr_unmap(&r);
		if (ok_cidr_contains(&r, &p))
			found |= kinds[i];
	}
	return found;
}

/* 200 peers, and a few networks as peers, looked up in a and in the model; the differences. */
static unsigned long compare_with_model(const struct ok_access *a, const struct ok_cidr *nets,
                                        const unsigned *kinds, size_t n)
{
	unsigned long differences = 0;

	for (int k = 0; k < 220; k++) {
		struct ok_cidr p = k < 200 ? random_peer(nets, n) : random_net(0);
		if (ok_access_lookup(a, &p) != model_lookup(nets, kinds, n, &p))
			differences++;
	}
	return differences;
}

/* Rule sets of 1 to 400 rules, some rounds with few lengths (so some are long and some are
 * empty), compared before ok_access_finish (every length probed), after it (the binary search),
 * and after more rules and a second finish (markers of the first one left behind). */
static void lookups_match_a_rule_by_rule_model(void **state)
{
	static struct ok_cidr nets[MODEL_RULES];
	static unsigned kinds[MODEL_RULES];
	uint64_t seed = seed_random();
	unsigned long rounds = random_input_count(1000000) / 2000 + 1, differences = 0;
	struct ok_err e = { 0 };

	(void)state;
	for (unsigned long round = 0; round < rounds; round++) {
		struct ok_access *a = ok_access_new();
		size_t n = 1 + next_random() % MODEL_RULES, first = n / 2 + 1;
		unsigned narrow = next_random() % 2 ? 0 : 1 + (unsigned)(next_random() % 4);

		assert_non_null(a);
		for (size_t i = 0; i < n; i++) {
			nets[i] = random_net(0);
			if (narrow)
				ok_cidr_truncate(&nets[i], nets[i].bits - nets[i].bits % (8 * narrow));
			kinds[i] = next_random() % 3 == 0 ? OK_RULE_DENY : OK_RULE_ALLOW;
		}
		for (size_t i = 0; i < first; i++)
			assert_int_equal(ok_access_add(a, &nets[i], kinds[i], &e), 0);
		differences += compare_with_model(a, nets, kinds, first);
		assert_int_equal(ok_access_finish(a, &e), 0);
		differences += compare_with_model(a, nets, kinds, first);
		for (size_t i = first; i < n; i++)
			assert_int_equal(ok_access_add(a, &nets[i], kinds[i], &e), 0);
		differences += compare_with_model(a, nets, kinds, n);
		assert_int_equal(ok_access_finish(a, &e), 0);
		differences += compare_with_model(a, nets, kinds, n);
		ok_access_free(a);
	}
	end_random_run(differences, seed, "lookups agreed with the rule-by-rule model");
}

/* --- access files --- */

static void access_files_take_comments_blanks_and_white_space(void **state)
{
	static const char file[] =
		"# who may connect\n"
		"\n"
		"   \t\n"
		"allow 10.0.0.0/8   # the office\n"
		"\tdeny\t10.9.0.0/16\t\r\n"
		"allow 2001:db8::/32#no space before the comment\n"
		"#deny 0.0.0.0/0\n"
		"  allow   192.0.2.1  \n"
		"deny ::ffff:10.8.0.0/112"; /* no LF at the end */
	struct ok_access *a = rules(file);

	(void)state;
	assert_int_equal(ok_access_rules(a, OK_RULE_ALLOW), 3);
	assert_int_equal(ok_access_rules(a, OK_RULE_DENY), 2);
	assert_true(permits(a, "10.1.1.1"));
	assert_false(permits(a, "10.9.1.1"));
	assert_false(permits(a, "10.8.1.1"));
	assert_true(permits(a, "2001:db8::1"));
	assert_true(permits(a, "192.0.2.1"));
	assert_false(permits(a, "192.0.2.2"));
	assert_false(permits(a, "0.0.0.0"));
	ok_access_free(a);
}

static void expect_file_error(const char *text, size_t len, const char *msg)
{
	struct ok_access *a = ok_access_new();
	struct ok_err e = { 0 };

	assert_non_null(a);
	assert_int_equal(ok_access_parse(a, text, len, "/etc/okchat/access", &e), -1);
	assert_string_equal(e.msg, msg);
	ok_access_free(a);
}

#define FILE_ERROR(text, msg) expect_file_error(text, sizeof (text) - 1, msg)

static void access_file_errors_name_file_and_line(void **state)
{
	(void)state;
	FILE_ERROR("allow 10.0.0.0/8\npermit 10.0.0.0/8\n",
	           "/etc/okchat/access:2: a rule starts with allow or deny");
	FILE_ERROR("Allow 10.0.0.0/8\n", "/etc/okchat/access:1: a rule starts with allow or deny");
	FILE_ERROR("allow10.0.0.0/8\n", "/etc/okchat/access:1: a rule starts with allow or deny");
	FILE_ERROR("# c\n\nallow\n", "/etc/okchat/access:3: allow without a network");
	FILE_ERROR("deny # nothing\n", "/etc/okchat/access:1: deny without a network");
	FILE_ERROR("allow 10.0.0.0/8 10.1.0.0/16\n",
	           "/etc/okchat/access:1: more than one network on the line");
	FILE_ERROR("\n\n\n\ndeny 10.0.0.1/8\n",
	           "/etc/okchat/access:5: 10.0.0.1/8: bits set beyond the /8 prefix");
	FILE_ERROR("deny [::1]\n", "/etc/okchat/access:1: [::1]: not an IPv6 address");
	FILE_ERROR("deny 1.2.3.4/33", "/etc/okchat/access:1: 1.2.3.4/33: prefix length over 32");
	FILE_ERROR("allow 10.0.0.0/8\nallow 1.2.3.4\0\n", "/etc/okchat/access:2: a NUL byte");
}

static void a_lone_cr_is_white_space(void **state)
{
	struct ok_access *a = rules("allow 1.2.3.4\r\r\nallow\r1.2.3.5\n");

	(void)state;
	assert_true(permits(a, "1.2.3.5"));
	ok_access_free(a);
}

/* Writes text into a pipe and closes its writing end; the reading end. */
static int pipe_with(const char *text)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
	close(fds[1]);
	return fds[0];
}

static void files_are_read_from_a_descriptor(void **state)
{
	struct ok_access *a = ok_access_new();
	struct ok_err e = { 0 };
	int fd = pipe_with("allow 10.0.0.0/8\ndeny 10.0.0.5\n");
	FILE *big;

	(void)state;
	assert_int_equal(ok_access_read_fd(a, fd, "pipe", &e), 0);
	close(fd);
	assert_true(permits(a, "10.0.0.4"));
	assert_false(permits(a, "10.0.0.5"));
	assert_int_equal(ok_access_read_fd(a, -1, "gone", &e), -1);
	assert_string_equal(e.msg, "gone: read: Bad file descriptor");
	assert_int_equal(e.err, EBADF);
	big = tmpfile();
	assert_non_null(big);
	assert_int_equal(ftruncate(fileno(big), (off_t)OK_ACCESS_FILE_MAX + 1), 0);
	assert_int_equal(ok_access_read_fd(a, fileno(big), "big", &e), -1);
	assert_string_equal(e.msg, "big: larger than 16777216 bytes");
	fclose(big);
	ok_access_free(a);
}

static void a_failed_rebuild_keeps_the_old_set(void **state)
{
	const char *allow[] = { "10.0.0.0/8", "::1" }, *deny[] = { "10.0.0.5" };
	const char *bad[] = { "10.0.0.1/8" };
	struct ok_access *current, *next;
	struct ok_err e = { 0 };
	int fd = pipe_with("deny 10.0.0.6\n");

	(void)state;
	current = ok_access_build(allow, 2, deny, 1, fd, "access", &e);
	close(fd);
	assert_non_null(current);
	assert_false(permits(current, "10.0.0.6"));
	/* SIGHUP: the file now has an error; nothing changes for the running server. */
	fd = pipe_with("deny 10.0.0.7\ndeny nonsense\n");
	next = ok_access_build(allow, 2, deny, 1, fd, "access", &e);
	close(fd);
	assert_null(next);
	assert_string_equal(e.msg,
	                    "access:2: nonsense: not an IPv4 address (four decimal parts of 0-255)");
	assert_false(permits(current, "10.0.0.6"));
	assert_true(permits(current, "10.0.0.7"));
	next = ok_access_build(bad, 1, NULL, 0, -1, NULL, &e);
	assert_null(next);
	assert_string_equal(e.msg, "--allow: 10.0.0.1/8: bits set beyond the /8 prefix");
	next = ok_access_build(NULL, 0, bad, 1, -1, NULL, &e);
	assert_null(next);
	assert_string_equal(e.msg, "--deny: 10.0.0.1/8: bits set beyond the /8 prefix");
	/* A good file: swap. */
	fd = pipe_with("deny 10.0.0.7\n");
	next = ok_access_build(allow, 2, deny, 1, fd, "access", &e);
	close(fd);
	assert_non_null(next);
	ok_access_free(current);
	current = next;
	assert_true(permits(current, "10.0.0.6"));
	assert_false(permits(current, "10.0.0.7"));
	assert_false(permits(current, "10.0.0.5"));
	ok_access_free(current);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_rules_let_everyone_in),
		cmocka_unit_test(deny_rules_alone_keep_only_their_networks_out),
		cmocka_unit_test(allow_rules_let_only_their_networks_in),
		cmocka_unit_test(a_deny_wins_over_an_allow),
		cmocka_unit_test(zero_length_rules_hold_their_family),
		cmocka_unit_test(mapped_peers_and_rules_are_ipv4),
		cmocka_unit_test(unix_peers_are_never_filtered),
		cmocka_unit_test(lookups_match_a_rule_by_rule_model),
		cmocka_unit_test(access_files_take_comments_blanks_and_white_space),
		cmocka_unit_test(access_file_errors_name_file_and_line),
		cmocka_unit_test(a_lone_cr_is_white_space),
		cmocka_unit_test(files_are_read_from_a_descriptor),
		cmocka_unit_test(a_failed_rebuild_keeps_the_old_set),
	};

	return cmocka_run_group_tests_name("access", tests, NULL, NULL);
}
