# server_helpers.bash - okserver tests: raw peers (nc, socat), process probes, bounded waits.
# shellcheck shell=bash

# The hint every okserver usage error ends with.
# shellcheck disable=SC2034 # used by the bats files that load this one
HINT="Try 'okserver --help' for more information."

# talk FORMAT: sends printf FORMAT to the server with nc, half-closes, prints the replies with
# cat -A (so "OK^M$" is a CRLF reply, "OK$" an LF one, "^@" a NUL). Over the server's family
# (SERVER_NC, helpers.bash).
talk() {
	set_peer_ways # a test may have set SERVER_PORT itself (a server started with -d)
	# The argument is a printf format by contract ("x\r\n", "\0"); SERVER_NC is a command line,
	# split into its words.
	# shellcheck disable=SC2059,SC2086
	printf "$1" | timeout 10 $SERVER_NC | cat -A
}

# talk_socat FORMAT: the same through socat, a second, independent peer.
talk_socat() {
	set_peer_ways
	# shellcheck disable=SC2059 # a printf format by contract, as for talk
	printf "$1" | timeout 10 socat -t 5 - "$SERVER_SOCAT" | cat -A
}

# wait_until SECONDS COMMAND...: polls COMMAND until it succeeds or the time is up.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -le "$deadline" ] || return 1
		sleep 0.05
	done
}

# log_count_is N PATTERN: the server's stderr has exactly N lines matching PATTERN.
log_count_is() {
	[ "$(grep -c -- "$2" "$SERVER_ERR")" -eq "$1" ]
}

# has_lines FILE N: FILE holds at least N lines.
has_lines() {
	[ "$(wc -l <"$1")" -ge "$2" ]
}

# tls_tail: what the stats line of a build with TLS has after bytes_out when no handshake
# failed, " tls_failed=0"; nothing for a build without TLS (which refuses --tls-cert: 64).
tls_tail() {
	local rc=0
	"$OKSERVER" --tls-cert /nonexistent --tls-key /nonexistent -p 0 </dev/null >/dev/null 2>&1 ||
		rc=$?
	[ "$rc" -eq 64 ] || printf ' tls_failed=0'
}

# talk_gives EXPECTED FORMAT: talk FORMAT prints exactly EXPECTED.
talk_gives() {
	[ "$(talk "$2")" = "$1" ]
}

# under_tool: true when okserver runs under ASan or valgrind (mk/check.mk sets these). Then a
# bound on memory, CPU time or wake-ups measures the tool, not okserver: only that assertion is
# skipped, with a note; the behaviour around it is still tested.
under_tool() {
	if [ -n "${OK_UNDER_SANITIZER:-}" ] || [ -n "${OK_UNDER_VALGRIND:-}" ]; then
		echo "# $1: not asserted under a sanitizer or valgrind" >&3
		return 0
	fi
	return 1
}

# p99_bound_us: the slowloris tests' bound on a round trip's p99, 10 ms (HOSTILE_P99_US). Under
# an emulator (qemu-user runs the server too) the time is the emulator's: three times that.
p99_bound_us() {
	local bound=${HOSTILE_P99_US:-10000}
	[ "${OK_UNDER_EMULATOR:-0}" = 1 ] && bound=$((bound * 3))
	echo "$bound"
}

# wait_gone PID SECONDS: waits until PID has exited.
wait_gone() {
	wait_until "$2" pid_gone "$1"
}

# cpu_ticks PID: user + system CPU time of PID in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# rss_kb PID: resident set size of PID in kB.
rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# open_fds PID: how many descriptors PID has open.
open_fds() {
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l
}

# start_bg NAME CMD...: runs CMD in the background, output in $BATS_TEST_TMPDIR/NAME.out,
# records its pid in BG_PIDS for kill_bg.
start_bg() {
	local name=$1
	shift
	"$@" </dev/null >"$BATS_TEST_TMPDIR/$name.out" 2>&1 3>&- &
	BG_PIDS+=("$!")
	LAST_PID=$!
}

# kill_bg: kills what start_bg started (by pid), and the server.
kill_bg() {
	local pid
	for pid in "${BG_PIDS[@]:-}"; do
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	done
	BG_PIDS=()
	stop_okserver
}

# open_peer NAME: a socat connection fed through a fifo, its replies in $BATS_TEST_TMPDIR/NAME.out.
# Write with peer_send NAME FORMAT; the peer stays connected until peer_close NAME or teardown.
open_peer() {
	local name=$1 fifo=$BATS_TEST_TMPDIR/$1.in fd
	mkfifo "$fifo"
	set_peer_ways
	socat -t 1 - "$SERVER_SOCAT" <"$fifo" >"$BATS_TEST_TMPDIR/$name.out" 2>&1 3>&- &
	BG_PIDS+=("$!")
	printf -v "PEER_PID_$name" %s "$!"
	exec {fd}>"$fifo"
	printf -v "PEER_FD_$name" %s "$fd"
	PEER_FDS+=("$fd")
}

# peer_send NAME FORMAT: writes printf FORMAT to the peer's socat.
peer_send() {
	local var=PEER_FD_$1
	# shellcheck disable=SC2059 # a printf format by contract, as for talk
	printf "$2" >&"${!var}"
}

# peer_close NAME: ends the peer's input, so socat half-closes its connection.
peer_close() {
	local var=PEER_FD_$1 fd
	fd=${!var}
	exec {fd}>&-
}

# peer_out NAME: what the peer received so far, through cat -A.
peer_out() {
	cat -A "$BATS_TEST_TMPDIR/$1.out"
}

# close_peers: closes every peer's input (teardown).
close_peers() {
	local fd
	for fd in "${PEER_FDS[@]:-}"; do
		[ -n "$fd" ] && exec {fd}>&-
	done
	PEER_FDS=()
}

teardown() {
	close_peers
	kill_bg
}


# backend: the event loop the server was built with, as its --version's second line names it
# ("event loop: epoll"): epoll or poll.
backend() {
	"$OKSERVER" --version | sed -n 's/^event loop: //p'
}

# backend_wait_call: the system call the server's event loop waits in: epoll_wait or poll.
backend_wait_call() {
	case $(backend) in
	epoll) echo epoll_wait ;;
	poll) echo poll ;;
	*) return 1 ;;
	esac
}

# wait_call_pmask_form CALL: the same wait with a signal mask (epoll_pwait, ppoll), which a libc
# or an emulator may make in its place.
wait_call_pmask_form() {
	case $1 in
	epoll_wait) echo epoll_pwait ;;
	poll) echo ppoll ;;
	esac
}
