#!/usr/bin/env bats
# 00-library.bats - libokcommon seen from outside: its symbols and a tool linked with it.

load helpers

setup() {
	LIB=${OKLIB:-$TOP/build/libokcommon.a}
	[ -f "$LIB" ] || skip "$LIB is not built: run 'make test-build'"
	require_binary "$TOOLS/okaddr"
}

@test "library: calls no libc htons, inet_aton, inet_addr, inet_pton or inet_ntop" {
	run nm -u "$LIB"
	assert_success
	refute_output --regexp '(^| )(htons|htonl|ntohs|ntohl|inet_aton|inet_addr|inet_pton|inet_ntop)$'
}

@test "library: defines the four public functions" {
	run nm -g --defined-only "$LIB"
	assert_success
	for sym in ok_htons ok_ntohs ok_inet_aton ok_sockaddr_in; do
		assert_line --regexp " T $sym$"
	done
}

@test "library: defines the IPv6 functions and the address helpers" {
	run nm -g --defined-only "$LIB"
	assert_success
	for sym in ok_inet_pton6 ok_inet_ntop6 ok_sockaddr_in6 ok_parse_ip_literal ok_format_sockaddr; do
		assert_line --regexp " T $sym$"
	done
}

@test "library: ok_inet_aton takes inet_aton's short forms" {
	run "$TOOLS/okaddr" aton 127.1
	assert_success
	assert_output "valid 127.0.0.1"
	run "$TOOLS/okaddr" aton 0x7f.1.0377
	assert_output "valid 127.1.0.255"
	run "$TOOLS/okaddr" aton "10.0.0.1 and the rest"
	assert_output "valid 10.0.0.1"
}

@test "library: ok_inet_aton refuses what inet_aton refuses" {
	for bad in "" 1.2.3.256 1..2 1.2.3.4.5 " 1.2.3.4" 08 0x localhost; do
		run "$TOOLS/okaddr" aton "$bad"
		assert_failure 1
		assert_output "invalid"
	done
}

@test "library: ports are strict decimal 0-65535" {
	run "$TOOLS/okaddr" port 65535
	assert_success
	assert_output "port 65535"
	run "$TOOLS/okaddr" port 65536
	assert_failure 1
	assert_output "error: too large"
	run "$TOOLS/okaddr" port 80x
	assert_output "error: not a number"
	run "$TOOLS/okaddr" htons 4242
	assert_output "10 92"
}

@test "library: sockaddr_in round-trips through the formatter" {
	run "$TOOLS/okaddr" sockaddr 127.1 4242
	assert_success
	assert_output "127.0.0.1:4242"
}
