#!/usr/bin/env bats
# 20-server.bats - okserver's command line (okserver(1)): options, ready line, exit codes, -d.

load helpers
load server_helpers
bats_require_minimum_version 1.5.0

setup() {
	require_binary "$OKSERVER"
}

# The version both programs print, as common/version.h has it.
VERSION=$(sed -n 's/^#define OK_VERSION "\(.*\)"$/\1/p' "$TOP/common/version.h")

# sorted_words: the words on stdin, sorted as numbers, on one line.
sorted_words() {
	tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' '
}

@test "server: -p 0 prints exactly the ready line, with the real port" {
	start_okserver
	run cat "$SERVER_OUT"
	assert_output "listening on 127.0.0.1:$SERVER_PORT"
	[ "$SERVER_PORT" -gt 0 ]
	run talk 'x\n'
	assert_output 'OK$'
}

@test "server: binds 127.0.0.1 by default, -b takes numbers-and-dots" {
	start_okserver
	run ss -Htln "sport = :$SERVER_PORT"
	assert_success
	assert_output --regexp "^LISTEN +0 +[0-9]+ +127\.0\.0\.1:$SERVER_PORT "
	restart_okserver -b 127.1
	assert_equal "$(cat "$SERVER_OUT")" "listening on 127.0.0.1:$SERVER_PORT"
	restart_okserver -b 0.0.0.0
	assert_equal "$(cat "$SERVER_OUT")" "listening on 0.0.0.0:$SERVER_PORT"
	run talk 'x\n'
	assert_output 'OK$'
}

@test "server: a port in use exits 2 naming address, port and reason" {
	start_okserver
	run --separate-stderr timeout 10 "$OKSERVER" -p "$SERVER_PORT"
	assert_equal "$status" 2
	assert_equal "$output" ""
	assert_equal "$stderr" "okserver: bind 127.0.0.1:$SERVER_PORT: Address already in use"
}

# Alone, after the rest (tests/run.sh): it frees a port and binds it again, and a test beside
# it could take the port meanwhile.
# bats test_tags=serial
@test "server: a restart binds the same port at once (SO_REUSEADDR)" {
	start_okserver
	local port=$SERVER_PORT
	run talk 'x\n' # leaves a TIME_WAIT connection behind
	restart_okserver -p "$port"
	[ "$SERVER_PORT" = "$port" ]
}

# usage_error EXPECTED_LINE ARGS...: okserver ARGS exits 64 with exactly that line and the hint.
usage_error() {
	local want=$1
	shift
	run --separate-stderr timeout 10 "$OKSERVER" "$@"
	assert_equal "$status" 64
	assert_equal "$output" ""
	assert_equal "$stderr" "$want
$HINT"
}

@test "server: bad options exit 64 with one line naming the problem and a hint" {
	usage_error "okserver: port too large: 70000" -p 70000
	usage_error "okserver: port not a number: http" --port http
	usage_error "okserver: port not a number: -1" -p -1
	usage_error "okserver: max-clients too small: 0" --max-clients 0
	usage_error "okserver: max-clients too large: 99999999999" --max-clients 99999999999
	usage_error "okserver: max-line too small: 0" --max-line=0
	usage_error "okserver: max-line too large: 16777217" --max-line 16777217
	usage_error "okserver: idle-timeout not a number: 1.5" --idle-timeout 1.5
	usage_error "okserver: address not valid: 1.2.3.256" -b 1.2.3.256
	usage_error "okserver: address not valid: localhost" --bind localhost
	usage_error "okserver: unknown option: --frob" --frob=1
	usage_error "okserver: unknown option: -x" -x
	usage_error "okserver: option needs a value: -p" -p
	usage_error "okserver: option needs a value: --max-line" --max-line
	usage_error "okserver: unexpected argument: 4242" 4242
}

@test "server: an option given a value it does not take, or abbreviated ambiguously, says so" {
	usage_error "okserver: option takes no value: --once" --once=1
	usage_error "okserver: option takes no value: --daemon" --daemon=yes
	usage_error "okserver: ambiguous option: --max" --max 5
	usage_error "okserver: ambiguous option: --max" --max=5
}

@test "server: -b refuses white space or text after the address, which inet_aton would ignore" {
	usage_error "okserver: address not valid: 127.0.0.1 junk" -b '127.0.0.1 junk'
	usage_error "okserver: address not valid: 127.0.0.1 " -b '127.0.0.1 '
	usage_error "okserver: address not valid:  127.0.0.1" --bind ' 127.0.0.1'
	usage_error "okserver: address not valid: 127.0.0.1x" -b 127.0.0.1x
}

@test "server: --help prints every option on stdout and exits 0" {
	run --separate-stderr "$OKSERVER" --help
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 0 "Usage: okserver [OPTION]..."
	for opt in "-p, --port PORT" "-b, --bind ADDR" "--once" "--max-clients N" \
	    "--max-line BYTES" "--idle-timeout SECS" "-d, --daemon" "--pidfile FILE" \
	    "-v, --verbose" "-h, --help" "-V, --version"; do
		assert_output --partial "$opt"
	done
	assert_output --partial "(default 4242)"
	assert_output --partial "(default 127.0.0.1;"
	assert_output --partial "(default 1024,"
	assert_output --partial "(default 65536)"
	run "$OKSERVER" -h
	assert_success
	assert_line --index 0 "Usage: okserver [OPTION]..."
}

@test "server: --help fits in 80 columns; its exit statuses are the manual page's, 4 names the log and TLS files" {
	run --separate-stderr "$OKSERVER" --help
	assert_success
	local line
	for line in "${lines[@]}"; do
		[ "${#line}" -le 80 ] || fail "a --help line of ${#line} columns: $line"
	done
	local help man
	help=$(sed -n '/^Exit status:/,$p' <<<"$output" | tr '\n' ' ')
	assert_regex "$help" '4 daemon, pidfile, log or TLS file failed'
	assert_regex "$help" 'okserver\(1\) has the full list'
	# "0 normal end (...), 1 socket() failed, ...": each number before a word.
	help=$(grep -o -E '(^|[ ,])[0-9]+ [a-z]' <<<"$help" | grep -o -E '[0-9]+' | sorted_words)
	# The manual page's list: a tag of its own at the section's indent for each status.
	man=$(MANWIDTH=200 man -l "$TOP/man/okserver.1" 2>/dev/null |
	    sed -n '/^EXIT STATUS/,/^[A-Z]/p' | awk '/^       [0-9]+ / { print $1 }' | sorted_words)
	assert_equal "$help" "0 1 2 3 4 64 "
	assert_equal "$man" "$help"
}

@test "server: --version names the event backend, the one whose wait it makes (strace); --help too" {
	command -v strace >/dev/null || skip "strace is not installed"
	local call trace=$BATS_TEST_TMPDIR/strace.txt
	call=$(backend_wait_call) || fail "--version names no backend: $("$OKSERVER" --version)"
	run "$OKSERVER" --help
	assert_output --partial "one thread, $(backend)."
	SERVER_OUT=$BATS_TEST_TMPDIR/server.out
	# LeakSanitizer cannot run under ptrace: this traced server skips only the leak check.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -e trace=poll,ppoll,epoll_wait,epoll_pwait -o "$trace" "$OKSERVER" -p 0 --once \
		</dev/null >"$SERVER_OUT" 2>&1 3>&- &
	SERVER_PID=$!
	SERVER_PORT=$(wait_for_file_line "$SERVER_OUT" '^listening on ' 10) || skip "strace cannot trace here"
	SERVER_PORT=${SERVER_PORT##*:}
	run talk 'a\n'
	assert_output 'OK$'
	wait_gone "$SERVER_PID" 10
	wait "$SERVER_PID"
	SERVER_PID=
	# The ready line's own poll() watches stdout (fd 1) only: the loop's waits watch for input.
	if [ "$call" = poll ]; then
		grep -q 'poll(\[.*events=POLLIN' "$trace"
		! grep -q 'epoll_wait\|epoll_pwait' "$trace"
	else
		grep -q 'epoll_wait(\|epoll_pwait(' "$trace"
		! grep -q 'poll(\[.*events=POLLIN' "$trace"
	fi
}

@test "server: --version and -V print the version, the TLS line, the event loop, the copyright" {
	run --separate-stderr "$OKSERVER" --version
	assert_success
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 "okserver (okchat) $VERSION"
	assert_line --index 1 --regexp '^TLS: (OpenSSL [0-9]+\.[0-9]+\.[0-9]+.*|no)$'
	assert_line --index 2 --regexp '^event loop: (epoll|poll)$'
	assert_line --index 3 "Copyright (c) 2026 the okchat developers. MIT License: see LICENSE."
	grep -q -x -F "Copyright (c) 2026 the okchat developers" "$TOP/LICENSE"
	grep -q -x -F "MIT License" "$TOP/LICENSE"
	local version=$output
	run "$OKSERVER" -V
	assert_output "$version"
}

@test "server: --once serves one connection, then exits 0 and stops listening" {
	start_okserver --once
	run talk 'a\nQbye\n'
	assert_output "$(printf 'OK$\nQbye$')"
	wait_gone "$SERVER_PID" 10
	local status=0
	wait "$SERVER_PID" || status=$?
	SERVER_PID=
	assert_equal "$status" 0
	run timeout 5 nc -z 127.0.0.1 "$SERVER_PORT"
	assert_failure
}

@test "server: -d detaches once listening, --pidfile names it, removed at exit" {
	local pidfile=$BATS_TEST_TMPDIR/ok.pid
	run --separate-stderr timeout 10 "$OKSERVER" -d -p 0 --pidfile "$pidfile"
	assert_success
	assert_equal "$stderr" ""
	assert_output --regexp '^listening on 127\.0\.0\.1:[0-9]+$'
	SERVER_PORT=${output##*:}
	[ -f "$pidfile" ]
	local pid
	pid=$(cat "$pidfile")
	BG_PIDS+=("$pid")
	kill -0 "$pid"
	# A new session, without the terminal: it is nobody's child here any more.
	assert_equal "$(ps -o sid= -p "$pid" | tr -d ' ')" "$pid"
	run talk 'x\n'
	assert_output 'OK$'
	kill -TERM "$pid"
	wait_gone "$pid" 10
	[ ! -e "$pidfile" ]
}

@test "server: -d without --pidfile says its pid on stderr, the ready line alone on stdout" {
	run --separate-stderr timeout 10 "$OKSERVER" -d -p 0
	assert_success
	assert_output --regexp '^listening on 127\.0\.0\.1:[0-9]+$'
	SERVER_PORT=${output##*:}
	assert_regex "$stderr" '^okserver: running in the background as pid [0-9]+$'
	local pid=${stderr##* }
	BG_PIDS+=("$pid")
	# That pid is the server's: the detached one, leader of its own session, serving the port.
	assert_equal "$(ps -o sid= -p "$pid" | tr -d ' ')" "$pid"
	run talk 'x\n'
	assert_output 'OK$'
	kill -TERM "$pid"
	wait_gone "$pid" 10
	run timeout 5 nc -z 127.0.0.1 "$SERVER_PORT"
	assert_failure
}

@test "server: -d -v without --pidfile: the start line on stderr names the pid, said once" {
	run --separate-stderr timeout 10 "$OKSERVER" -d -v -p 0
	assert_success
	assert_output --regexp '^listening on 127\.0\.0\.1:[0-9]+$'
	SERVER_PORT=${output##*:}
	local pid=${stderr#*, pid }
	pid=${pid%%,*}
	BG_PIDS+=("$pid")
	assert_equal "$stderr" \
	    "okserver: started, version $VERSION, pid $pid, listening on 127.0.0.1:$SERVER_PORT"
	assert_equal "$(ps -o sid= -p "$pid" | tr -d ' ')" "$pid"
	kill -TERM "$pid"
	wait_gone "$pid" 10
}

@test "server: -d with the port in use still reports on the terminal and exits 2" {
	start_okserver
	run --separate-stderr timeout 10 "$OKSERVER" -d -p "$SERVER_PORT"
	assert_equal "$status" 2
	assert_equal "$stderr" "okserver: bind 127.0.0.1:$SERVER_PORT: Address already in use"
}

@test "server: a pidfile that cannot be written exits 4" {
	run --separate-stderr timeout 10 "$OKSERVER" -p 0 --pidfile "$BATS_TEST_TMPDIR/no/such/dir/pid"
	assert_equal "$status" 4
	assert_equal "$output" ""
	assert_equal "$stderr" \
	    "okserver: pidfile $BATS_TEST_TMPDIR/no/such/dir/pid: No such file or directory"
	run --separate-stderr timeout 10 "$OKSERVER" -d -p 0 --pidfile "$BATS_TEST_TMPDIR/no/pid"
	assert_equal "$status" 4
	assert_equal "$stderr" "okserver: pidfile $BATS_TEST_TMPDIR/no/pid: No such file or directory"
}

@test "server: --pidfile without -d, removed on SIGTERM" {
	local pidfile=$BATS_TEST_TMPDIR/fg.pid
	start_okserver --pidfile "$pidfile"
	assert_equal "$(cat "$pidfile")" "$SERVER_PID"
	kill -TERM "$SERVER_PID"
	wait_gone "$SERVER_PID" 10
	[ ! -e "$pidfile" ]
}

@test "server: SIGTERM or SIGINT while a full stdout holds the ready line: exit 0, pidfile removed" {
	local fifo=$BATS_TEST_TMPDIR/stdout.fifo pidfile=$BATS_TEST_TMPDIR/early.pid sig rc hold
	local log=$BATS_TEST_TMPDIR/early.log
	SERVER_ERR=$BATS_TEST_TMPDIR/server.err
	mkfifo "$fifo"
	for sig in TERM INT; do
		rm -f "$pidfile" "$log"
		# A full pipe on stdout, never read: okserver cannot write its ready line (after listen
		# and the pidfile, before its event loop), and must still stop when told to.
		exec {hold}<>"$fifo"
		timeout 5 dd if=/dev/zero of="$fifo" bs=4096 count=1024 oflag=nonblock 2>/dev/null || true
		"$OKSERVER" -p 0 --pidfile "$pidfile" --log "$log" </dev/null >"$fifo" 2>"$SERVER_ERR" 3>&- &
		SERVER_PID=$!
		wait_until 10 test -s "$pidfile"
		kill -"$sig" "$SERVER_PID"
		wait_gone "$SERVER_PID" 10
		exec {hold}<&-
		rc=0
		wait "$SERVER_PID" || rc=$?
		SERVER_PID=
		assert_equal "SIG$sig: exit $rc" "SIG$sig: exit 0"
		[ ! -e "$pidfile" ]
		assert_equal "$(cat "$SERVER_ERR")" ""
		# The log says it started (before the ready line) and which signal stopped it.
		run cut -d ' ' -f 2- "$log"
		assert_equal "${#lines[@]}" 2
		assert_line --index 0 --regexp "^started, version ${VERSION//./\\.}, pid [0-9]+, listening on "
		assert_line --index 1 --regexp "^stopped \(SIG$sig\), pid [0-9]+\$"
	done
}

@test "server: -v logs one line per connection opened and closed, with peer, lines and why" {
	start_okserver -v --max-line 8
	run talk 'a\nb\n'
	run talk 'a\nQbye\n'
	run talk 'waytoolongforthis\n'
	wait_until 5 grep -q 'line too long)' "$SERVER_ERR"
	run cat "$SERVER_ERR"
	[ "${#lines[@]}" -eq 7 ]
	assert_line --index 0 \
	    "okserver: started, version $VERSION, pid $SERVER_PID, listening on 127.0.0.1:$SERVER_PORT"
	assert_line --index 1 --regexp '^okserver: 127\.0\.0\.1:[0-9]+ connected$'
	assert_line --index 2 --regexp '^okserver: 127\.0\.0\.1:[0-9]+ closed \(eof\), 2 lines answered$'
	assert_line --index 4 --regexp '^okserver: 127\.0\.0\.1:[0-9]+ closed \(quit\), 2 lines answered$'
	assert_line --index 6 \
	    --regexp '^okserver: 127\.0\.0\.1:[0-9]+ closed \(line too long\), 0 lines answered$'
	local pid=$SERVER_PID
	stop_okserver
	run tail -n 1 "$SERVER_ERR"
	assert_output "okserver: stopped (SIGTERM), pid $pid"
}

@test "server: without -v it logs nothing per connection, nor when it starts or stops" {
	start_okserver
	run talk 'a\n'
	assert_output 'OK$'
	assert_equal "$(cat "$SERVER_ERR")" ""
	stop_okserver
	assert_equal "$(cat "$SERVER_ERR")" ""
}

# no_wakeups_while_idle: the server makes no voluntary context switch (no wake-up) for 1.5 s.
no_wakeups_while_idle() {
	local before after
	sleep 0.3
	before=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$SERVER_PID/status")
	sleep 1.5
	after=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$SERVER_PID/status")
	under_tool "no wake-up while idle" || assert_equal "$after" "$before"
}

@test "server: idle with no client, it never wakes up, even with --idle-timeout" {
	start_okserver
	run talk 'warm up\n'
	no_wakeups_while_idle
	restart_okserver --idle-timeout 1
	run talk 'warm up\n'
	assert_output 'OK$'
	no_wakeups_while_idle
}

@test "server: okserver(1) documents every option and exit code; make install installs it" {
	[ -f "$TOP/man/okserver.1" ] || fail "man/okserver.1 is missing"
	# Rendered, with every run of blanks and newlines made one space: phrases survive wrapping.
	run bash -c "MANWIDTH=100 man -l '$TOP/man/okserver.1' 2>&1 | tr -s ' \n' '  '"
	assert_success
	for opt in "-p, --port PORT" "-b, --bind ADDR" "--once" "--max-clients N" \
	    "--max-line BYTES" "--idle-timeout SECS" "-d, --daemon" "--pidfile FILE" \
	    "-v, --verbose" "-h, --help" "-V, --version" "ERR line too long" "ERR server full" \
	    "ERR idle timeout" "ERR server shutting down" "EXIT STATUS" " 0 Normal end" \
	    " 1 socket() failed" " 2 bind() failed" " 3 listen() failed" " 4 Detaching" \
	    " 64 Usage error"; do
		assert_output --partial "$opt"
	done
	run make -s -C "$TOP" install DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/usr
	assert_success
	[ -f "$BATS_TEST_TMPDIR/root/usr/share/man/man1/okserver.1" ]
	[ -x "$BATS_TEST_TMPDIR/root/usr/bin/okserver" ]
}

@test "server: --max-clients above the open-file limit is lowered, with a warning" {
	SERVER_OUT=$BATS_TEST_TMPDIR/server.out
	SERVER_ERR=$BATS_TEST_TMPDIR/server.err
	(ulimit -n 64 && exec "$OKSERVER" -p 0 --max-clients 100) \
	    </dev/null >"$SERVER_OUT" 2>"$SERVER_ERR" 3>&- &
	SERVER_PID=$!
	wait_for_file_line "$SERVER_OUT" '^listening on ' 5
	assert_equal "$(cat "$SERVER_ERR")" \
	    "okserver: max-clients lowered to 56: the open-file limit is 64"
}
