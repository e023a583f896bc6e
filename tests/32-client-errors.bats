#!/usr/bin/env bats
# 32-client-errors.bats - okclient's failure paths against scripted fake servers; options.
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

@test "client errors: a server that closes after 2 of 5 replies gives 5 and says so" {
	start_fake answer 2
	run --separate-stderr timeout 10 "$OKCLIENT" 127.0.0.1 "$FAKE_PORT" < <(printf '1\n2\n3\n4\n5\n')
	assert_failure 5
	assert_output $'Server: OK\nServer: OK'
	assert_equal "$stderr" "okclient: connection to 127.0.0.1:$FAKE_PORT lost: answered 2 of 5 lines"
}

@test "client errors: a reply cut off by the server's close is shown but not counted: 5" {
	start_fake cut 2 "O"
	run --separate-stderr timeout 10 "$OKCLIENT" -r 127.0.0.1 "$FAKE_PORT" < <(printf '1\n2\n3\n')
	assert_failure 5
	assert_output $'OK\nOK\nO'
	assert_equal "$stderr" "okclient: connection to 127.0.0.1:$FAKE_PORT lost: answered 2 of 3 lines"
}

@test "client errors: a Q echo cut off is not an answer either: 5" {
	start_fake cut 0 "Qu"
	run --separate-stderr timeout 10 "$OKCLIENT" 127.0.0.1 "$FAKE_PORT" < <(printf 'Quit\n')
	assert_failure 5
	assert_output "Server: Qu"
	assert_equal "$stderr" "okclient: connection to 127.0.0.1:$FAKE_PORT lost: answered 0 of 1 lines"
}

@test "client errors: a reply cut off after every line sent was answered is a line, and a loss: 5" {
	local status=0
	start_fake cut 1 "O"
	timeout 10 "$OKCLIENT" -r 127.0.0.1 "$FAKE_PORT" < <(printf 'a\n') >"$BATS_TEST_TMPDIR/out" \
		2>"$BATS_TEST_TMPDIR/err" || status=$?
	assert_equal "$status" 5
	# Byte for byte: the cut reply ends with its LF.
	assert_equal "$(od -An -c "$BATS_TEST_TMPDIR/out")" "   O   K  \n   O  \n"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "okclient: connection to 127.0.0.1:$FAKE_PORT lost in the middle of a line; every line sent (1) was answered"
}

@test "client errors: a server that closes after answering every line, input still coming: 5, says so" {
	local fifo=$BATS_TEST_TMPDIR/in status=0
	start_fake hangup 1
	mkfifo "$fifo"
	exec 4<>"$fifo" # held open: the input has not ended when the server closes
	printf 'a\n' >&4
	timeout 10 "$OKCLIENT" -r 127.0.0.1 "$FAKE_PORT" <"$fifo" >"$BATS_TEST_TMPDIR/out" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- || status=$?
	exec 4>&-
	assert_equal "$status" 5
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "OK"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "okclient: connection to 127.0.0.1:$FAKE_PORT lost: every line sent (1) was answered, but the input was not finished"
}

@test "client errors: --greeting: the greeting is printed, not counted, so 1 of 2 answered is 5" {
	start_fake -g 'Hello, World!' answer 1
	run --separate-stderr timeout 10 "$OKCLIENT" --greeting 127.0.0.1 "$FAKE_PORT" < <(printf '1\n2\n')
	assert_failure 5
	assert_output $'Server: Hello, World!\nServer: OK'
	assert_equal "$stderr" "okclient: connection to 127.0.0.1:$FAKE_PORT lost: answered 1 of 2 lines"
	# Without --greeting every line the server sends is a reply, as before.
	run --separate-stderr timeout 10 "$OKCLIENT" -r 127.0.0.1 "$FAKE_PORT" < <(printf '1\n2\n')
	assert_success
	assert_output $'Hello, World!\nOK'
}

@test "client errors: --greeting with a server that refuses at once: its ERR line, 6" {
	start_fake -g 'ERR server full' answer 0
	run --separate-stderr timeout 10 "$OKCLIENT" --greeting 127.0.0.1 "$FAKE_PORT" < <(printf 'a\n')
	assert_failure 6
	assert_output ""
	assert_equal "$stderr" "okclient: server 127.0.0.1:$FAKE_PORT: ERR server full"
}

@test "client errors: in a pipe a reply's and an ERR line's bytes pass unchanged" {
	# Control characters, a NUL, C1 bytes, a backslash, UTF-8: in fake_server's escapes, which
	# are printf's too.
	local text='\x1b]0;owned\x07\x1b[2J\x1b]52;c;b3duZWQ=\x07\x00\x85\xc2\x85\x0d\\caf\xc3\xa9'
	start_fake reply "X$text"
	timeout 10 "$OKCLIENT" -r 127.0.0.1 "$FAKE_PORT" < <(printf 'a\nQ\n') >"$BATS_TEST_TMPDIR/out"
	# shellcheck disable=SC2059 # the escapes are meant for printf
	printf "X$text\nQ\n" >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/out"
	stop_fake
	start_fake err "ERR $text"
	local status=0
	timeout 10 "$OKCLIENT" 127.0.0.1 "$FAKE_PORT" </dev/null 2>"$BATS_TEST_TMPDIR/err" || status=$?
	assert_equal "$status" 6
	# shellcheck disable=SC2059
	printf "okclient: server 127.0.0.1:$FAKE_PORT: ERR $text\n" >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/err"
}

@test "client errors: ERR server full gives 6 and repeats it on stderr only" {
	start_fake err "ERR server full"
	run --separate-stderr timeout 10 "$OKCLIENT" 127.0.0.1 "$FAKE_PORT" < <(printf 'a\nb\n')
	assert_failure 6
	assert_output ""
	assert_equal "$stderr" "okclient: server 127.0.0.1:$FAKE_PORT: ERR server full"
}

@test "client errors: ERR after some replies keeps the replies on stdout" {
	start_fake answer 2 "ERR line too long"
	run --separate-stderr timeout 10 "$OKCLIENT" -r 127.0.0.1 "$FAKE_PORT" < <(printf 'a\nb\nc\n')
	assert_failure 6
	assert_output $'OK\nOK'
	assert_equal "$stderr" "okclient: server 127.0.0.1:$FAKE_PORT: ERR line too long"
}

@test "client errors: a server that never answers, with -t 1, gives 7 in time" {
	start_fake silent
	local start=$SECONDS
	run --separate-stderr timeout 20 "$OKCLIENT" -t 1 127.0.0.1 "$FAKE_PORT" < <(printf 'a\nb\n')
	assert_failure 7
	assert_output ""
	assert_equal "$stderr" "okclient: no reply from 127.0.0.1:$FAKE_PORT in 1 s: answered 0 of 2 lines"
	[ $((SECONDS - start)) -le $((6 * $(tool_slowdown))) ] ||
		fail "took $((SECONDS - start)) s to time out after 1 s"
}

@test "client errors: a reply begun and never finished, -t 1: what came is a line, then 7" {
	local status=0
	start_fake stall "Half a rep"
	timeout 20 "$OKCLIENT" -t 1 -r 127.0.0.1 "$FAKE_PORT" < <(printf 'a\n') >"$BATS_TEST_TMPDIR/out" \
		2>"$BATS_TEST_TMPDIR/err" || status=$?
	assert_equal "$status" 7
	assert_equal "$(od -An -c "$BATS_TEST_TMPDIR/out" | tr -s ' ')" " H a l f a r e p \n"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "okclient: no reply from 127.0.0.1:$FAKE_PORT in 1 s: answered 0 of 1 lines"
}

@test "client errors: a refused connection gives 2 and names address and port" {
	closed_port
	run --separate-stderr timeout 10 "$OKCLIENT" 127.0.0.1 "$CLOSED_PORT" </dev/null
	assert_failure 2
	assert_output ""
	assert_equal "$stderr" "okclient: connect 127.0.0.1:$CLOSED_PORT: Connection refused"
}

@test "client errors: an address that is not valid gives 3" {
	run --separate-stderr timeout 10 "$OKCLIENT" 1.2.3.256 4242 </dev/null
	assert_failure 3
	assert_equal "$stderr" "okclient: address not valid: 1.2.3.256"
}

@test "client errors: an unknown host gives 3" {
	run --separate-stderr timeout 30 "$OKCLIENT" no-such-host.invalid 4242 </dev/null
	assert_failure 3
	assert_output ""
	assert_regex "$stderr" '^okclient: host not found: no-such-host\.invalid: .+$'
}

@test "client errors: an unknown option gives 64 and a usage hint" {
	run --separate-stderr "$OKCLIENT" --bogus </dev/null
	assert_failure 64
	assert_output ""
	assert_equal "$stderr" $'okclient: unknown option: --bogus\nTry \'okclient --help\' for more information.'
	run --separate-stderr "$OKCLIENT" -x </dev/null
	assert_failure 64
	assert_equal "${stderr%%$'\n'*}" "okclient: unknown option: -x"
}

@test "client errors: each option mistake is named as typed, with the same hint line" {
	local arg expect
	while IFS='|' read -r arg expect; do
		run --separate-stderr "$OKCLIENT" "$arg" </dev/null
		assert_failure 64
		assert_output ""
		assert_equal "$stderr" "okclient: $expect"$'\n'"Try 'okclient --help' for more information."
	done <<-'CASES'
	--raw=1|option takes no value: --raw
	--ra=1|option takes no value: --raw
	--h|ambiguous option: --h (--history, --help)
	--bogus=bar|unknown option: --bogus
	-z|unknown option: -z
	--timeout|option needs a value: --timeout
	--history|option needs a value: --history
	CASES
}

@test "client errors: bad numbers name the problem and the input" {
	local args expect
	while IFS='|' read -r args expect; do
		# shellcheck disable=SC2086 # each case is a word list
		run --separate-stderr "$OKCLIENT" $args </dev/null
		assert_failure 64
		assert_equal "${stderr%%$'\n'*}" "okclient: $expect"
	done <<-'CASES'
	127.0.0.1 70000|port too large: 70000
	127.0.0.1 0|port too small: 0
	127.0.0.1 80x|port not a number: 80x
	-t 0|timeout too small: 0
	-t abc|timeout not a number: abc
	-t 99999999999|timeout too large: 99999999999
	-t|option needs a value: -t
	a 1 extra|too many arguments: extra
	CASES
}

@test "client options: -V prints the version, the TLS line, the copyright and licence" {
	local opt version
	version=$(sed -n 's/^#define OK_VERSION "\(.*\)"$/\1/p' "$TOP/common/version.h")
	[ -n "$version" ] || fail "no OK_VERSION in common/version.h"
	for opt in -V --version; do
		run --separate-stderr "$OKCLIENT" "$opt"
		assert_success
		assert_equal "${#lines[@]}" 3
		assert_line --index 0 "okclient (okchat) $version"
		# The library the build runs with, or "no" for a build made with TLS=0.
		assert_line --index 1 --regexp '^TLS: (OpenSSL [0-9]+\.[0-9]+\.[0-9]+.*|no)$'
		assert_line --index 2 "Copyright (c) 2026 the okchat developers. MIT License: see LICENSE."
		assert_equal "$stderr" ""
	done
}

@test "client options: --help goes to stdout, says Usage:, fits 80 columns and names the defaults" {
	run --separate-stderr "$OKCLIENT" --help
	assert_success
	assert_line --index 0 "Usage: okclient [-4|-6] [-r] [-t SECS] [--greeting] [--history FILE]"
	assert_line --index 1 "                [HOST [PORT] | HOST:PORT | [IPV6]:PORT]"
	assert_line --index 2 "       okclient -U PATH [-r] [-t SECS] [--greeting] [--history FILE]"
	assert_line --index 3 "       okclient --tls [--tls-ca FILE] [--tls-servername NAME] [--tls-insecure]"
	assert_line --index 4 "                [--tls-cert FILE --tls-key FILE] [OPTION]... [HOST [PORT]]"
	assert_line --index 5 "       okclient -h | -V"
	local line
	while IFS= read -r line; do
		[ "${#line}" -le 80 ] || fail "over 80 columns: $line"
	done <<<"$output"
	assert_output --partial "default 127.0.0.1"
	assert_output --partial "default 4242"
	# shellcheck disable=SC2088 # the help text says ~, literally
	assert_output --partial '~/.okclient_history'
	assert_output --partial "last 1000 lines"
	assert_equal "$stderr" ""
}

@test "client options: --help says -t does not limit name lookup" {
	run --separate-stderr "$OKCLIENT" --help
	assert_success
	assert_line "  -t, --timeout SECS give up connecting, or waiting for a reply, after SECS"
	assert_line "                     (1-2147483; default: wait as long as it takes); looking up"
	assert_line "                     a HOST name is not limited by it (the resolver's own);"
	assert_line "                     connecting is limited once, for all of HOST's addresses"
}

@test "client options: okclient(1) documents every option and exit code; make install installs it" {
	[ -f "$TOP/man/okclient.1" ] || fail "man/okclient.1 is missing"
	# Rendered, with every run of blanks and newlines made one space: phrases survive wrapping.
	run bash -c "MANWIDTH=100 man -l '$TOP/man/okclient.1' 2>&1 | tr -s ' \n' '  '"
	assert_success
	# shellcheck disable=SC2088 # the man page says ~, literally
	for phrase in "okclient [-4|-6] [-r] [-t SECS] [--greeting] [--history FILE] [HOST [PORT] | HOST:PORT | [IPV6]:PORT]" \
	    "okclient -U PATH [-r] [-t SECS] [--greeting] [--history FILE]" "okclient -h | -V" \
	    "-4, -6" "-U, --unix PATH" "--greeting" "okclient [::1]:4242" \
	    "\\x1b" "bytes pass unchanged" "is a symbolic link; not used" \
	    "every line sent (1) was answered, but the input was not finished" \
	    "okclient ::1 4242" "okclient -U /run/okserver/okserver.sock" "okclient -6 localhost" \
	    "all of a name's addresses together" "names the last one tried" "-r, --raw" "-t, --timeout SECS" "--history FILE" "-h, --help" "-V, --version" \
	    "Default: 127.0.0.1" "Default: 4242" "~/.okclient_history" "last 1000 lines" \
	    "does not cover looking up a HOST name" "/dev/null" "does not count as an answer" \
	    "EXIT STATUS" " 0 Every line sent was answered" " 1 socket(2) failed" \
	    " 2 Connecting failed" " 3 The address is not valid" " 4 Sending failed" \
	    " 5 The connection was lost" " 6 The server sent an ERR line" " 7 Timed out" \
	    " 64 Usage error" "Try 'okclient --help' for more information."; do
		assert_output --partial "$phrase"
	done
	run make -s -C "$TOP" install DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/usr
	assert_success
	[ -f "$BATS_TEST_TMPDIR/root/usr/share/man/man1/okclient.1" ] || fail "man1/okclient.1 not installed"
	[ -x "$BATS_TEST_TMPDIR/root/usr/bin/okclient" ] || fail "bin/okclient not installed"
	cmp "$TOP/man/okclient.1" "$BATS_TEST_TMPDIR/root/usr/share/man/man1/okclient.1"
	cmp "$TOP/bin/okclient" "$BATS_TEST_TMPDIR/root/usr/bin/okclient"
}
