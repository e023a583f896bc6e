#!/usr/bin/env bats
# 30-client.bats - okclient in a pipe against the real okserver: replies, Q, streaming, memory.
# shellcheck disable=SC2154 # $stderr is set by bats: run --separate-stderr

bats_require_minimum_version 1.5.0
load helpers
load client_helpers

setup() {
	require_binary "$OKCLIENT"
	start_okserver
}

teardown() {
	stop_okserver
	stop_fake
	kill "${CLIENT_PID:-}" 2>/dev/null || true
}

@test "client pipe: two lines get two replies" {
	run --separate-stderr timeout 10 "$OKCLIENT" 127.0.0.1 "$SERVER_PORT" < <(printf 'one\ntwo\n')
	assert_success
	assert_output $'Server: OK\nServer: OK'
	assert_equal "$stderr" ""
}

@test "client pipe: -r prints replies bare" {
	run --separate-stderr timeout 10 "$OKCLIENT" -r 127.0.0.1 "$SERVER_PORT" < <(printf 'one\ntwo\n')
	assert_success
	assert_output $'OK\nOK'
	assert_equal "$stderr" ""
}

@test "client pipe: a Q line is echoed and ends the session with 0" {
	run --separate-stderr timeout 10 "$OKCLIENT" 127.0.0.1 "$SERVER_PORT" < <(printf 'a\nQuit now\nb\n')
	assert_success
	assert_output $'Server: OK\nServer: Quit now'
	assert_equal "$stderr" ""
}

@test "client pipe: the line after Q never reaches the server" {
	start_fake record "$BATS_TEST_TMPDIR/received"
	run --separate-stderr timeout 10 "$OKCLIENT" -r 127.0.0.1 "$FAKE_PORT" < <(printf 'a\nQ\nafter\nmore\n')
	assert_success
	assert_output $'OK\nQ'
	stop_fake
	run od -An -c "$BATS_TEST_TMPDIR/received"
	assert_output "   a  \n   Q  \n"
}

@test "client pipe: --greeting against okserver --greeting: greeting printed, not counted: 0" {
	restart_okserver --greeting 'Hello, World!'
	run --separate-stderr timeout 10 "$OKCLIENT" --greeting -r 127.0.0.1 "$SERVER_PORT" < <(printf 'a\nb\n')
	assert_success
	assert_output $'Hello, World!\nOK\nOK'
	assert_equal "$stderr" ""
}

@test "client pipe: a final line without LF is sent with one and answered" {
	start_fake record "$BATS_TEST_TMPDIR/received"
	run --separate-stderr timeout 10 "$OKCLIENT" -r 127.0.0.1 "$FAKE_PORT" < <(printf 'a\nlast')
	assert_success
	assert_output $'OK\nOK'
	stop_fake
	assert_equal "$(od -An -c "$BATS_TEST_TMPDIR/received")" "   a  \n   l   a   s   t  \n"
	run --separate-stderr timeout 10 "$OKCLIENT" -r 127.0.0.1 "$SERVER_PORT" < <(printf 'a\nlast')
	assert_success
	assert_output $'OK\nOK'
}

@test "client pipe: CR LF replies print as plain lines" {
	run --separate-stderr timeout 10 "$OKCLIENT" 127.0.0.1 "$SERVER_PORT" < <(printf 'a\r\nQx\r\n')
	assert_success
	assert_output $'Server: OK\nServer: Qx'
	refute_output --partial $'\r'
}

@test "client pipe: empty input sends nothing and exits 0" {
	run --separate-stderr timeout 10 "$OKCLIENT" 127.0.0.1 "$SERVER_PORT" </dev/null
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
}

# Alone, after the rest (tests/run.sh): it measures okclient's peak RSS.
# bats test_tags=serial
@test "client pipe: 200,000 lines stream through with exit 0 and peak RSS under 32 MB" {
	local fifo=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out deadline hwm exe status lines
	mkfifo "$fifo"
	"$OKCLIENT" -r 127.0.0.1 "$SERVER_PORT" <"$fifo" >"$out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	CLIENT_PID=$!
	# The writer keeps the fifo open, so the client is alive to be measured once all is back.
	exec 4>"$fifo"
	seq 200000 >&4
	deadline=$((SECONDS + 60 * $(tool_slowdown)))
	while [ "$(wc -l <"$out")" -lt 200000 ] && [ "$SECONDS" -le "$deadline" ]; do
		sleep 0.1
	done
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$CLIENT_PID/status")
	exe=$(readlink "/proc/$CLIENT_PID/exe")
	exec 4>&-
	status=0
	wait "$CLIENT_PID" || status=$?
	CLIENT_PID=
	assert_equal "$status" 0
	lines=$(wc -l <"$out")
	assert_equal "$lines" 200000
	assert_equal "$(sort -u "$out")" "OK"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
	# A wrapper (valgrind) has its own memory, a sanitizer its shadow memory: the bound is
	# okclient's alone.
	if [ "${exe##*/}" != okclient ] || [ "${OK_UNDER_SANITIZER:-0}" = 1 ]; then
		echo "# peak RSS ${hwm} kB not bounded: the process is $exe, under a tool" >&3
		return 0
	fi
	echo "# peak RSS ${hwm} kB" >&3
	[ "$hwm" -lt $((32 * 1024)) ] || fail "peak RSS ${hwm} kB is not under 32 MB"
}

@test "client pipe: | head -1 ends quietly and promptly" {
	# shellcheck disable=SC2016 # expanded by the inner bash
	run --separate-stderr timeout 20 bash -c \
		'yes | "$1" 127.0.0.1 "$2" | head -1; echo "status ${PIPESTATUS[1]}"' _ "$OKCLIENT" "$SERVER_PORT"
	assert_success
	assert_output $'Server: OK\nstatus 0'
	assert_equal "$stderr" ""
}

@test "client pipe: HOST localhost is resolved" {
	run --separate-stderr timeout 10 "$OKCLIENT" -r localhost "$SERVER_PORT" < <(printf 'x\n')
	assert_success
	assert_output "OK"
}

@test "client pipe: HOST 127.1 is read the way inet_aton reads it" {
	run --separate-stderr timeout 10 "$OKCLIENT" -r 127.1 "$SERVER_PORT" < <(printf 'x\n')
	assert_success
	assert_output "OK"
}

@test "client pipe: -t with a prompt server changes nothing" {
	run --separate-stderr timeout 10 "$OKCLIENT" -t 5 -r 127.0.0.1 "$SERVER_PORT" < <(printf 'x\ny\n')
	assert_success
	assert_output $'OK\nOK'
}

@test "client pipe: a long Q line's echo streams through whole" {
	local long
	long=Q$(head -c 60000 /dev/zero | tr '\0' x)
	run --separate-stderr timeout 10 "$OKCLIENT" -r 127.0.0.1 "$SERVER_PORT" < <(printf '%s\n' "$long")
	assert_success
	assert_equal "${#output}" 60001
	assert_output "$long"
}

@test "client pipe: ERR line too long gives 6 after the replies before it" {
	run --separate-stderr timeout 10 "$OKCLIENT" -r 127.0.0.1 "$SERVER_PORT" \
		< <(printf 'a\n'; head -c 70000 /dev/zero | tr '\0' x; printf '\n')
	assert_failure 6
	assert_output "OK"
	assert_equal "$stderr" "okclient: server 127.0.0.1:$SERVER_PORT: ERR line too long"
}

@test "client pipe: ERR server full from a real server gives 6" {
	restart_okserver --max-clients 1
	local reply
	# One connection held by this shell, answered once, so the server surely counts it.
	exec 5<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
	printf 'hold\n' >&5
	read -r -t 10 reply <&5
	assert_equal "$reply" "OK"
	run --separate-stderr timeout 10 "$OKCLIENT" 127.0.0.1 "$SERVER_PORT" < <(printf 'a\n')
	exec 5>&-
	assert_failure 6
	assert_output ""
	assert_equal "$stderr" "okclient: server 127.0.0.1:$SERVER_PORT: ERR server full"
}

@test "client pipe: a server's idle timeout ends a slow pipe at once with 6" {
	restart_okserver --idle-timeout 1
	local fifo=$BATS_TEST_TMPDIR/in start=$SECONDS status=0
	mkfifo "$fifo"
	exec 4<>"$fifo" # held open: the client's input never ends by itself
	printf 'a\n' >&4
	timeout 20 "$OKCLIENT" -r 127.0.0.1 "$SERVER_PORT" <"$fifo" >"$BATS_TEST_TMPDIR/out" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- || status=$?
	exec 4>&-
	assert_equal "$status" 6
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "OK"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "okclient: server 127.0.0.1:$SERVER_PORT: ERR idle timeout"
	[ $((SECONDS - start)) -le $((10 * $(tool_slowdown))) ] || fail "took $((SECONDS - start)) s"
}

@test "client pipe: started with stdout closed, replies are discarded, never sent back" {
	local fifo=$BATS_TEST_TMPDIR/in status=0
	start_fake record "$BATS_TEST_TMPDIR/received"
	mkfifo "$fifo"
	exec 4<>"$fifo" # input stays open: a reply written back into the socket would be answered
	# shellcheck disable=SC2016 # expanded by the inner bash
	bash -c '"$@" >&-' _ timeout 10 "$OKCLIENT" -r 127.0.0.1 "$FAKE_PORT" <"$fifo" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- 4>&- &
	CLIENT_PID=$!
	printf 'a\n' >&4
	wait_for_file_line "$BATS_TEST_TMPDIR/received" '^a$' 10 >/dev/null || fail "a never arrived"
	printf 'Q\n' >&4
	wait "$CLIENT_PID" || status=$?
	CLIENT_PID=
	exec 4>&-
	assert_equal "$status" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
	stop_fake
	assert_equal "$(od -An -c "$BATS_TEST_TMPDIR/received")" "   a  \n   Q  \n"
}

# Not under valgrind (make check-valgrind filters the tag out): valgrind opens the program file
# on the lowest free descriptor, 0, before okclient runs, so no closed stdin can reach okclient
# under it. The plain and the sanitizer runs test it.
# bats test_tags=no-valgrind
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

@test "client pipe: a write error on stdout is said and gives 1" {
	# shellcheck disable=SC2016 # expanded by the inner bash
	run --separate-stderr timeout 10 bash -c '"$@" >/dev/full' _ "$OKCLIENT" -r 127.0.0.1 \
		"$SERVER_PORT" < <(printf 'a\n')
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "okclient: write standard output: No space left on device"
}
