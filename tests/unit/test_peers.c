/* test_peers.c - server/peers and its table: counts per IPv4 address and IPv6 /64, to empty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <cmocka.h>

#include "../../server/peers.h" /* the Makefile adds only -Icommon */
#include "netaddr.h"
#include "random_inputs.h"

static struct ok_peer_key key(const char *text)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct ok_peer_key k;

	assert_int_equal(ok_parse_ip_literal(text, &ss, &len, 4242), 0);
	ok_peer_key(&k, (struct sockaddr *)&ss, len);
	return k;
}

static void keys_are_ipv4_addresses_and_ipv6_64s(void **state)
{
	struct ok_peer_key a = key("192.0.2.1"), b = key("::ffff:192.0.2.1");
	struct ok_peer_key c = key("2001:db8:1:2:aaaa::1"), d = key("2001:db8:1:2:bbbb::9");
	struct ok_peer_key x = key("2001:db8:1:3::1");
	char buf[OK_CIDR_STRLEN];

	(void)state;
	assert_string_equal(ok_cidr_format(&a.net, buf, sizeof buf), "192.0.2.1/32");
	assert_memory_equal(&a, &b, sizeof a); /* an IPv4 peer of a dual-stack listener: the same */
	assert_string_equal(ok_cidr_format(&c.net, buf, sizeof buf), "2001:db8:1:2::/64");
	assert_memory_equal(&c, &d, sizeof c);
	assert_string_equal(ok_cidr_format(&x.net, buf, sizeof buf), "2001:db8:1:3::/64");
}

static void the_limit_refuses_the_next_one(void **state)
{
	struct ok_peers p;
	struct ok_peer_key a = key("10.0.0.1"), b = key("10.0.0.2");

	(void)state;
	ok_peers_init(&p, 1);
	assert_int_equal(ok_peers_add(&p, &a, 2), OK_PEERS_IN);
	assert_int_equal(ok_peers_add(&p, &a, 2), OK_PEERS_IN);
	assert_int_equal(ok_peers_add(&p, &a, 2), OK_PEERS_REFUSED);
	assert_int_equal(ok_peers_count(&p, &a), 2); /* a refusal counts nothing */
	assert_int_equal(ok_peers_add(&p, &b, 2), OK_PEERS_IN); /* another address: its own count */
	ok_peers_remove(&p, &a);
	assert_int_equal(ok_peers_add(&p, &a, 2), OK_PEERS_IN);
	assert_int_equal(ok_peers_add(&p, &a, 1), OK_PEERS_REFUSED); /* a lower limit after SIGHUP */
	assert_int_equal(ok_peers_addresses(&p), 2);
	assert_int_equal(p.open, 3);
	ok_peers_remove(&p, &a);
	ok_peers_remove(&p, &a);
	ok_peers_remove(&p, &b);
	assert_int_equal(ok_peers_addresses(&p), 0);
	assert_int_equal(p.open, 0);
	assert_null(p.counts.slots); /* nothing kept once the last one ended */
	ok_peers_free(&p);
}

static void one_ipv6_64_is_one_address(void **state)
{
	struct ok_peers p;
	struct ok_peer_key a = key("2001:db8::1"), b = key("2001:db8::ffff:1");
	struct ok_peer_key c = key("2001:db8:0:1::1");

	(void)state;
	ok_peers_init(&p, 2);
	assert_int_equal(ok_peers_add(&p, &a, 2), OK_PEERS_IN);
	assert_int_equal(ok_peers_add(&p, &b, 2), OK_PEERS_IN);
	assert_int_equal(ok_peers_add(&p, &a, 2), OK_PEERS_REFUSED);
	assert_int_equal(ok_peers_add(&p, &c, 2), OK_PEERS_IN);
	assert_int_equal(ok_peers_count(&p, &b), 2);
	ok_peers_free(&p);
}

static void no_limit_still_counts(void **state)
{
	struct ok_peers p;
	struct ok_peer_key a = key("127.0.0.1");

	(void)state;
	ok_peers_init(&p, 3);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ok_peers_add(&p, &a, 0), OK_PEERS_IN);
	assert_int_equal(ok_peers_count(&p, &a), 1000);
	for (int i = 0; i < 1000; i++)
		ok_peers_remove(&p, &a);
	assert_int_equal(ok_peers_addresses(&p), 0);
	ok_peers_free(&p);
}

static void unix_peers_are_not_counted(void **state)
{
	struct ok_peers p;
	struct sockaddr_un sun;
	struct ok_peer_key k, never = key("10.9.9.9");

	(void)state;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	ok_peer_key(&k, (struct sockaddr *)&sun, sizeof sun);
	assert_int_equal(k.net.family, 0);
	ok_peers_init(&p, 4);
	for (int i = 0; i < 10; i++)
		assert_int_equal(ok_peers_add(&p, &k, 1), OK_PEERS_IN);
	assert_int_equal(ok_peers_count(&p, &k), 0);
	assert_int_equal(ok_peers_addresses(&p), 0);
	ok_peers_remove(&p, &k);
	ok_peers_remove(&p, &never); /* never added: ignored */
	assert_int_equal(p.open, 0);
	ok_peers_free(&p);
}

/* A random address from a small pool, so that counts pile up: IPv4, IPv6 and mapped. */
static struct ok_peer_key random_key(unsigned pool)
{
	char text[64];
	unsigned n = (unsigned)(next_random() % pool);

	switch (n % 3) {
	case 0:
		snprintf(text, sizeof text, "10.%u.%u.%u", n >> 16 & 255, n >> 8 & 255, n & 255);
		break;
	case 1:
		snprintf(text, sizeof text, "2001:db8:%x:%x::%x", n >> 16, n & 0xffff,
		         (unsigned)(next_random() & 0xffff)); /* the interface id does not count */
		break;
	default:
		snprintf(text, sizeof text, "::ffff:10.%u.%u.%u", n >> 16 & 255, n >> 8 & 255, n & 255);
		break;
	}
	return key(text);
}

/* How many of the first 200 keys of open[0..n) the table counts otherwise than the list does. */
static unsigned long counts_differ(const struct ok_peers *p, const struct ok_peer_key *open,
                                   size_t n)
{
	unsigned long differences = 0;

	for (size_t j = 0; j < n && j < 200; j++) {
		unsigned long want = 0;
		for (size_t i = 0; i < n; i++)
			want += memcmp(&open[i], &open[j], sizeof open[j]) == 0;
		differences += ok_peers_count(p, &open[j]) != want;
	}
	return differences;
}

/*
 * Connections start and end at random, as a server's do, each ending exactly once whatever way
 * it ends; the table matches a plain list of what is open after every step, and is empty, its
 * memory freed, once every connection has ended. Shrinking and growing happen on the way.
 */
static void counts_follow_every_start_and_end(void **state)
{
	enum { OPEN_MAX = 20000 };
	static struct ok_peer_key open_keys[OPEN_MAX];
	uint64_t seed = seed_random();
	unsigned long steps = random_input_count(1000000) / 4 + 1, differences = 0;
	size_t n = 0, peak_cap = 0;
	struct ok_peers p;
	char what[80];

	(void)state;
	ok_peers_init(&p, seed);
	for (unsigned long i = 0; i < steps; i++) {
		/* Grow towards OPEN_MAX, then drain, then grow again: the table grows and shrinks. */
		int opening = (i / 100000) % 2 == 0 ? next_random() % 8 != 0 : next_random() % 8 == 0;
		if (opening && n < OPEN_MAX) {
			struct ok_peer_key k = random_key(i % 3 ? 50000 : 50);
			unsigned long before = ok_peers_count(&p, &k);
			enum ok_peers_verdict v = ok_peers_add(&p, &k, 64);
			differences += v == OK_PEERS_NOMEM || (v == OK_PEERS_REFUSED) != (before >= 64);
			if (v == OK_PEERS_IN)
				open_keys[n++] = k;
		} else if (n > 0) {
			size_t j = next_random() % n;
			ok_peers_remove(&p, &open_keys[j]);
			open_keys[j] = open_keys[--n];
		}
		differences += p.open != n;
		if (p.counts.cap > peak_cap)
			peak_cap = p.counts.cap;
		if (i == 199999) /* drained: the table has shrunk with it */
			differences += p.counts.cap >= peak_cap;
	}
	differences += counts_differ(&p, open_keys, n);
	while (n > 0)
		ok_peers_remove(&p, &open_keys[--n]);
	differences += ok_peers_addresses(&p) != 0 || p.open != 0 || p.counts.slots != NULL;
	snprintf(what, sizeof what, "counts followed %lu starts and ends, then empty", steps);
	end_random_run(differences, seed, what);
	print_message("# largest table: %zu slots\n", peak_cap);
	ok_peers_free(&p);
}

/* The table itself: many keys in, every other one out, the rest still found, then none. */
static void table_finds_what_is_left_after_removals(void **state)
{
	struct ok_addrtab t;
	struct ok_cidr k;
	uint32_t *v;

	(void)state;
	ok_addrtab_init(&t, 42);
	memset(&k, 0, sizeof k);
	k.family = AF_INET6;
	k.bits = 128;
	for (uint32_t i = 0; i < 5000; i++) {
		memcpy(k.addr, &i, sizeof i);
		v = ok_addrtab_insert(&t, &k);
		assert_non_null(v);
		*v = i + 1;
	}
	assert_int_equal(t.used, 5000);
	for (uint32_t i = 0; i < 5000; i += 2) {
		memcpy(k.addr, &i, sizeof i);
		ok_addrtab_remove(&t, &k);
	}
	for (uint32_t i = 0; i < 5000; i++) {
		memcpy(k.addr, &i, sizeof i);
		v = ok_addrtab_find(&t, &k);
		if (i % 2 == 0)
			assert_null(v);
		else
			assert_true(v != NULL && *v == i + 1);
	}
	k.bits = 127; /* same bytes, another length: another key */
	assert_null(ok_addrtab_find(&t, &k));
	k.bits = 128;
	for (uint32_t i = 1; i < 5000; i += 2) {
		memcpy(k.addr, &i, sizeof i);
		ok_addrtab_remove(&t, &k);
		ok_addrtab_remove(&t, &k); /* twice: the second does nothing */
	}
	assert_int_equal(t.used, 0);
	assert_null(t.slots);
	ok_addrtab_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_are_ipv4_addresses_and_ipv6_64s),
		cmocka_unit_test(the_limit_refuses_the_next_one),
		cmocka_unit_test(one_ipv6_64_is_one_address),
		cmocka_unit_test(no_limit_still_counts),
		cmocka_unit_test(unix_peers_are_not_counted),
		cmocka_unit_test(counts_follow_every_start_and_end),
		cmocka_unit_test(table_finds_what_is_left_after_removals),
	};

	return cmocka_run_group_tests_name("peers", tests, NULL, NULL);
}
