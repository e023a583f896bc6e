#!/usr/bin/env bats
# 41-hostile-files.bats - okserver started by root beside a user who means harm (okserver(1),
# SECURITY): the pidfile, the log and the Unix socket's file cannot be turned against root by a
# symbolic link or a swap, and a log nobody reads never stalls the server.
#
# The other side is a real unprivileged user (setpriv, uid and gid 65534) acting in a folder it
# owns, where root was told to put its files. A race is made certain, not likely: strace holds the
# window open (-e inject=CALL:delay_enter or delay_exit) while the other user swaps what it can.

load helpers
load server_helpers
bats_require_minimum_version 1.5.0

NOBODY=65534

setup() {
	require_binary "$OKSERVER"
	[ "$(id -u)" -eq 0 ] || skip "these tests play an unprivileged user against root: run as root"
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
	# /tmp/..., not BATS_TEST_TMPDIR: the other user must be able to reach its folder.
	AREA=$(mktemp -d /tmp/okchat-hostile.XXXXXX)
	chmod 755 "$AREA"
	PUB=$AREA/pub # the other user's folder, where root is asked to put its files
	mkdir "$PUB"
	chown "$NOBODY:$NOBODY" "$PUB"
	SAFE=$AREA/safe # root's own, out of the other user's reach
	mkdir -m 700 "$SAFE"
	echo precious >"$SAFE/victim"
	chmod 600 "$SAFE/victim"
}

teardown() {
	close_peers
	kill_traced
	kill_bg
	[ -n "${AREA:-}" ] && rm -rf "$AREA"
	return 0
}

# kill_traced: the okserver a traced_okserver strace runs, by its pid (strace's child): a strace
# stopped by a signal lets its tracee go on, so stopping strace alone would leave it running.
kill_traced() {
	local child
	[ -n "${SERVER_PID:-}" ] || return 0
	for child in $(pgrep -P "$SERVER_PID" 2>/dev/null); do
		kill -KILL "$child" 2>/dev/null || true
	done
}

# as_other CMD...: runs CMD as the unprivileged user.
as_other() {
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups -- "$@"
}

# victim_intact: root's file has its content and mode, whatever was done through links.
victim_intact() {
	assert_equal "$(cat "$SAFE/victim")" precious
	assert_equal "$(stat -c %a "$SAFE/victim")" 600
}

# traced_okserver TRACE STRACE-ARGS... -- OKSERVER-ARGS...: okserver under strace, in the
# background (SERVER_PID is strace's, which ends when okserver does), output in SERVER_OUT/ERR.
traced_okserver() {
	command -v strace >/dev/null || skip "strace is not installed"
	local trace=$1 args=()
	shift
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	SERVER_OUT=$BATS_TEST_TMPDIR/server.out
	SERVER_ERR=$BATS_TEST_TMPDIR/server.err
	# LeakSanitizer cannot run under ptrace: a traced server skips only the leak check.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -o "$trace" "${args[@]}" "$OKSERVER" "$@" \
		</dev/null >"$SERVER_OUT" 2>"$SERVER_ERR" 3>&- &
	SERVER_PID=$!
}

# --- the pidfile ---

@test "hostile files: a symbolic link as --pidfile: exit 4 naming it, the target untouched" {
	as_other ln -s "$SAFE/victim" "$PUB/ok.pid"
	run --separate-stderr timeout -k 1 5 "$OKSERVER" -p 0 --pidfile "$PUB/ok.pid"
	assert_equal "$status" 4
	assert_equal "$output" ""
	assert_equal "$stderr" "okserver: pidfile $PUB/ok.pid: is a symbolic link; not followed"
	victim_intact
	# Under -d too: the error comes before detaching, so it reaches the caller.
	run --separate-stderr timeout -k 1 5 "$OKSERVER" -d -p 0 --pidfile "$PUB/ok.pid"
	assert_equal "$status" 4
	assert_equal "$stderr" "okserver: pidfile $PUB/ok.pid: is a symbolic link; not followed"
	victim_intact
	[ -L "$PUB/ok.pid" ]
}

@test "hostile files: a --pidfile that is not a regular file: exit 4, left alone" {
	as_other mkfifo "$PUB/ok.pid"
	run --separate-stderr timeout -k 1 5 "$OKSERVER" -p 0 --pidfile "$PUB/ok.pid"
	assert_equal "$status" 4
	assert_equal "$stderr" "okserver: pidfile $PUB/ok.pid: not a regular file"
	[ -p "$PUB/ok.pid" ]
}

@test "hostile files: a second server with the same --pidfile exits 4 naming the holder's pid" {
	start_okserver --pidfile "$PUB/ok.pid"
	assert_equal "$(cat "$PUB/ok.pid")" "$SERVER_PID"
	run --separate-stderr timeout -k 1 5 "$OKSERVER" -p 0 --pidfile "$PUB/ok.pid"
	assert_equal "$status" 4
	assert_equal "$output" ""
	assert_equal "$stderr" "okserver: pidfile $PUB/ok.pid: in use by pid $SERVER_PID"
	# The first one's file is still its own, and it still serves.
	assert_equal "$(cat "$PUB/ok.pid")" "$SERVER_PID"
	run talk 'x\n'
	assert_output 'OK$'
	stop_okserver
	[ ! -e "$PUB/ok.pid" ]
}

@test "hostile files: at exit the pidfile is removed only if it still holds this server's pid" {
	start_okserver --pidfile "$PUB/ok.pid"
	assert_equal "$(cat "$PUB/ok.pid")" "$SERVER_PID"
	# The other user puts a file of its own in its place: the server must leave it.
	as_other rm -f "$PUB/ok.pid"
	as_other sh -c "echo 999999 >'$PUB/ok.pid'"
	stop_okserver
	assert_equal "$(cat "$PUB/ok.pid")" 999999
}

@test "hostile files: a link swapped in for the pidfile while it runs: root's file survives the exit" {
	start_okserver --pidfile "$PUB/ok.pid"
	as_other rm -f "$PUB/ok.pid"
	as_other ln -s "$SAFE/victim" "$PUB/ok.pid"
	stop_okserver
	victim_intact
}

@test "hostile files: a pidfile named through a link to its folder is still the server's own" {
	# A link the user named as part of the path (not the file itself) is the user's choice.
	ln -s "$PUB" "$AREA/via"
	start_okserver --pidfile "$AREA/via/ok.pid"
	assert_equal "$(cat "$PUB/ok.pid")" "$SERVER_PID"
	stop_okserver
	[ ! -e "$PUB/ok.pid" ]
}

# --- the log ---

@test "hostile files: a symbolic link as --log: exit 4 naming it, the target untouched" {
	as_other ln -s "$SAFE/victim" "$PUB/ok.log"
	run --separate-stderr timeout -k 1 5 "$OKSERVER" -p 0 -v --log "$PUB/ok.log"
	assert_equal "$status" 4
	assert_equal "$output" ""
	assert_equal "$stderr" "okserver: log $PUB/ok.log: is a symbolic link; not followed"
	victim_intact
}

@test "hostile files: a --log that is not a regular file: exit 4, left alone" {
	as_other mkfifo "$PUB/ok.log"
	run --separate-stderr timeout -k 1 5 "$OKSERVER" -p 0 --log "$PUB/ok.log"
	assert_equal "$status" 4
	assert_equal "$stderr" "okserver: log $PUB/ok.log: not a regular file"
	[ -p "$PUB/ok.log" ]
}

@test "hostile files: a link swapped in for the log before SIGHUP: the old file goes on, saying why" {
	start_okserver -v --log "$PUB/ok.log"
	as_other mv "$PUB/ok.log" "$PUB/ok.log.1"
	as_other ln -s "$SAFE/victim" "$PUB/ok.log"
	kill -HUP "$SERVER_PID"
	wait_until 5 grep -q 'cannot reopen' "$PUB/ok.log.1"
	run grep -c "log $PUB/ok.log: cannot reopen: is a symbolic link; not followed; logging goes on here\$" \
		"$PUB/ok.log.1"
	assert_output 1
	run talk 'x\n'
	assert_output 'OK$'
	wait_until 5 grep -q 'closed (eof)' "$PUB/ok.log.1"
	victim_intact
}

@test "hostile files: the log's folder swapped for a link before SIGHUP: nothing is made where it leads" {
	as_other mkdir "$PUB/logs"
	start_okserver -v --log "$PUB/logs/ok.log"
	as_other mv "$PUB/logs" "$PUB/logs.old"
	as_other ln -s "$SAFE" "$PUB/logs"
	kill -HUP "$SERVER_PID"
	wait_until 5 grep -q 'cannot reopen' "$PUB/logs.old/ok.log"
	run grep -c "log $PUB/logs/ok.log: cannot reopen: its folder was replaced; not followed; logging goes on here\$" \
		"$PUB/logs.old/ok.log"
	assert_output 1
	[ ! -e "$SAFE/ok.log" ]
	run talk 'x\n'
	assert_output 'OK$'
	wait_until 5 grep -q 'closed (eof)' "$PUB/logs.old/ok.log"
}

# --- the Unix socket's file ---

@test "hostile files: the -U socket is made with its mode: no chmod by path a swap could redirect" {
	local trace=$BATS_TEST_TMPDIR/strace.txt
	# bind's return is held for a second: the socket file exists, anything after bind waits.
	traced_okserver "$trace" -e trace=bind,chmod,fchmodat,fchmod -e inject=bind:delay_exit=1000000 \
		-- -U "$PUB/ok.sock" --unix-mode 0666
	wait_until 10 test -S "$PUB/ok.sock" || fail "no socket file: $(cat "$SERVER_ERR")"
	# It has its mode from the moment it exists.
	assert_equal "$(stat -c %a "$PUB/ok.sock")" 666
	# The other user swaps a link to root's file in for it, inside the window.
	as_other rm -f "$PUB/ok.sock"
	as_other ln -s "$SAFE/victim" "$PUB/ok.sock"
	wait_for_file_line "$SERVER_OUT" '^listening on unix:' 10 >/dev/null ||
		fail "no ready line: $(cat "$SERVER_ERR")"
	victim_intact
	run grep -c chmod "$trace"
	assert_output 0
}

@test "hostile files: --unix-mode 0600 (the default) holds at bind, whatever the umask" {
	umask 000
	start_okserver_unix_at "$PUB/ok.sock"
	assert_equal "$(stat -c %a "$PUB/ok.sock")" 600
	umask 077
	restart_unix_with_mode "$PUB/ok2.sock" 0660
	assert_equal "$(stat -c %a "$PUB/ok2.sock")" 660
}

# start_okserver_unix_at PATH [ARGS]: a server on the Unix socket PATH alone.
start_okserver_unix_at() {
	local path=$1
	shift
	SERVER_OUT=$BATS_TEST_TMPDIR/server.out
	SERVER_ERR=$BATS_TEST_TMPDIR/server.err
	rm -f "$SERVER_OUT" "$SERVER_ERR"
	"$OKSERVER" -U "$path" "$@" </dev/null >"$SERVER_OUT" 2>"$SERVER_ERR" 3>&- &
	SERVER_PID=$!
	wait_for_file_line "$SERVER_OUT" '^listening on unix:' 5 >/dev/null ||
		fail "okserver printed no ready line: $(cat "$SERVER_ERR")"
}

# restart_unix_with_mode PATH MODE: stops the server, starts one at PATH with --unix-mode MODE.
restart_unix_with_mode() {
	stop_okserver
	start_okserver_unix_at "$1" --unix-mode "$2"
}

# make_stale_socket PATH: a socket file nobody accepts on (its listener is gone).
make_stale_socket() {
	start_okserver_unix_at "$1"
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
	[ -S "$1" ]
}

@test "hostile files: a stale socket's folder swapped during the check: root deletes nothing elsewhere" {
	local trace=$BATS_TEST_TMPDIR/strace.txt
	as_other mkdir "$PUB/d"
	make_stale_socket "$PUB/d/ok.sock"
	chown "$NOBODY:$NOBODY" "$PUB/d/ok.sock"
	mkdir -m 700 "$SAFE/d"
	echo precious >"$SAFE/d/ok.sock"
	chmod 755 "$SAFE" # the link must lead somewhere root can reach; the file stays root's
	# The liveness check (a connect) is held for a second, the folder is swapped meanwhile.
	traced_okserver "$trace" -e trace=connect,unlink,unlinkat,bind \
		-e inject=connect:delay_enter=1000000 -- -U "$PUB/d/ok.sock"
	wait_until 10 grep -q 'connect(' "$trace" || fail "no connect: $(cat "$SERVER_ERR")"
	as_other mv "$PUB/d" "$PUB/d.old"
	as_other ln -s "$SAFE/d" "$PUB/d"
	wait_gone "$SERVER_PID" 10 || true
	# Root's file of the same name, where the link leads, is still there.
	assert_equal "$(cat "$SAFE/d/ok.sock")" precious
}

@test "hostile files: a stale socket replaced during the check is not removed" {
	local trace=$BATS_TEST_TMPDIR/strace.txt
	make_stale_socket "$PUB/ok.sock"
	traced_okserver "$trace" -e trace=connect,unlink,unlinkat,bind \
		-e inject=connect:delay_enter=1000000 -- -U "$PUB/ok.sock"
	wait_until 10 grep -q 'connect(' "$trace" || fail "no connect: $(cat "$SERVER_ERR")"
	# In the window the checked socket goes and a file of the other user's takes its name.
	rm -f "$PUB/ok.sock"
	as_other sh -c "echo mine >'$PUB/ok.sock'"
	wait_gone "$SERVER_PID" 10
	run wait "$SERVER_PID"
	SERVER_PID=
	assert_equal "$status" 2
	assert_equal "$(cat "$PUB/ok.sock")" mine
}

# --- a log that cannot take a line at once ---

# start_with_stderr_fifo ARGS...: okserver with standard error a pipe that a holder keeps open
# and never reads (HOLD_FD, its read end), so the pipe fills and stays full.
start_with_stderr_fifo() {
	local fifo=$BATS_TEST_TMPDIR/stderr.fifo ready
	mkfifo "$fifo"
	exec {HOLD_FD}<>"$fifo"
	SERVER_OUT=$BATS_TEST_TMPDIR/server.out
	"$OKSERVER" -p 0 "$@" </dev/null >"$SERVER_OUT" 2>"$fifo" 3>&- &
	SERVER_PID=$!
	ready=$(wait_for_file_line "$SERVER_OUT" '^listening on ' 5) || fail "no ready line"
	SERVER_PORT=${ready##*:}
}

# overflow_log: 2,000 connections (two rounds of 1,000 at once, within --max-clients), each
# logged in two lines; 64 KiB of pipe hold about 900 connections' lines. All of them must be
# served in full meanwhile.
overflow_log() {
	local _
	for _ in 1 2; do
		run timeout 60 "$TOOLS/client_many" "$SERVER_PORT" 1000 1
		assert_success
		assert_output "clients 1000 rounds 1 done 1000"
	done
}

@test "hostile files: -v with stderr a pipe nobody drains: it serves on, and SIGTERM ends it at once" {
	local start
	start_with_stderr_fifo -v
	overflow_log
	run talk 'still\n'
	assert_output 'OK$'
	start=$SECONDS
	kill -TERM "$SERVER_PID"
	wait_gone "$SERVER_PID" 5
	run wait "$SERVER_PID"
	SERVER_PID=
	assert_equal "$status" 0
	[ $((SECONDS - start)) -le 4 ]
	exec {HOLD_FD}>&-
}

@test "hostile files: lines a full log could not take are counted by the next line that gets through" {
	local err=$BATS_TEST_TMPDIR/err.txt reader
	start_with_stderr_fifo -v
	overflow_log
	# Someone reads the pipe again; a new connection's lines follow the count of those lost.
	cat <&"$HOLD_FD" >"$err" &
	reader=$!
	BG_PIDS+=("$reader")
	# The pipe has room again once the reader has some of it (without a --log, each line on
	# standard error starts "okserver: ", as everywhere else).
	wait_until 10 test -s "$err"
	run talk 'after\n'
	assert_output 'OK$'
	wait_until 10 grep -q 'closed (eof), 1 lines answered' "$err" ||
		fail "the last connection was never logged: $(tail -3 "$err")"
	run grep -c -E '^okserver: log: [0-9]+ lines lost while the log was full$' "$err"
	assert_output 1
	# Every line that got through is whole: a connection's, the count, or the server's own (the
	# start line with -v).
	# Each starts as a line starts, none runs into the next, and every connection's line and the
	# count are exactly so.
	run grep -v -c -E '^okserver: ' "$err"
	assert_output 0
	run grep -c -E 'okserver: .*okserver: ' "$err"
	assert_output 0
	run grep -c -E '^okserver: (127\.0\.0\.1|log: )' "$err"
	[ "$output" -gt 0 ]
	run grep -v -c -E '^okserver: (127\.0\.0\.1:[0-9]+ (connected|closed \((quit|eof)\), [12] lines answered)|log: [0-9]+ lines lost while the log was full)$' \
		<(grep -E '^okserver: (127\.0\.0\.1|log: )' "$err")
	assert_output 0
	# The count is exact: connections logged plus lines lost make every line there was.
	local logged lost
	logged=$(grep -c -E '^okserver: 127\.0\.0\.1:' "$err")
	lost=$(sed -n -E 's/^okserver: log: ([0-9]+) lines lost.*/\1/p' "$err")
	assert_equal $((logged + lost)) 4002
	exec {HOLD_FD}>&-
}
