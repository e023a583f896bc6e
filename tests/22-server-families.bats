#!/usr/bin/env bats
# 22-server-families.bats - okserver over IPv4, IPv6 and Unix sockets: -b repeated, -U, --unix-mode.

load helpers
load server_helpers
bats_require_minimum_version 1.5.0

setup() {
	require_binary "$OKSERVER"
	SOCK=$BATS_TEST_TMPDIR/ok.sock
}

# talk_to WHERE FORMAT: talk through nc to WHERE: "4" (127.0.0.1), "6" (::1) or a socket path.
talk_to() {
	local where=(127.0.0.1 "$SERVER_PORT")
	case $1 in
	6) where=(-6 ::1 "$SERVER_PORT") ;;
	/*) where=(-U "$1") ;;
	esac
	# shellcheck disable=SC2059 # a printf format by contract, as for talk
	printf "$2" | timeout 10 nc -N "${where[@]}" | cat -A
}

# wait_ready N: the server has printed N ready lines.
wait_ready() {
	wait_until 5 has_lines "$SERVER_OUT" "$1" || fail "ready lines: $(cat "$SERVER_OUT" "$SERVER_ERR")"
}

# mode_of PATH: the file's permission bits, octal.
mode_of() {
	stat -c %a "$1"
}

@test "families: -b repeated: one ready line each, in order, all on the port the first got" {
	start_okserver -b ::1 -b 127.0.0.1 -b 127.0.0.2
	wait_ready 3
	run cat "$SERVER_OUT"
	assert_output "$(printf 'listening on [::1]:%s\nlistening on 127.0.0.1:%s\nlistening on 127.0.0.2:%s' \
	    "$SERVER_PORT" "$SERVER_PORT" "$SERVER_PORT")"
	[ "$SERVER_PORT" -gt 0 ]
	assert_equal "$(talk_to 6 'a\n')" 'OK$'
	assert_equal "$(talk_to 4 'b\n')" 'OK$'
	assert_equal "$(printf 'c\n' | timeout 10 nc -N 127.0.0.2 "$SERVER_PORT" | cat -A)" 'OK$'
}

@test "families: -b [::1] takes brackets; IPv6 is shown in inet_ntop's canonical form" {
	start_okserver -b '[0:0:0:0:0:0:0:1]'
	run cat "$SERVER_OUT"
	assert_output "listening on [::1]:$SERVER_PORT"
}

@test "families: a 17th -b is a usage error naming it" {
	local args=() _
	for _ in $(seq 16); do args+=(-b 127.0.0.1); done
	run --separate-stderr timeout 10 "$OKSERVER" -p 0 "${args[@]}" -b ::1
	assert_equal "$status" 64
	assert_equal "$stderr" "$(printf 'okserver: too many -b addresses (at most 16): ::1\n%s' "$HINT")"
	assert_output ""
}

@test "families: -b :: serves IPv6 and IPv4 (IPV6_V6ONLY off)" {
	start_okserver -b :: -v
	run cat "$SERVER_OUT"
	assert_output "listening on [::]:$SERVER_PORT"
	assert_equal "$(talk_to 4 'a\n')" 'OK$'
	assert_equal "$(talk_to 6 'b\n')" 'OK$'
	wait_until 5 log_count_is 2 ' closed '
	# The IPv4 peer is named in IPv4 form, not as ::ffff:127.0.0.1 (after -v's start line).
	run cat "$SERVER_ERR"
	assert_line --index 0 --regexp "^okserver: started, .*, listening on \[::\]:$SERVER_PORT\$"
	assert_line --index 1 --regexp '^okserver: 127\.0\.0\.1:[0-9]+ connected$'
	assert_line --index 3 --regexp '^okserver: \[::1\]:[0-9]+ connected$'
	assert_line --index 4 --regexp '^okserver: \[::1\]:[0-9]+ closed \(eof\), 1 lines answered$'
}

@test "families: -b ::1 is IPv6-only: IPv4 is refused there, and 127.0.0.1 shares the port" {
	start_okserver -b ::1
	run timeout 10 nc -z 127.0.0.1 "$SERVER_PORT"
	assert_failure
	assert_equal "$(talk_to 6 'a\n')" 'OK$'
	restart_okserver -b 0.0.0.0 -b ::1
	wait_ready 2
	assert_equal "$(talk_to 4 'a\n')" 'OK$'
	assert_equal "$(talk_to 6 'b\n')" 'OK$'
}

@test "families: a port in use on ::1 exits 2 naming [::1]:PORT" {
	start_okserver -b ::1
	run --separate-stderr timeout 10 "$OKSERVER" -b ::1 -p "$SERVER_PORT"
	assert_equal "$status" 2
	assert_equal "$stderr" "okserver: bind [::1]:$SERVER_PORT: Address already in use"
}

@test "families: an IPv4-mapped -b is named as given: the kernel refuses it IPv6-only, exit 2" {
	# Every IPv6 -b but :: is IPv6-only, and an IPv6-only socket cannot take ::ffff:a.b.c.d.
	run --separate-stderr timeout 10 "$OKSERVER" -p 0 -b ::ffff:127.0.0.1
	assert_equal "$status" 2
	assert_equal "$stderr" "okserver: bind [::ffff:127.0.0.1]:0: Invalid argument"
}

@test "families: host names and malformed IPv6 are refused with 64" {
	local bad
	for bad in localhost ::1:: '[::1' 1:2:3:4:5:6:7:8:9 '[127.0.0.1]' '::1%lo'; do
		run --separate-stderr timeout 10 "$OKSERVER" -b "$bad"
		assert_equal "$status" 64
		assert_equal "$stderr" "$(printf 'okserver: address not valid: %s\n%s' "$bad" "$HINT")"
	done
}

@test "families: -U alone: one ready line, mode 0600, no TCP listener at all" {
	OK_TEST_FAMILY=unix start_okserver
	run cat "$SERVER_OUT"
	assert_output "listening on unix:$SERVER_SOCK"
	[ -S "$SERVER_SOCK" ]
	assert_equal "$(mode_of "$SERVER_SOCK")" 600
	run ss -Hltnp
	refute_output --partial "pid=$SERVER_PID,"
	assert_equal "$(talk_to "$SERVER_SOCK" 'a\r\nQx\n')" "$(printf 'OK^M$\nQx$')"
}

@test "families: -U with -p: TCP on the default address, then the Unix socket" {
	start_okserver -U "$SOCK" --unix-mode 0660
	wait_ready 2
	run cat "$SERVER_OUT"
	assert_output "$(printf 'listening on 127.0.0.1:%s\nlistening on unix:%s' "$SERVER_PORT" "$SOCK")"
	assert_equal "$(mode_of "$SOCK")" 660
	assert_equal "$(talk_to 4 'a\n')" 'OK$'
	assert_equal "$(talk_to "$SOCK" 'b\n')" 'OK$'
}

@test "families: --unix-mode must be octal 0-0777, and needs -U" {
	run --separate-stderr timeout 10 "$OKSERVER" -U "$SOCK" --unix-mode 0800
	assert_equal "$status" 64
	assert_equal "$stderr" "$(printf 'okserver: unix-mode not an octal number: 0800\n%s' "$HINT")"
	run --separate-stderr timeout 10 "$OKSERVER" -U "$SOCK" --unix-mode 01000
	assert_equal "$status" 64
	run --separate-stderr timeout 10 "$OKSERVER" --unix-mode 0600
	assert_equal "$status" 64
	[ ! -e "$SOCK" ]
}

@test "families: a stale socket file (nobody accepting) is replaced" {
	start_okserver -U "$SOCK"
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID" || true
	[ -S "$SOCK" ]
	run timeout 10 nc -z -U "$SOCK"
	assert_failure
	start_okserver -U "$SOCK"
	wait_ready 2
	assert_equal "$(talk_to "$SOCK" 'a\n')" 'OK$'
}

@test "families: a live socket exits 2, Address already in use; the first server goes on" {
	start_okserver -U "$SOCK"
	wait_ready 2
	run --separate-stderr timeout 10 "$OKSERVER" -U "$SOCK"
	assert_equal "$status" 2
	assert_equal "$stderr" "okserver: bind unix:$SOCK: Address already in use"
	assert_equal "$(talk_to "$SOCK" 'a\n')" 'OK$'
}

@test "families: a path that is not a socket exits 2 and is left untouched" {
	printf 'keep me\n' >"$SOCK"
	run --separate-stderr timeout 10 "$OKSERVER" -U "$SOCK"
	assert_equal "$status" 2
	assert_equal "$stderr" "okserver: bind unix:$SOCK: exists and is not a socket (left as it is)"
	assert_equal "$(cat "$SOCK")" 'keep me'
	mkdir "$BATS_TEST_TMPDIR/dir"
	run --separate-stderr timeout 10 "$OKSERVER" -U "$BATS_TEST_TMPDIR/dir"
	assert_equal "$status" 2
	[ -d "$BATS_TEST_TMPDIR/dir" ]
}

@test "families: a path too long for sun_path, or empty, is a usage error" {
	local long
	long=/tmp/$(printf 'x%.0s' $(seq 103)) # 108 bytes: one more than Linux's 107
	run --separate-stderr timeout 10 "$OKSERVER" -U "$long"
	assert_equal "$status" 64
	assert_equal "$stderr" \
	    "$(printf 'okserver: unix path too long (at most 107 bytes): %s\n%s' "$long" "$HINT")"
	run --separate-stderr timeout 10 "$OKSERVER" --unix ''
	assert_equal "$status" 64
	assert_equal "$stderr" "$(printf "okserver: unix path is empty: ''\n%s" "$HINT")"
}

@test "families: the socket file is removed on SIGTERM, SIGINT and after --once" {
	local sig
	for sig in TERM INT; do
		start_okserver -U "$SOCK"
		wait_ready 2
		kill "-$sig" "$SERVER_PID"
		wait_gone "$SERVER_PID" 5
		[ ! -e "$SOCK" ] || fail "$SOCK is still there after SIG$sig"
	done
	OK_TEST_FAMILY=unix start_okserver --once
	assert_equal "$(talk_to "$SERVER_SOCK" 'Qbye\n')" 'Qbye$'
	wait_gone "$SERVER_PID" 5
	run wait "$SERVER_PID"
	assert_equal "$status" 0
	[ ! -e "$SERVER_SOCK" ]
}

@test "families: a file that replaced the socket meanwhile is not removed" {
	start_okserver -U "$SOCK"
	wait_ready 2
	rm "$SOCK"
	printf 'new\n' >"$SOCK"
	stop_okserver
	assert_equal "$(cat "$SOCK")" 'new'
}

@test "families: --max-clients counts IPv4 and Unix connections together" {
	start_okserver -U "$SOCK" --max-clients 1
	wait_ready 2
	open_peer a
	peer_send a 'hi\n'
	wait_until 5 grep -q OK "$BATS_TEST_TMPDIR/a.out"
	assert_equal "$(talk_to "$SOCK" 'x\n')" 'ERR server full$'
	peer_close a
	wait_gone "$PEER_PID_a" 5
	wait_until 5 talk_gives 'OK$' 'y\n'
}

@test "families: --once ends after a Unix client, closing the TCP listener too" {
	start_okserver -U "$SOCK" --once
	wait_ready 2
	assert_equal "$(talk_to "$SOCK" 'a\nb\n')" "$(printf 'OK$\nOK$')"
	wait_gone "$SERVER_PID" 5
	run timeout 10 nc -z 127.0.0.1 "$SERVER_PORT"
	assert_failure
}

@test "families: -v names IPv6 peers in brackets and Unix peers as unix" {
	start_okserver -b ::1 -U "$SOCK" -v
	wait_ready 2
	assert_equal "$(talk_to 6 'a\n')" 'OK$'
	wait_until 5 log_count_is 1 ' closed '
	assert_equal "$(talk_to "$SOCK" 'a\nb\n')" "$(printf 'OK$\nOK$')"
	wait_until 5 log_count_is 2 ' closed '
	run cat "$SERVER_ERR"
	assert_line --index 0 --regexp \
	    "^okserver: started, .*, listening on \[::1\]:$SERVER_PORT, unix:$SOCK\$"
	assert_line --index 1 --regexp '^okserver: \[::1\]:[0-9]+ connected$'
	assert_line --index 2 --regexp '^okserver: \[::1\]:[0-9]+ closed \(eof\), 1 lines answered$'
	assert_line --index 3 'okserver: unix connected'
	assert_line --index 4 'okserver: unix closed (eof), 2 lines answered'
}
