#!/usr/bin/env bats
# 50-operations.bats - okserver in operation (okserver(1)): -d, --log, signals, stats, systemd.

load helpers
load server_helpers
bats_require_minimum_version 1.5.0

setup() {
	require_binary "$OKSERVER"
}

STAMP='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'

# The version both programs print, as common/version.h has it.
VERSION=$(sed -n 's/^#define OK_VERSION "\(.*\)"$/\1/p' "$TOP/common/version.h")

# adopt_daemon PIDFILE OUTPUT: the daemon's pid in SERVER_PID (stopped in teardown) and its port,
# from the ready line in OUTPUT, in SERVER_PORT.
adopt_daemon() {
	SERVER_PID=$(cat "$1")
	SERVER_PORT=${2##*:}
	kill -0 "$SERVER_PID"
}

# log_has FILE COUNT REGEX: FILE has exactly COUNT lines matching the extended REGEX.
log_has() {
	[ "$(grep -c -E -- "$3" "$1")" -eq "$2" ]
}

# assert_one_connection FILE FIRST PREFIX: FILE is line FIRST, then the start line of the server
# SERVER_PID on SERVER_PORT and the -v lines of one connection that sent one line, each starting
# with PREFIX (a regex).
assert_one_connection() {
	local start="started, version ${VERSION//./\\.}, pid $SERVER_PID, listening on"
	run cat "$1"
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 "$2"
	assert_line --index 1 --regexp "^${3}$start 127\\.0\\.0\\.1:$SERVER_PORT\$"
	assert_line --index 2 --regexp "^${3}127\.0\.0\.1:[0-9]+ connected\$"
	assert_line --index 3 --regexp "^${3}127\.0\.0\.1:[0-9]+ closed \(eof\), 1 lines answered\$"
}

# log_lines FILE: FILE's lines without their timestamps, each checked to have one.
log_lines() {
	grep -v -E "^$STAMP " "$1" && fail "$1: a line without a timestamp"
	sed -E "s/^$STAMP //" "$1"
}

# start_notify_recv NAME COUNT: the NOTIFY_SOCKET stand-in, bound at NAME, waiting for COUNT
# datagrams; its output in $BATS_TEST_TMPDIR/notify.out.
start_notify_recv() {
	[ -x "$TOOLS/notify_recv" ] || skip "$TOOLS/notify_recv is not built: run 'make test-build'"
	start_bg notify "$TOOLS/notify_recv" "$1" "$2" 10
	NOTIFY_PID=$LAST_PID
	wait_for_file_line "$BATS_TEST_TMPDIR/notify.out" '^bound ' 5 >/dev/null ||
		fail "notify_recv did not bind: $(cat "$BATS_TEST_TMPDIR/notify.out")"
}

# --- -d: letting go of the caller ---

@test "operations: -d with pipes on stdout and stderr returns at once with the ready line" {
	local out pidfile=$BATS_TEST_TMPDIR/ok.pid rc=0
	out=$(timeout 5 "$OKSERVER" -d -p 0 --pidfile "$pidfile" 2>&1) || rc=$?
	assert_equal "$rc" 0
	assert_regex "$out" '^listening on 127\.0\.0\.1:[0-9]+$'
	adopt_daemon "$pidfile" "$out"
	run talk 'x\n'
	assert_output 'OK$'
	# Nothing of the caller is left in the daemon: 0, 1 and 2 are all /dev/null.
	assert_equal "$(readlink "/proc/$SERVER_PID/fd/0" "/proc/$SERVER_PID/fd/1" \
	    "/proc/$SERVER_PID/fd/2" | sort -u)" /dev/null
}

@test "operations: -d lets go of inherited descriptors too: a reader of one gets its end" {
	local fifo=$BATS_TEST_TMPDIR/fd4 pidfile=$BATS_TEST_TMPDIR/ok.pid
	mkfifo "$fifo"
	# fd 4, the write end of the fifo, is the caller's (as "exec 4>&1" in a script): once the
	# parent has exited, only a daemon that kept it could hold the reader back.
	"$OKSERVER" -d -p 0 --pidfile "$pidfile" 4>"$fifo" >"$BATS_TEST_TMPDIR/out" 3>&- &
	run timeout 5 cat "$fifo"
	assert_success
	assert_output ""
	wait $! || fail "okserver -d exited $?"
	adopt_daemon "$pidfile" "$(cat "$BATS_TEST_TMPDIR/out")"
	run talk 'x\n'
	assert_output 'OK$'
	run bash -c 'readlink /proc/"$1"/fd/*' _ "$SERVER_PID"
	refute_output --partial "$fifo"
}

@test "operations: bats' run of okserver -d returns, ready line in its output" {
	local pidfile=$BATS_TEST_TMPDIR/ok.pid
	run timeout 5 "$OKSERVER" -d -p 0 --pidfile "$pidfile"
	assert_success
	assert_output --regexp '^listening on 127\.0\.0\.1:[0-9]+$'
	adopt_daemon "$pidfile" "$output"
	run talk 'x\n'
	assert_output 'OK$'
}

@test "operations: -d with stderr a regular file keeps logging there after detaching" {
	local pidfile=$BATS_TEST_TMPDIR/ok.pid err=$BATS_TEST_TMPDIR/err.log out
	echo "before" >"$err"
	out=$(timeout 5 "$OKSERVER" -d -v -p 0 --pidfile "$pidfile" 2>>"$err")
	adopt_daemon "$pidfile" "$out"
	assert_equal "$(readlink "/proc/$SERVER_PID/fd/2")" "$err"
	run talk 'x\n'
	wait_until 5 grep -q 'closed (eof)' "$err"
	assert_one_connection "$err" before 'okserver: '
}

@test "operations: -d with --log lets go of a regular-file stderr too" {
	local pidfile=$BATS_TEST_TMPDIR/ok.pid err=$BATS_TEST_TMPDIR/err.log out
	local log=$BATS_TEST_TMPDIR/ok.log
	out=$(timeout 5 "$OKSERVER" -d -v -p 0 --pidfile "$pidfile" --log "$log" 2>"$err")
	adopt_daemon "$pidfile" "$out"
	assert_equal "$(readlink "/proc/$SERVER_PID/fd/2")" /dev/null
	run talk 'x\n'
	wait_until 5 grep -q 'closed (eof)' "$log"
	assert_equal "$(cat "$err")" ""
}

# --- --log and SIGHUP ---

@test "operations: --log appends timestamped lines, creates the file 0640 less the umask" {
	local log=$BATS_TEST_TMPDIR/ok.log
	echo "kept" >"$log"
	start_okserver -v --log "$log"
	run talk 'x\n'
	wait_until 5 grep -q 'closed' "$log"
	assert_one_connection "$log" kept "$STAMP "
	assert_equal "$(cat "$SERVER_ERR")" ""
	# UTC: the stamp is today's date as date -u has it (give or take midnight).
	run grep -c -E "^($(date -u +%Y-%m-%d)|$(date -u -d '1 minute ago' +%Y-%m-%d))T" "$log"
	assert_output 3
	stop_okserver
	rm -f "$log"
	umask 022
	start_okserver --log "$log"
	stop_okserver
	assert_equal "$(stat -c %a "$log")" 640
	rm -f "$log"
	umask 077
	start_okserver --log "$log"
	stop_okserver
	assert_equal "$(stat -c %a "$log")" 600
}

@test "operations: --log has a line when the server starts and one when it stops, saying why" {
	local log=$BATS_TEST_TMPDIR/ok.log sock=$BATS_TEST_TMPDIR/ok.sock pid
	# Without -v too; every listener named as its ready line names it, in the same order.
	start_okserver -b 127.0.0.1 -b ::1 -U "$sock" --log "$log"
	wait_until 5 has_lines "$SERVER_OUT" 3
	pid=$SERVER_PID
	run log_lines "$log"
	assert_output "started, version $VERSION, pid $pid, listening on 127.0.0.1:$SERVER_PORT, \
[::1]:$SERVER_PORT, unix:$sock"
	stop_okserver
	run log_lines "$log"
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 "stopped (SIGTERM), pid $pid"
	assert_equal "$(cat "$SERVER_ERR")" ""
	# SIGINT; then --once, its one connection served.
	rm "$log"
	start_okserver --log "$log"
	pid=$SERVER_PID
	kill -INT "$SERVER_PID"
	wait_gone "$SERVER_PID" 10
	run log_lines "$log"
	assert_line --index 1 "stopped (SIGINT), pid $pid"
	rm "$log"
	start_okserver --once --log "$log"
	pid=$SERVER_PID
	run talk 'x\n'
	wait_gone "$SERVER_PID" 10
	run log_lines "$log"
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 "started, version $VERSION, pid $pid, listening on 127.0.0.1:$SERVER_PORT"
	assert_line --index 1 "stopped (--once: its connection ended), pid $pid"
}

@test "operations: -d --log without --pidfile: the pid on stderr, the same in the start line" {
	local log=$BATS_TEST_TMPDIR/ok.log pid
	run --separate-stderr timeout 5 "$OKSERVER" -d -p 0 --log "$log"
	assert_success
	assert_output --regexp '^listening on 127\.0\.0\.1:[0-9]+$'
	SERVER_PORT=${output##*:}
	pid=${stderr##* }
	SERVER_PID=$pid
	assert_equal "$stderr" "okserver: running in the background as pid $pid"
	run log_lines "$log"
	assert_output "started, version $VERSION, pid $pid, listening on 127.0.0.1:$SERVER_PORT"
	kill -TERM "$pid"
	wait_gone "$pid" 10
	SERVER_PID=
	run log_lines "$log"
	assert_line --index 1 "stopped (SIGTERM), pid $pid"
}

@test "operations: a log that cannot be opened exits 4 naming the file and the reason" {
	run --separate-stderr timeout 5 "$OKSERVER" -p 0 --log /nonexistent/x.log
	assert_equal "$status" 4
	assert_equal "$output" ""
	assert_equal "$stderr" "okserver: log /nonexistent/x.log: No such file or directory"
	run --separate-stderr timeout 5 "$OKSERVER" -d -p 0 --log "$BATS_TEST_TMPDIR"
	assert_equal "$status" 4
	assert_equal "$stderr" "okserver: log $BATS_TEST_TMPDIR: Is a directory"
	run --separate-stderr timeout 5 "$OKSERVER" --log ''
	assert_equal "$status" 64
	assert_equal "$stderr" "okserver: log file name is empty: ''
$HINT"
}

@test "operations: SIGHUP reopens --log, so a rotated file is let go" {
	local log=$BATS_TEST_TMPDIR/ok.log
	start_okserver -v --log "$log"
	run talk 'first\n'
	wait_until 5 grep -q 'closed' "$log"
	mv "$log" "$log.1"
	kill -HUP "$SERVER_PID"
	wait_until 5 test -e "$log"
	run talk 'second\n'
	wait_until 5 grep -q 'closed' "$log"
	log_has "$log.1" 2 "^$STAMP 127\.0\.0\.1:[0-9]+ (connected|closed)"
	log_has "$log" 2 "^$STAMP 127\.0\.0\.1:[0-9]+ (connected|closed)"
	kill -0 "$SERVER_PID"
}

@test "operations: a log whose directory is gone at SIGHUP goes on in the old file, saying why" {
	local dir=$BATS_TEST_TMPDIR/logs
	mkdir "$dir"
	start_okserver -v --log "$dir/ok.log"
	open_peer held
	peer_send held 'a\n'
	wait_until 5 grep -q 'OK' "$BATS_TEST_TMPDIR/held.out"
	mv "$dir" "$dir.gone"
	kill -HUP "$SERVER_PID"
	wait_until 5 grep -q 'cannot reopen' "$dir.gone/ok.log"
	log_has "$dir.gone/ok.log" 1 \
	    "^$STAMP log $dir/ok.log: cannot reopen: No such file or directory; logging goes on here$"
	# The connection it had is served on, and logged to the old file.
	peer_send held 'Qbye\n'
	wait_until 5 grep -q 'closed (quit), 2 lines' "$dir.gone/ok.log"
	assert_equal "$(peer_out held)" 'OK$
Qbye$'
	[ ! -e "$dir" ]
}

@test "operations: SIGHUP without --log stops a foreground server as SIGTERM does" {
	start_okserver
	open_peer held
	peer_send held 'a\n'
	wait_until 5 grep -q 'OK' "$BATS_TEST_TMPDIR/held.out"
	kill -HUP "$SERVER_PID"
	local rc=0
	wait "$SERVER_PID" || rc=$?
	SERVER_PID=
	assert_equal "$rc" 0
	wait_until 5 grep -q 'ERR' "$BATS_TEST_TMPDIR/held.out"
	assert_equal "$(peer_out held)" 'OK$
ERR server shutting down$'
	# With -v, the stop line says which signal it was.
	start_okserver -v
	local pid=$SERVER_PID
	kill -HUP "$SERVER_PID"
	wait_gone "$SERVER_PID" 10
	SERVER_PID=
	run tail -n 1 "$SERVER_ERR"
	assert_output "okserver: stopped (SIGHUP), pid $pid"
}

@test "operations: SIGHUP without --log is ignored under -d" {
	local pidfile=$BATS_TEST_TMPDIR/ok.pid out
	out=$(timeout 5 "$OKSERVER" -d -p 0 --pidfile "$pidfile")
	adopt_daemon "$pidfile" "$out"
	kill -HUP "$SERVER_PID"
	run talk 'x\n'
	assert_output 'OK$'
	kill -0 "$SERVER_PID"
}

# --- SIGUSR1: statistics ---

@test "operations: SIGUSR1 logs exact counts after a known exchange" {
	local log=$BATS_TEST_TMPDIR/ok.log
	start_okserver -v --max-clients 1 --log "$log"
	open_peer first
	peer_send first 'a\nb\n'
	wait_until 5 has_lines "$BATS_TEST_TMPDIR/first.out" 2
	# The second connection finds the server full: "ERR server full\n" and closed.
	run talk ''
	assert_output 'ERR server full$'
	kill -USR1 "$SERVER_PID"
	wait_until 5 grep -q 'stats:' "$log"
	# 2 accepted, 1 refused (still open until its close is logged, or already closed).
	peer_send first 'Quit\n'
	peer_close first
	# shellcheck disable=SC2016 # eval expands it, each time it is tried
	wait_until 5 eval '[ "$(grep -c " closed " "$log")" -eq 2 ]'
	kill -USR1 "$SERVER_PID"
	# shellcheck disable=SC2016 # eval expands it, each time it is tried
	wait_until 5 eval '[ "$(grep -c "stats:" "$log")" -eq 2 ]'
	assert_equal "$(peer_out first)" 'OK$
OK$
Quit$'
	# In: "a\nb\nQuit\n" = 9. Out: "OK\n" twice and "Quit\n" = 11, "ERR server full\n" = 16.
	local head="^$STAMP stats: uptime_s=[0-9]+"
	run grep 'stats:' "$log"
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp \
	    "$head open=[12] accepted=2 refused=1 lines=2 bytes_in=4 bytes_out=22$(tls_tail) denied=0\$"
	assert_line --index 1 --regexp \
	    "$head open=0 accepted=2 refused=1 lines=3 bytes_in=9 bytes_out=27$(tls_tail) denied=0\$"
}

@test "operations: SIGUSR1 without --log writes the stats line on stderr" {
	start_okserver
	run talk 'x\r\n'
	kill -USR1 "$SERVER_PID"
	wait_until 5 grep -q 'stats:' "$SERVER_ERR"
	run cat "$SERVER_ERR"
	assert_output --regexp "^okserver: stats: uptime_s=[0-9]+ open=[01] accepted=1 refused=0 \
lines=1 bytes_in=3 bytes_out=4$(tls_tail) denied=0\$"
	kill -0 "$SERVER_PID"
}

# --- systemd: sd_notify ---

@test "operations: NOTIFY_SOCKET (a path) gets READY=1 once listening and STOPPING=1 at the stop" {
	local sock=$BATS_TEST_TMPDIR/notify.sock
	start_notify_recv "$sock" 2
	NOTIFY_SOCKET=$sock start_okserver
	wait_until 5 grep -q '^READY=1$' "$BATS_TEST_TMPDIR/notify.out"
	run talk 'x\n'
	assert_output 'OK$'
	kill -TERM "$SERVER_PID"
	wait_gone "$NOTIFY_PID" 10
	assert_equal "$(cat "$BATS_TEST_TMPDIR/notify.out")" "bound $sock
READY=1
STOPPING=1"
	assert_equal "$(cat "$SERVER_ERR")" ""
}

@test "operations: NOTIFY_SOCKET (an @abstract name) under -d gets READY=1 with MAINPID" {
	local name=@okchat-test-$$-$RANDOM pidfile=$BATS_TEST_TMPDIR/ok.pid out
	start_notify_recv "$name" 2
	out=$(NOTIFY_SOCKET=$name timeout 5 "$OKSERVER" -d -p 0 --pidfile "$pidfile")
	adopt_daemon "$pidfile" "$out"
	wait_until 5 grep -q '^READY=1' "$BATS_TEST_TMPDIR/notify.out"
	kill -TERM "$SERVER_PID"
	wait_gone "$NOTIFY_PID" 10
	assert_equal "$(cat "$BATS_TEST_TMPDIR/notify.out")" "bound $name
READY=1 MAINPID=$SERVER_PID
STOPPING=1"
}

@test "operations: NOTIFY_SOCKET whose queue is full for a second still gets READY=1, then STOPPING=1" {
	[ -x "$TOOLS/notify_recv" ] || skip "$TOOLS/notify_recv is not built: run 'make test-build'"
	local sock=$BATS_TEST_TMPDIR/notify.sock
	# The receiver fills its own queue (max_dgram_qlen datagrams), then reads nothing for 1 s:
	# a READY=1 sent once, without waiting, would be refused and lost.
	start_bg notify "$TOOLS/notify_recv" -f 1000 "$sock" 2 10
	NOTIFY_PID=$LAST_PID
	wait_for_file_line "$BATS_TEST_TMPDIR/notify.out" '^bound ' 5 >/dev/null ||
		fail "notify_recv did not bind: $(cat "$BATS_TEST_TMPDIR/notify.out")"
	NOTIFY_SOCKET=$sock start_okserver
	wait_until 8 grep -q '^READY=1$' "$BATS_TEST_TMPDIR/notify.out" ||
		fail "no READY=1: $(cat "$SERVER_ERR")"
	run talk 'x\n'
	assert_output 'OK$'
	kill -TERM "$SERVER_PID"
	wait_gone "$NOTIFY_PID" 10
	assert_equal "$(cat "$BATS_TEST_TMPDIR/notify.out")" "bound $sock
READY=1
STOPPING=1"
	assert_equal "$(cat "$SERVER_ERR")" ""
}

@test "operations: NOTIFY_SOCKET pointing nowhere: it serves, and says so once" {
	NOTIFY_SOCKET=$BATS_TEST_TMPDIR/nobody.sock start_okserver
	run talk 'x\n'
	assert_output 'OK$'
	stop_okserver
	assert_equal "$(cat "$SERVER_ERR")" "okserver: NOTIFY_SOCKET $BATS_TEST_TMPDIR/nobody.sock: \
No such file or directory; serving without telling systemd"
	NOTIFY_SOCKET=relative start_okserver
	run talk 'x\n'
	assert_output 'OK$'
	stop_okserver
	assert_equal "$(cat "$SERVER_ERR")" \
	    "okserver: NOTIFY_SOCKET relative: not a path or @name; serving without telling systemd"
}

# --- systemd: socket activation ---

# activated ARGS...: okserver with LISTEN_PID its own pid and LISTEN_FDS=${FDS:-1} (bash execs
# it, so the pid stays); fd 3 on are whatever the caller redirects.
activated() {
	# shellcheck disable=SC2016 # $$ and $0 are the inner shell's
	timeout 5 bash -c 'export LISTEN_PID=$$ LISTEN_FDS=$1; shift; exec "$0" "$@"' \
		"$OKSERVER" "${FDS:-1}" "$@"
}

# activate_ready COUNT: waits for COUNT ready lines of the activated server (start_bg sa) and
# checks that it is still there.
activate_ready() {
	wait_until 5 eval "[ \"\$(grep -c '^listening on ' '$BATS_TEST_TMPDIR/sa.out')\" -ge $1 ]"
	kill -0 "$LAST_PID"
}

@test "operations: systemd-socket-activate on a Unix socket: one ready line, served" {
	command -v systemd-socket-activate >/dev/null || skip "systemd-socket-activate is not installed"
	local sock=$BATS_TEST_TMPDIR/ok.sock
	start_bg sa systemd-socket-activate -l "$sock" "$OKSERVER" -v
	wait_until 5 test -S "$sock"
	run bash -c "printf 'x\nQbye\n' | timeout 10 socat -t 5 - 'UNIX-CONNECT:$sock' | cat -A"
	assert_output 'OK$
Qbye$'
	run grep -c '^listening on ' "$BATS_TEST_TMPDIR/sa.out"
	assert_output 1
	run grep '^listening on ' "$BATS_TEST_TMPDIR/sa.out"
	assert_output "listening on unix:$sock"
	# -v: the start line names the listener systemd passed, as the ready line does.
	run grep '^okserver: started' "$BATS_TEST_TMPDIR/sa.out"
	assert_output "okserver: started, version $VERSION, pid $LAST_PID, listening on unix:$sock"
	stop_pid "$LAST_PID" # systemd-socket-activate became okserver: SIGTERM ends it cleanly
}

# Alone, after the rest (tests/run.sh): it frees a port and binds it again, and a test beside
# it could take the port meanwhile.
# bats test_tags=serial
@test "operations: systemd-socket-activate on a TCP port: the ready line names it" {
	command -v systemd-socket-activate >/dev/null || skip "systemd-socket-activate is not installed"
	local port
	start_okserver # only to find a free port: systemd-socket-activate will not take port 0
	port=$SERVER_PORT
	stop_okserver
	start_bg sa systemd-socket-activate -l "127.0.0.1:$port" "$OKSERVER"
	wait_until 5 eval "ss -Htln 'sport = :$port' | grep -q LISTEN"
	SERVER_PORT=$port
	run talk 'x\n'
	assert_output 'OK$'
	assert_equal "$(grep '^listening on ' "$BATS_TEST_TMPDIR/sa.out")" "listening on 127.0.0.1:$port"
	stop_pid "$LAST_PID"
}

@test "operations: systemd-socket-activate with two Unix sockets: two ready lines, both served" {
	command -v systemd-socket-activate >/dev/null || skip "systemd-socket-activate is not installed"
	local a=$BATS_TEST_TMPDIR/a.sock b=$BATS_TEST_TMPDIR/b.sock sa
	start_bg sa systemd-socket-activate -l "$a" -l "$b" "$OKSERVER"
	sa=$LAST_PID
	wait_until 5 test -S "$b"
	run bash -c "printf 'x\nQbye\n' | timeout 10 socat -t 5 - 'UNIX-CONNECT:$b' | cat -A"
	assert_output 'OK$
Qbye$'
	activate_ready 2
	run bash -c "printf 'y\nz\n' | timeout 10 socat -t 5 - 'UNIX-CONNECT:$a' | cat -A"
	assert_output 'OK$
OK$'
	# One line each, in descriptor order (3 is the first -l).
	run grep '^listening on ' "$BATS_TEST_TMPDIR/sa.out"
	assert_output "listening on unix:$a
listening on unix:$b"
	stop_pid "$sa"
	# The files are systemd's (here systemd-socket-activate's): okserver leaves them.
	test -S "$a"
	test -S "$b"
}

# Alone, after the rest (tests/run.sh): it frees a port and binds it again, and a test beside
# it could take the port meanwhile.
# bats test_tags=serial
@test "operations: socket activation of a Unix and a TCP socket: --max-clients counts both" {
	command -v systemd-socket-activate >/dev/null || skip "systemd-socket-activate is not installed"
	local sock=$BATS_TEST_TMPDIR/ok.sock port sa
	start_okserver # only to find a free port: systemd-socket-activate will not take port 0
	port=$SERVER_PORT
	stop_okserver
	start_bg sa systemd-socket-activate -l "$sock" -l "127.0.0.1:$port" "$OKSERVER" \
		--max-clients 1
	sa=$LAST_PID
	wait_until 5 test -S "$sock"
	OK_TEST_FAMILY=unix SERVER_SOCK=$sock open_peer a
	peer_send a 'hi\n'
	wait_until 5 grep -q OK "$BATS_TEST_TMPDIR/a.out"
	activate_ready 2
	run grep '^listening on ' "$BATS_TEST_TMPDIR/sa.out"
	assert_output "listening on unix:$sock
listening on 127.0.0.1:$port"
	SERVER_PORT=$port
	run talk 'x\n'
	assert_output 'ERR server full$'
	peer_close a
	wait_gone "$PEER_PID_a" 5
	wait_until 5 talk_gives 'OK$' 'y\n'
	stop_pid "$sa"
	test -S "$sock"
}

@test "operations: LISTEN_FDS beyond 17 listeners: exit 2, says why" {
	FDS=18 run --separate-stderr activated
	assert_equal "$status" 2
	assert_equal "$output" ""
	assert_equal "$stderr" "okserver: socket activation: LISTEN_FDS too large: 18 (0 to 17)"
}

@test "operations: LISTEN_FDS=1 for itself with fd 3 not a socket: exit 2, says why" {
	run --separate-stderr activated 3<"$OKSERVER"
	assert_equal "$status" 2
	assert_equal "$output" ""
	assert_equal "$stderr" "okserver: socket activation: descriptor 3: not a socket"
	run --separate-stderr activated 3<&-
	assert_equal "$status" 2
	assert_equal "$stderr" "okserver: socket activation: descriptor 3: not open"
}

@test "operations: LISTEN_FDS together with -p, -b or -U is a usage error" {
	run --separate-stderr activated -p 0 3<"$OKSERVER"
	assert_equal "$status" 64
	assert_equal "$stderr" "okserver: -p, -b or -U given with socket activation: LISTEN_FDS
$HINT"
	run --separate-stderr activated -b 127.0.0.1 3<"$OKSERVER"
	assert_equal "$status" 64
	run --separate-stderr activated -U "$BATS_TEST_TMPDIR/ok.sock" 3<"$OKSERVER"
	assert_equal "$status" 64
	assert_equal "$stderr" "okserver: -p, -b or -U given with socket activation: LISTEN_FDS
$HINT"
	[ ! -e "$BATS_TEST_TMPDIR/ok.sock" ]
}

@test "operations: LISTEN_PID of another process is not for it: it listens as asked" {
	LISTEN_PID=1 LISTEN_FDS=1 start_okserver
	run talk 'x\n'
	assert_output 'OK$'
}
