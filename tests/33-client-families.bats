#!/usr/bin/env bats
# 33-client-families.bats - okclient over IPv6, Unix sockets, -4/-6, and a name's addresses in turn.
# shellcheck disable=SC2154 # $stderr is set by bats: run --separate-stderr

bats_require_minimum_version 1.5.0
load helpers
load client_helpers

# The name tests/tools/shim/gai_shim.c answers with $OK_TEST_GAI's addresses.
TEST_NAME=okchat-test.invalid

setup() {
	require_binary "$OKCLIENT"
	# A short directory: a Unix socket path holds at most 107 bytes.
	SOCK_DIR=$(mktemp -d /tmp/okc-families.XXXXXX)
}

teardown() {
	stop_fake
	rm -rf "${SOCK_DIR:-/nonexistent}"
}

# gai_client ADDRS OKCLIENT-ARGS...: runs okclient (input from stdin) with TEST_NAME resolving
# to ADDRS ("::1,127.0.0.1": in that order), through the LD_PRELOAD shim.
gai_client() {
	local addrs=$1
	shift
	local preload=LD_PRELOAD
	require_binary "$TOOLS/gai_shim.so"
	# Under qemu-user the shim is the guest's: qemu hands QEMU_SET_ENV to the guest alone, where
	# LD_PRELOAD would also reach the native wrapper and its loader would complain.
	[ -z "${OK_UNDER_EMULATOR:-}" ] || preload=QEMU_SET_ENV=LD_PRELOAD
	run --separate-stderr timeout 20 env "$preload=$TOOLS/gai_shim.so" OK_TEST_GAI="$addrs" \
		"$OKCLIENT" "$@"
}

# elapsed_ms START: milliseconds since START (from date +%s%N).
elapsed_ms() {
	echo $((($(date +%s%N) - $1) / 1000000))
}

@test "client families: an IPv6 address, bare or in brackets, reaches an IPv6 server" {
	start_fake -b ::1
	run --separate-stderr timeout 10 "$OKCLIENT" -r ::1 "$FAKE_PORT" < <(printf 'a\nQuit\n')
	assert_success
	assert_output $'OK\nQuit'
	assert_equal "$stderr" ""
	run --separate-stderr timeout 10 "$OKCLIENT" -r '[::1]' "$FAKE_PORT" < <(printf 'b\n')
	assert_success
	assert_output "OK"
	run --separate-stderr timeout 10 "$OKCLIENT" -6 -r 0:0::1 "$FAKE_PORT" < <(printf 'c\n')
	assert_success
	assert_output "OK"
}

@test "client families: HOST:PORT and [IPV6]:PORT in one argument, as socat and ncat users type" {
	start_fake -b 127.0.0.1
	local host
	for host in "127.0.0.1:$FAKE_PORT" "localhost:$FAKE_PORT" "127.1:$FAKE_PORT"; do
		run --separate-stderr timeout 10 "$OKCLIENT" -4 -r "$host" < <(printf 'a\n')
		assert_success
		assert_output "OK"
		assert_equal "$stderr" ""
	done
	stop_fake
	start_fake -b ::1
	run --separate-stderr timeout 10 "$OKCLIENT" -r "[::1]:$FAKE_PORT" < <(printf 'b\n')
	assert_success
	assert_output "OK"
	# The port given twice is a usage error; a bare IPv6 address keeps its colons.
	run --separate-stderr "$OKCLIENT" "[::1]:$FAKE_PORT" "$FAKE_PORT" </dev/null
	assert_failure 64
	assert_equal "${stderr%%$'\n'*}" "okclient: port given twice: [::1]:$FAKE_PORT and $FAKE_PORT"
	run --separate-stderr timeout 10 "$OKCLIENT" -r "0::1" "$FAKE_PORT" < <(printf 'c\n')
	assert_success
	assert_output "OK"
}

@test "client families: messages name an IPv6 server as [ADDR]:PORT" {
	start_fake -b ::1 answer 1
	run --separate-stderr timeout 10 "$OKCLIENT" ::1 "$FAKE_PORT" < <(printf '1\n2\n')
	assert_failure 5
	assert_output "Server: OK"
	assert_equal "$stderr" "okclient: connection to [::1]:$FAKE_PORT lost: answered 1 of 2 lines"
}

@test "client families: a refused IPv6 connection gives 2 and names [::1]:PORT" {
	start_fake -b ::1 silent
	local port=$FAKE_PORT
	stop_fake
	run --separate-stderr timeout 10 "$OKCLIENT" '[::1]' "$port" </dev/null
	assert_failure 2
	assert_equal "$stderr" "okclient: connect [::1]:$port: Connection refused"
}

@test "client families: an address of the other family than -4/-6 gives 3" {
	run --separate-stderr timeout 10 "$OKCLIENT" -6 127.0.0.1 4242 </dev/null
	assert_failure 3
	assert_output ""
	assert_equal "$stderr" "okclient: -6: not an IPv6 address: 127.0.0.1"
	run --separate-stderr timeout 10 "$OKCLIENT" -4 '[::1]' 4242 </dev/null
	assert_failure 3
	assert_equal "$stderr" "okclient: -4: not an IPv4 address: [::1]"
}

@test "client families: an IPv6-looking address that is not valid gives 3, not a lookup" {
	local host
	for host in ':::1' '[::1' '::1]' '1::2::3' '[127.0.0.1]'; do
		run --separate-stderr timeout 10 "$OKCLIENT" "$host" 4242 </dev/null
		assert_failure 3
		assert_equal "$stderr" "okclient: address not valid: $host"
	done
}

@test "client families: a name's first address refused, its second connects: 0" {
	start_fake -b 127.0.0.1
	gai_client "::1,127.0.0.1" -r "$TEST_NAME" "$FAKE_PORT" < <(printf 'a\n')
	assert_success
	assert_output "OK"
	assert_equal "$stderr" ""
	stop_fake
	start_fake -b ::1
	gai_client "127.0.0.1,::1" -r -t 5 "$TEST_NAME" "$FAKE_PORT" < <(printf 'b\n')
	assert_success
	assert_output "OK"
	assert_equal "$stderr" ""
}

@test "client families: every address of a name refused gives 2 naming the last one" {
	start_fake -b ::1 silent
	local port=$FAKE_PORT
	stop_fake
	gai_client "127.0.0.1,::1" "$TEST_NAME" "$port" </dev/null
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "okclient: connect [::1]:$port: Connection refused"
	gai_client "::1,127.0.0.1" "$TEST_NAME" "$port" </dev/null
	assert_failure 2
	assert_equal "$stderr" "okclient: connect 127.0.0.1:$port: Connection refused"
}

@test "client families: -4 and -6 try only that family of a name's addresses" {
	start_fake -b 127.0.0.1
	gai_client "::1,127.0.0.1" -4 -r "$TEST_NAME" "$FAKE_PORT" < <(printf 'a\n')
	assert_success
	assert_output "OK"
	# The IPv4 server is not tried: the one IPv6 address is refused.
	gai_client "::1,127.0.0.1" -6 "$TEST_NAME" "$FAKE_PORT" </dev/null
	assert_failure 2
	assert_equal "$stderr" "okclient: connect [::1]:$FAKE_PORT: Connection refused"
}

@test "client families: -6 with a name that has no IPv6 address gives 3" {
	gai_client "127.0.0.1" -6 "$TEST_NAME" 4242 </dev/null
	assert_failure 3
	assert_output ""
	assert_equal "$stderr" "okclient: host not found: $TEST_NAME: Name or service not known"
}

@test "client families: -t bounds connecting to all of a name's addresses together: 7" {
	# A listener whose accept queue is full never answers a handshake: each attempt hangs.
	start_fake -b 127.0.0.1 full
	local start limit=$((3500 * $(tool_slowdown)))
	start=$(date +%s%N)
	gai_client "127.0.0.1,127.0.0.1" -t 2 "$TEST_NAME" "$FAKE_PORT" </dev/null
	local took
	took=$(elapsed_ms "$start")
	assert_failure 7
	assert_output ""
	assert_equal "$stderr" "okclient: connect 127.0.0.1:$FAKE_PORT: Connection timed out"
	# 2 s for both, not 2 s each.
	[ "$took" -ge 1900 ] || fail "gave up after $took ms, before -t 2 ran out"
	[ "$took" -lt "$limit" ] || fail "took $took ms: -t 2 was applied to each address"
}

@test "client families: -U reaches a Unix-domain server and streams through it" {
	start_fake -U "$SOCK_DIR/ok.sock"
	run --separate-stderr timeout 10 "$OKCLIENT" -r -U "$SOCK_DIR/ok.sock" < <(printf 'a\r\nb\nQbye\nnot sent\n')
	assert_success
	assert_output $'OK\nOK\nQbye'
	assert_equal "$stderr" ""
	run --separate-stderr timeout 10 "$OKCLIENT" --unix "$SOCK_DIR/ok.sock" < <(printf 'x')
	assert_success
	assert_output "Server: OK"
}

@test "client families: messages name a Unix-domain server as unix:PATH" {
	start_fake -U "$SOCK_DIR/ok.sock" err "ERR server full"
	run --separate-stderr timeout 10 "$OKCLIENT" -U "$SOCK_DIR/ok.sock" < <(printf 'a\n')
	assert_failure 6
	assert_equal "$stderr" "okclient: server unix:$SOCK_DIR/ok.sock: ERR server full"
	stop_fake
	run --separate-stderr timeout 10 "$OKCLIENT" -U "$SOCK_DIR/ok.sock" </dev/null
	assert_failure 2
	assert_equal "$stderr" "okclient: connect unix:$SOCK_DIR/ok.sock: No such file or directory"
}

@test "client families: -U with HOST, PORT, -4 or -6 is a usage error: 64" {
	local args expect
	while IFS='|' read -r args expect; do
		# shellcheck disable=SC2086 # each case is a word list
		run --separate-stderr "$OKCLIENT" $args </dev/null
		assert_failure 64
		assert_output ""
		assert_equal "$stderr" "okclient: $expect"$'\n'"Try 'okclient --help' for more information."
	done <<-'CASES'
	-U /tmp/ok.sock 127.0.0.1|-U takes no HOST or PORT: 127.0.0.1
	-U /tmp/ok.sock localhost 4242|-U takes no HOST or PORT: localhost
	-4 -U /tmp/ok.sock|-U cannot be used with -4
	--unix /tmp/ok.sock -6|-U cannot be used with -6
	-U|option needs a value: -U
	CASES
}

@test "client families: a -U path longer than a socket address holds is a usage error: 64" {
	local path
	path=/tmp/$(printf 'a%.0s' $(seq 103)) # 108 bytes: sun_path holds 107 and the NUL
	run --separate-stderr "$OKCLIENT" -U "$path" </dev/null
	assert_failure 64
	assert_output ""
	assert_equal "$stderr" "okclient: unix socket path too long: 108 bytes (at most 107)"$'\n'"Try 'okclient --help' for more information."
	run --separate-stderr "$OKCLIENT" -U "" </dev/null
	assert_failure 64
	assert_equal "${stderr%%$'\n'*}" "okclient: unix socket path is empty"
}

@test "client families: --help names -4, -6 and -U, with an example of each form" {
	run --separate-stderr "$OKCLIENT" --help
	assert_success
	assert_line "  -4, -6             use IPv4 only, or IPv6 only"
	assert_line "  -U, --unix PATH    connect to the Unix-domain socket PATH (at most 107 bytes)"
	assert_line "Examples: okclient ::1 4242    okclient -6 localhost"
	assert_line "          okclient -U /run/okserver/okserver.sock"
}
