#!/usr/bin/env bats
# 34-client-closed-stdin.bats - okclient started with standard input closed. A file of its own,
# outside the suites make check-valgrind runs (mk/check.mk VG_SUITES): valgrind opens the program
# file on the lowest free descriptor, 0, before okclient runs, so no closed stdin can reach
# okclient under it. The plain and the sanitizer runs test it.
# shellcheck disable=SC2154 # $stderr is set by bats: run --separate-stderr

bats_require_minimum_version 1.5.0
load helpers
load client_helpers

setup() {
	require_binary "$OKCLIENT"
}

teardown() {
	stop_fake
}

@test "client pipe: started with stdin closed, it is empty input: sends nothing, exits 0" {
	start_fake record "$BATS_TEST_TMPDIR/received"
	# Closed inside bash -c: `run ... <&-` would let run's own output pipe take fd 0.
	# shellcheck disable=SC2016 # expanded by the inner bash
	run --separate-stderr timeout 10 bash -c '"$@" <&-' _ "$OKCLIENT" -r 127.0.0.1 "$FAKE_PORT"
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	stop_fake
	assert_equal "$(wc -c <"$BATS_TEST_TMPDIR/received")" 0
}
