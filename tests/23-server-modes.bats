#!/usr/bin/env bats
# 23-server-modes.bats - okserver --greeting and --print (okserver(1)): the seeds' other servers.
# shellcheck disable=SC2154 # $stderr is set by bats: run --separate-stderr
# shellcheck disable=SC2016 # the wait_until conditions are expanded by eval, each time
# shellcheck disable=SC2153 # SERVER_OUT is set by start_okserver (helpers.bash)

load helpers
load server_helpers
load client_helpers # tmux_cmd, tmux_wait, tmux_capture, tmux_stop: a private terminal
bats_require_minimum_version 1.5.0

setup() {
	require_binary "$OKSERVER"
	HOLD_FDS=()
}

teardown() {
	local fd
	close_peers
	kill_bg
	tmux_stop
	for fd in "${HOLD_FDS[@]:-}"; do
		[ -n "$fd" ] && exec {fd}<&-
	done
	HOLD_FDS=()
}

# printed: what --print wrote, without the ready line.
printed() {
	tail -n +2 "$SERVER_OUT"
}

# lines_of FILE: how many lines FILE holds (0 while it does not exist yet).
lines_of() {
	if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi
}

# stalled FILE: FILE stopped growing: the same line count twice, 0.3 seconds apart.
stalled() {
	local before
	before=$(lines_of "$1")
	sleep 0.3
	[ "$before" -gt 0 ] && [ "$(lines_of "$1")" -eq "$before" ]
}

# server_exits_zero SECONDS: the server ends within SECONDS, with status 0; it is reaped.
server_exits_zero() {
	local status=0
	wait_gone "$SERVER_PID" "$1" || fail "okserver still running after $1 s"
	wait "$SERVER_PID" || status=$?
	SERVER_PID=
	assert_equal "$status" 0
}

# start_into_fifo ARGS...: okserver -p 0 ARGS with standard output into a fifo nobody reads,
# so it is full once 64 KiB are in it. Sets SERVER_PID, SERVER_PORT, SERVER_ERR, and OUT_FD: the
# fifo's reading end, held open and not read (read it to drain).
start_into_fifo() {
	local fifo=$BATS_TEST_TMPDIR/stdout.fifo hold ready
	SERVER_ERR=$BATS_TEST_TMPDIR/server.err
	mkfifo "$fifo"
	exec {hold}<>"$fifo" # a reader and a writer at once: neither open below blocks
	HOLD_FDS+=("$hold")
	"$OKSERVER" -p 0 "$@" </dev/null >"$fifo" 2>"$SERVER_ERR" 3>&- {hold}<&- &
	SERVER_PID=$!
	read -r -t 10 -u "$hold" ready || fail "okserver printed no ready line: $(cat "$SERVER_ERR")"
	[[ $ready == "listening on 127.0.0.1:"* ]] || fail "not a ready line: $ready"
	SERVER_PORT=${ready##*:}
	exec {OUT_FD}<"$fifo"
	HOLD_FDS+=("$OUT_FD")
	exec {hold}<&- # now only the server writes: the fifo fills and the server sees EOF on none
}

# send_big NAME FILE: a raw client sending FILE while it reads (tests/tools/client_send.c: nc
# and socat may block in a write and stop reading), half-closing at its end, its replies in
# $BATS_TEST_TMPDIR/NAME.out.
send_big() {
	require_binary "$TOOLS/client_send"
	"$TOOLS/client_send" -s -t 120 "$SERVER_PORT" <"$2" >"$BATS_TEST_TMPDIR/$1.out" 2>&1 3>&- &
	BG_PIDS+=("$!")
}

# blocking_mode PID FD: "non-blocking" when the open file description behind descriptor FD of
# process PID has O_NONBLOCK (04000 in the octal flags of /proc/PID/fdinfo/FD), else "blocking".
blocking_mode() {
	local flags
	flags=$(awk '$1 == "flags:" { print $2 }' "/proc/$1/fdinfo/$2")
	[ -n "$flags" ] || fail "no flags for descriptor $2 of process $1"
	if (((8#$flags & 8#4000) != 0)); then echo non-blocking; else echo blocking; fi
}

# big_input FILE N: N distinct 100-byte lines "a000001 000...".
big_input() {
	awk -v n="$2" 'BEGIN { for (i = 1; i <= n; i++) printf "a%06d %091d\n", i, 0 }' >"$1"
}

@test "modes: --greeting comes first, then protocol v1 (nc and socat)" {
	start_okserver --greeting 'Hello, World!'
	run talk 'a\nQuit\n'
	assert_success
	assert_output "$(printf 'Hello, World!$\nOK$\nQuit$')"
	run talk_socat 'a\nQuit\n'
	assert_success
	assert_output "$(printf 'Hello, World!$\nOK$\nQuit$')"
}

@test "modes: the greeting ends LF whatever the client's lines end with; empty is an empty line" {
	start_okserver --greeting 'Hello, World!'
	run talk 'a\r\nQuit\r\n'
	assert_output "$(printf 'Hello, World!$\nOK^M$\nQuit^M$')"
	run talk ''
	assert_output 'Hello, World!$'
	restart_okserver --greeting ''
	run talk 'x\n'
	assert_output "$(printf '$\nOK$')"
}

@test "modes: a client refused as server full gets only the ERR line, no greeting" {
	start_okserver --greeting hi --max-clients 1
	open_peer a
	wait_until 5 eval '[ "$(peer_out a)" = "hi$" ]'
	run talk 'x\n'
	assert_output 'ERR server full$'
	peer_send a 'Qa\n'
	wait_until 5 eval '[ "$(peer_out a)" = "$(printf "hi$\nQa$")" ]'
}

@test "modes: --greeting with CR, LF or over 1024 bytes, --print with -d: usage errors" {
	local long
	long=$(printf 'x%.0s' $(seq 1025))
	run --separate-stderr timeout 10 "$OKSERVER" --greeting $'Hello\nWorld'
	assert_equal "$status" 64
	assert_equal "$output" ""
	assert_equal "$stderr" "okserver: greeting holds a line break: Hello\\nWorld
$HINT"
	run --separate-stderr timeout 10 "$OKSERVER" --greeting $'Hello\r'
	assert_equal "$status" 64
	assert_equal "$stderr" "okserver: greeting holds a line break: Hello\\r
$HINT"
	run --separate-stderr timeout 10 "$OKSERVER" --greeting "$long"
	assert_equal "$status" 64
	assert_equal "$stderr" "okserver: greeting too long (at most 1024 bytes): 1025 bytes
$HINT"
	run --separate-stderr timeout 10 "$OKSERVER" --print -d
	assert_equal "$status" 64
	assert_equal "$stderr" "okserver: --print with --daemon: a daemon's standard output is /dev/null
$HINT"
	start_okserver --greeting "${long:1}" # exactly 1024 bytes is fine
	run talk 'Q\n'
	assert_output "$(printf '%s$\nQ$' "${long:1}")"
}

@test "modes: --print writes each answered line's content after the ready line" {
	start_okserver --print
	run talk 'a\nb\r\n\nQuit\nlost\n'
	assert_output "$(printf 'OK$\nOK^M$\nOK$\nQuit$')"
	run talk 'one\r\ntail'
	assert_output "$(printf 'OK^M$\nOK$')"
	wait_until 5 has_lines "$SERVER_OUT" 7
	run cat "$SERVER_OUT"
	assert_output "$(printf 'listening on 127.0.0.1:%s\na\nb\n\nQuit\none\ntail' "$SERVER_PORT")"
}

@test "modes: --print is byte-exact: NUL, 0xFF, a CR inside a line or before the last byte" {
	start_okserver --print --max-line 8
	run talk 'x\0y\n\377\r\n\r\ra\rb\r\n12345678\r\nQ\r'
	assert_output "$(printf 'OK$\nOK^M$\nOK^M$\nOK^M$\nQ^M$')"
	printf 'x\0y\n\377\n\r\ra\rb\n12345678\nQ\r\n' >"$BATS_TEST_TMPDIR/want"
	wait_until 5 has_lines "$SERVER_OUT" 6
	printed >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/want"
	run talk 'ok\n123456789\n' # too long: refused, never printed
	assert_output "$(printf 'OK$\nERR line too long$')"
	wait_until 5 has_lines "$SERVER_OUT" 7
	assert_equal "$(tail -n 1 "$SERVER_OUT")" "ok"
}

@test "modes: --print with 50 clients of 200 lines each: every line once, whole, in order" {
	local i pids=() dir=$BATS_TEST_TMPDIR
	start_okserver --print
	for i in $(seq 50); do
		awk -v c="$i" 'BEGIN { for (j = 1; j <= 200; j++) printf "c%02d line %03d %s\n", c, j, \
		    substr("abcdefghijklmnopqrstuvwxyz0123456789", 1, (c * j) % 37) }' >"$dir/in$i"
	done
	for i in $(seq 50); do
		timeout 30 nc -N 127.0.0.1 "$SERVER_PORT" <"$dir/in$i" >"$dir/r$i" 3>&- &
		pids+=("$!")
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	wait_until 10 has_lines "$SERVER_OUT" 10001
	printed | sort >"$dir/got"
	cat "$dir"/in* | sort >"$dir/want"
	cmp "$dir/got" "$dir/want"
	for i in $(seq 50); do
		assert_equal "$(wc -l <"$dir/r$i")" 200
		grep "^c$(printf %02d "$i") " "$SERVER_OUT" | cmp - "$dir/in$i"
	done
}

# Alone, after the rest (tests/run.sh): 0.3 s without a reply is taken for the stall.
# bats test_tags=serial
@test "modes: --print with stdout full: no client is read, new ones are greeted, none lost" {
	local dir=$BATS_TEST_TMPDIR answered
	big_input "$dir/big" 60000 # 6 MB, far more than the pipe and the 1 MiB buffer together
	start_into_fifo --print --greeting hi
	send_big a "$dir/big"
	wait_until 30 stalled "$dir/a.out" || fail "replies to a never stopped: $(lines_of "$dir/a.out")"
	answered=$(lines_of "$dir/a.out")
	# At least the buffer's 1 MiB was taken; at most it, the pipe and one read's worth more.
	[ "$answered" -ge 10485 ] || fail "only $answered lines answered before the pause"
	[ "$answered" -le 20000 ] || fail "$answered lines answered: the buffer is not bounded"
	open_peer b
	wait_until 5 eval '[ "$(peer_out b)" = "hi$" ]' # accepted and greeted while paused
	# ... with the full pipe left blocking: the server waits for room, never in a write
	assert_equal "$(blocking_mode "$SERVER_PID" 1)" blocking
	peer_send b 'b1\n'
	sleep 0.5 # a window for a reply that must not come: b is not read either
	assert_equal "$(peer_out b)" 'hi$'
	assert_equal "$(lines_of "$dir/a.out")" "$answered"
	cat <&"$OUT_FD" >"$dir/drained" 3>&- &
	BG_PIDS+=("$!")
	local cat_pid=$!
	exec {OUT_FD}<&-
	wait_until 60 eval '[ "$(lines_of "$dir/a.out")" -eq 60001 ]' # "hi", then 60000 OK
	wait_until 10 eval '[ "$(peer_out b)" = "$(printf "hi$\nOK$")" ]'
	peer_send b 'Qb2\n'
	wait_until 10 eval '[ "$(peer_out b)" = "$(printf "hi$\nOK$\nQb2$")" ]'
	stop_okserver
	wait_gone "$cat_pid" 10
	grep '^a' "$dir/drained" | cmp - "$dir/big"
	assert_equal "$(grep -v '^a' "$dir/drained")" "$(printf 'b1\nQb2')"
	assert_equal "$(cat "$SERVER_ERR")" ""
}

# Alone, after the rest (tests/run.sh): 0.3 s without a reply is taken for the stall.
# bats test_tags=serial
@test "modes: --print with stdout full: SIGTERM still ends the server within the grace" {
	local dir=$BATS_TEST_TMPDIR
	big_input "$dir/big" 30000
	start_into_fifo --print
	send_big a "$dir/big"
	wait_until 30 stalled "$dir/a.out" || fail "replies to a never stopped"
	kill -TERM "$SERVER_PID"
	server_exits_zero 10
	run cat "$SERVER_ERR"
	assert_output --regexp '^okserver: print: standard output took nothing for too long at shutdown; [0-9]+ bytes not printed$'
	assert_equal "$(tail -n 1 "$dir/a.out")" "ERR server shutting down"
}

@test "modes: --print leaves the pipe it shares blocking: while it prints, and after SIGKILL" {
	local fifo=$BATS_TEST_TMPDIR/out.fifo out=$BATS_TEST_TMPDIR/server.out me=$BASHPID w ready
	SERVER_ERR=$BATS_TEST_TMPDIR/server.err
	mkfifo "$fifo"
	cat "$fifo" >"$out" 3>&- &
	BG_PIDS+=("$!")
	exec {w}>"$fifo" # this shell's end of the pipe, the very open file okserver gets as stdout
	HOLD_FDS+=("$w")
	assert_equal "$(blocking_mode "$me" "$w")" blocking
	"$OKSERVER" -p 0 --print </dev/null >&"$w" 2>"$SERVER_ERR" 3>&- &
	SERVER_PID=$!
	ready=$(wait_for_file_line "$out" '^listening on ' 5) ||
		fail "okserver printed no ready line: $(cat "$SERVER_ERR")"
	SERVER_PORT=${ready##*:}
	run talk 'one\ntwo\n'
	assert_output "$(printf 'OK$\nOK$')"
	wait_until 5 eval '[ "$(tail -n +2 "$out")" = "$(printf "one\ntwo")" ]'
	assert_equal "$(blocking_mode "$SERVER_PID" 1)" blocking
	assert_equal "$(blocking_mode "$me" "$w")" blocking
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID" || true
	SERVER_PID=
	assert_equal "$(blocking_mode "$me" "$w")" blocking
	echo after >&"$w"
	wait_until 5 eval '[ "$(tail -n 1 "$out")" = after ]'
	assert_equal "$(cat "$SERVER_ERR")" ""
}

@test "modes: --print leaves its terminal blocking for the shell: while it prints, after SIGKILL" {
	local script=$BATS_TEST_TMPDIR/tty.sh both=$BATS_TEST_TMPDIR/pids shell
	command -v tmux >/dev/null || skip "tmux is not installed"
	SERVER_ERR=$BATS_TEST_TMPDIR/server.err
	TTY_SOCKET=$BATS_TEST_TMPDIR/tmux.sock
	[ "${#TTY_SOCKET}" -lt 100 ] || # a unix socket's path is at most 107 bytes
		TTY_SOCKET=/tmp/okchat-tmux-$(printf '%s' "$BATS_TEST_TMPDIR" | cksum | tr ' ' -)
	# The pane's shell starts okserver on its terminal, says both pids, and outlives it.
	# shellcheck disable=SC2016 # $$ and $! belong to the script written here
	{
		printf '%q -p 0 --print 2>%q &\n' "$OKSERVER" "$SERVER_ERR"
		printf 'echo "$$ $!" >%q.tmp && mv %q.tmp %q\n' "$both" "$both" "$both"
		echo 'wait'
		echo 'exec sleep 120'
	} >"$script"
	tmux_cmd -f /dev/null new-session -d -x 80 -y 24 "exec sh $script" ||
		fail "tmux did not start"
	wait_for_file_line "$both" '^[0-9]+ [0-9]+$' 10 >/dev/null ||
		fail "the pane's shell did not start"
	read -r shell SERVER_PID <"$both"
	tmux_wait '^listening on 127\.0\.0\.1:[0-9]+$'
	SERVER_PORT=$(tmux_capture | sed -n 's/^listening on 127\.0\.0\.1://p')
	run talk 'one\ntwo\n'
	assert_output "$(printf 'OK$\nOK$')"
	tmux_wait '^two$'
	assert_equal "$(blocking_mode "$shell" 1)" blocking
	kill -KILL "$SERVER_PID"
	wait_gone "$SERVER_PID" 5
	SERVER_PID=
	assert_equal "$(blocking_mode "$shell" 1)" blocking
	assert_equal "$(tmux_capture | sed -e '/^$/d')" \
	    "$(printf 'listening on 127.0.0.1:%s\none\ntwo' "$SERVER_PORT")"
	assert_equal "$(cat "$SERVER_ERR")" ""
}

@test "modes: --print to a socket on stdout: every line, the socket left blocking" {
	local out=$BATS_TEST_TMPDIR/server.out pidfile=$BATS_TEST_TMPDIR/ok.pid ready
	SERVER_ERR=$BATS_TEST_TMPDIR/server.err
	# socat's EXEC gives okserver one end of a socketpair as stdout (the paths hold no blanks).
	socat -u "EXEC:$OKSERVER -p 0 --print --pidfile $pidfile" STDOUT \
	    >"$out" 2>"$SERVER_ERR" 3>&- &
	BG_PIDS+=("$!")
	ready=$(wait_for_file_line "$out" '^listening on ' 5) ||
		fail "okserver printed no ready line: $(cat "$SERVER_ERR")"
	SERVER_PORT=${ready##*:}
	SERVER_PID=$(cat "$pidfile")
	[ -S "/proc/$SERVER_PID/fd/1" ] ||
		fail "stdout is not a socket: $(readlink "/proc/$SERVER_PID/fd/1")"
	run talk 'one\ntwo\n'
	assert_output "$(printf 'OK$\nOK$')"
	wait_until 5 eval '[ "$(tail -n +2 "$out")" = "$(printf "one\ntwo")" ]'
	assert_equal "$(blocking_mode "$SERVER_PID" 1)" blocking
	stop_okserver
	assert_equal "$(cat "$SERVER_ERR")" ""
}

@test "modes: okserver --once --print serves one connection, prints its lines, exits 0" {
	start_okserver --once --print
	run talk 'hello\nworld'
	assert_output "$(printf 'OK$\nOK$')"
	server_exits_zero 5
	assert_equal "$(cat "$SERVER_OUT")" "$(printf 'listening on 127.0.0.1:%s\nhello\nworld' \
	    "$SERVER_PORT")"
}

@test "modes: okserver --once --greeting greets its one client, then exits 0" {
	start_okserver --once --greeting 'Hello, World!'
	run talk 'a\nQuit\n'
	assert_output "$(printf 'Hello, World!$\nOK$\nQuit$')"
	server_exits_zero 5
	assert_equal "$(cat "$SERVER_ERR")" ""
}

@test "modes: SIGUSR1 counts the greeting in bytes_out, not in lines" {
	start_okserver --greeting hi
	run talk 'x\nQy\n'
	assert_output "$(printf 'hi$\nOK$\nQy$')"
	kill -USR1 "$SERVER_PID"
	wait_until 5 grep -q 'stats:' "$SERVER_ERR"
	# In: "x\nQy\n" = 5. Out: "hi\n" = 3, "OK\n" = 3, "Qy\n" = 3. Lines: the two replies.
	run cat "$SERVER_ERR"
	assert_output --regexp "^okserver: stats: uptime_s=[0-9]+ open=[01] accepted=1 refused=0 \
lines=2 bytes_in=5 bytes_out=9$(tls_tail) denied=0\$"
}

@test "modes: --print with --log: lines on stdout, log lines in the file" {
	local log=$BATS_TEST_TMPDIR/ok.log
	start_okserver --print --log "$log" -v
	run talk 'a\nQb\n'
	assert_output "$(printf 'OK$\nQb$')"
	wait_until 5 has_lines "$SERVER_OUT" 3
	assert_equal "$(printed)" "$(printf 'a\nQb')"
	wait_until 5 grep -q ' closed ' "$log"
	run cat "$log"
	assert_line --index 0 --regexp "^[0-9-]{10}T[0-9:.]{12}Z started, .*, pid $SERVER_PID, "
	assert_line --index 1 --regexp '^[0-9-]{10}T[0-9:.]{12}Z 127\.0\.0\.1:[0-9]+ connected$'
	assert_equal "$(cat "$SERVER_ERR")" ""
}

@test "modes: the greeting reaches every listener's clients: IPv4, IPv6 and Unix (nc, socat)" {
	local sock=$BATS_TEST_TMPDIR/modes.sock p
	start_okserver -b 127.0.0.1 -b ::1 -U "$sock" --greeting 'Hello, World!' --print
	wait_until 5 has_lines "$SERVER_OUT" 3 || fail "ready lines: $(cat "$SERVER_OUT")"
	p=$SERVER_PORT
	assert_equal "$(head -n 3 "$SERVER_OUT")" "$(printf 'listening on 127.0.0.1:%s
listening on [::1]:%s\nlistening on unix:%s' "$p" "$p" "$sock")"
	run sh -c "printf 'a\nQ4\n' | timeout 10 nc -N 127.0.0.1 $p | cat -A"
	assert_output "$(printf 'Hello, World!$\nOK$\nQ4$')"
	run sh -c "printf 'b\r\nQ6\r\n' | timeout 10 nc -N -6 ::1 $p | cat -A"
	assert_output "$(printf 'Hello, World!$\nOK^M$\nQ6^M$')"
	run sh -c "printf 'c\nQu\n' | timeout 10 nc -N -U '$sock' | cat -A"
	assert_output "$(printf 'Hello, World!$\nOK$\nQu$')"
	run sh -c "printf 'Q6s\n' | timeout 10 socat -t 5 - 'TCP6:[::1]:$p' | cat -A"
	assert_output "$(printf 'Hello, World!$\nQ6s$')"
	run sh -c "printf 'Qus\n' | timeout 10 socat -t 5 - 'UNIX-CONNECT:$sock' | cat -A"
	assert_output "$(printf 'Hello, World!$\nQus$')"
	# --print hears every family too, in the order the lines were answered.
	wait_until 5 has_lines "$SERVER_OUT" 11
	assert_equal "$(tail -n +4 "$SERVER_OUT")" "$(printf 'a\nQ4\nb\nQ6\nc\nQu\nQ6s\nQus')"
	assert_equal "$(cat "$SERVER_ERR")" ""
}
