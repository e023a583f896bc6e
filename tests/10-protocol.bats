#!/usr/bin/env bats
# 10-protocol.bats - protocol v1 (doc/protocol.md) against the real okserver, with nc and socat.
# 11-protocol-ipv6.bats and 12-protocol-unix.bats are links to this file: the same tests over
# ::1 and over a Unix socket, the family taken from the name the file runs under (bats 1.8
# cannot load a file of tests), or from OK_TEST_FAMILY when it is set.

load helpers
load server_helpers
bats_require_minimum_version 1.5.0

case ${BATS_TEST_FILENAME##*/} in
*-ipv6.bats) OK_TEST_FAMILY=${OK_TEST_FAMILY:-ipv6} ;;
*-unix.bats) OK_TEST_FAMILY=${OK_TEST_FAMILY:-unix} ;;
esac
# The IPv4 run keeps its names; the others say which family they ran over.
# shellcheck disable=SC2034 # used in the test names, which shellcheck does not read
FAMILY_TAG=
# shellcheck disable=SC2034
[ "${OK_TEST_FAMILY:-ipv4}" = ipv4 ] || FAMILY_TAG=" (${OK_TEST_FAMILY})"

setup() {
	start_okserver
}

@test "protocol$FAMILY_TAG: an LF line gets OK LF" {
	run talk 'hello\n'
	assert_success
	assert_output 'OK$'
}

@test "protocol$FAMILY_TAG: a CRLF line gets OK CRLF" {
	run talk 'hello\r\n'
	assert_success
	assert_output 'OK^M$'
}

@test "protocol$FAMILY_TAG: each reply mirrors its own line's terminator" {
	run talk 'a\r\nb\nc\r\n\n'
	assert_success
	assert_output "$(printf 'OK^M$\nOK$\nOK^M$\nOK$')"
}

@test "protocol$FAMILY_TAG: empty lines are answered OK" {
	run talk '\n\r\n\n'
	assert_success
	assert_output "$(printf 'OK$\nOK^M$\nOK$')"
}

@test "protocol$FAMILY_TAG: NUL bytes are content, in OK lines and in the Q echo" {
	run talk 'a\0b\n\0\nQx\0y\n'
	assert_success
	assert_output "$(printf 'OK$\nOK$\nQx^@y$')"
}

@test "protocol$FAMILY_TAG: a lone CR is content, a CR before LF is the terminator" {
	run talk 'a\rb\n\r\r\nQ\rx\r\n'
	assert_success
	assert_output "$(printf 'OK$\nOK^M$\nQ^Mx^M$')"
}

@test "protocol$FAMILY_TAG: a line split byte by byte gets exactly one reply" {
	run bash -c "{ for c in Q u i t; do printf \$c; sleep 0.05; done; printf '\r'; sleep 0.1; \
	    printf '\n'; } | timeout 10 $SERVER_NC | cat -A"
	assert_success
	assert_output 'Quit^M$'
	run bash -c "{ printf 'a'; sleep 0.1; printf '\r'; sleep 0.1; printf '\n'; sleep 0.1; \
	    printf 'b\n'; } | timeout 10 $SERVER_NC | cat -A"
	assert_output "$(printf 'OK^M$\nOK$')"
}

@test "protocol$FAMILY_TAG: many lines in one packet get as many replies, in order" {
	run bash -c "{ seq 5000; printf 'x\r\ny\n'; } | timeout 10 $SERVER_NC | cat -A"
	assert_success
	[ "${#lines[@]}" -eq 5002 ]
	[ "$(printf '%s\n' "${lines[@]:0:5000}" | sort -u)" = 'OK$' ]
	assert_equal "${lines[5000]}" 'OK^M$'
	assert_equal "${lines[5001]}" 'OK$'
}

@test "protocol$FAMILY_TAG: a Q line is echoed, then the server closes the connection" {
	# The peer's input stays open: only the server can end the connection.
	open_peer a
	peer_send a 'hi\nQuit now\r\n'
	wait_gone "$PEER_PID_a" 5
	run peer_out a
	assert_output "$(printf 'OK$\nQuit now^M$')"
}

@test "protocol$FAMILY_TAG: lines after the Q line are not answered" {
	run talk 'Qbye\nmore\nQagain\n'
	assert_success
	assert_output 'Qbye$'
}

@test "protocol$FAMILY_TAG: a lowercase q line is an ordinary line" {
	run talk 'quit\nq\n'
	assert_success
	assert_output "$(printf 'OK$\nOK$')"
}

@test "protocol$FAMILY_TAG: Q only counts at the start of the content" {
	run talk ' Q\naQ\n'
	assert_success
	assert_output "$(printf 'OK$\nOK$')"
}

@test "protocol$FAMILY_TAG: half-close after a final LF: every line answered, then closed" {
	run talk 'a\nb\n'
	assert_success
	assert_output "$(printf 'OK$\nOK$')"
}

@test "protocol$FAMILY_TAG: half-close without a final LF: the rest is one more line" {
	run talk 'a\nlast'
	assert_success
	assert_output "$(printf 'OK$\nOK$')"
	run talk 'a\r\nQbye\r'
	assert_output "$(printf 'OK^M$\nQbye^M$')"
	run talk_socat 'x'
	assert_output 'OK$'
}

@test "protocol$FAMILY_TAG: default limit: 65536 bytes of content pass, 65537 get ERR line too long" {
	run bash -c "{ head -c 65536 /dev/zero | tr '\\0' x; printf '\r\n'; } |
	    timeout 10 $SERVER_NC | cat -A"
	assert_success
	assert_output 'OK^M$'
	run bash -c "{ printf 'a\n'; head -c 65537 /dev/zero | tr '\\0' x; printf '\n'; } |
	    timeout 10 $SERVER_NC | cat -A"
	assert_success
	assert_output "$(printf 'OK$\nERR line too long$')"
}

@test "protocol$FAMILY_TAG: a Q line of 65536 bytes comes back whole" {
	head -c 65535 /dev/urandom | tr -d '\n\r' >"$BATS_TEST_TMPDIR/body"
	{ printf Q; cat "$BATS_TEST_TMPDIR/body"; printf '\n'; } >"$BATS_TEST_TMPDIR/line"
	run bash -c "timeout 10 $SERVER_NC <'$BATS_TEST_TMPDIR/line' |
	    cmp - '$BATS_TEST_TMPDIR/line'"
	assert_success
}

@test "protocol$FAMILY_TAG: ERR line too long mirrors the client's CRLF and ends the connection" {
	open_peer a
	peer_send a 'ok\r\n'
	head -c 70000 /dev/zero | tr '\0' x >&"$PEER_FD_a" || true
	wait_gone "$PEER_PID_a" 5
	run peer_out a
	assert_output "$(printf 'OK^M$\nERR line too long^M$')"
}

@test "protocol$FAMILY_TAG: --max-line sets the limit, counted without the terminator" {
	restart_okserver --max-line 10
	run talk '0123456789\r\n0123456789\n'
	assert_success
	assert_output "$(printf 'OK^M$\nOK$')"
	run talk '0123456789A\n'
	assert_output 'ERR line too long$'
	run talk '0123456789\r\r\n'
	assert_output 'ERR line too long$'
}

@test "protocol$FAMILY_TAG: socat, a second raw peer, gets the same replies" {
	run talk_socat 'one\r\ntwo\nQuit\n'
	assert_success
	assert_output "$(printf 'OK^M$\nOK$\nQuit$')"
}
