# helpers.bash - loaded by every bats file: assertions, the binaries under test, a server to talk to.
# shellcheck shell=bash

# load_library NAME: loads the bats library NAME as bats_load_library does, sourcing each file
# its load.bash names, but directly: load.bash finds each with a $(dirname ...) fork, and for
# bats-support and bats-assert those cost some 30 ms a test, 7 s of CPU a suite. A load.bash
# of any other form is left to bats_load_library.
load_library() {
	local dir="" d line files=() path=()
	# shellcheck disable=SC2016 # a line of load.bash, literally
	local head='source "$(dirname "${BASH_SOURCE[0]}")/'
	IFS=: read -ra path <<<"${BATS_LIB_PATH:-/usr/lib/bats}"
	for d in "${path[@]}"; do
		[ -f "$d/$1/load.bash" ] && dir=$d/$1 && break
	done
	[ -z "$dir" ] || while IFS= read -r line; do
		if [[ $line == "$head"*'"' ]]; then
			line=${line#"$head"}
			files+=("$dir/${line%\"}")
		elif [ -n "$line" ] && [[ $line != '#'* ]]; then
			dir=""
			break
		fi
	done <"$dir/load.bash"
	if [ -z "$dir" ]; then
		bats_load_library "$1"
		return
	fi
	for line in "${files[@]}"; do
		# shellcheck disable=SC1090 # the library's own files
		source "$line" || return 1
	done
}

load_library bats-support
load_library bats-assert

# Under bats --jobs (tests/run.sh) files run side by side, each file's tests one at a time:
# bats' scheduler of tests within a file polls for a free slot once a second. A file of long,
# independent tests unsets this after loading helpers, so that its tests run side by side too.
BATS_NO_PARALLELIZE_WITHIN_FILE=true

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
OKSERVER=${OKSERVER:-$TOP/bin/okserver}
OKCLIENT=${OKCLIENT:-$TOP/bin/okclient}
TOOLS=${TOOLS:-$TOP/build/tests/tools}

# OK_STRICT_SKIPS=1 (CI sets it): skip fails the test instead, naming the reason, so a missing
# tool or binary cannot pass for a green run; tests/run.sh also fails any skip that gets past
# this. Locally a skip stays a skip. bats' own skip is kept as bats_skip (copied once, even if
# this file is loaded twice): in teardown, where skip only ends the teardown early, it stays.
# In setup_file the failure fails the file's tests, as any error there does.
declare -F bats_skip >/dev/null || eval "bats_skip() $(declare -f skip | tail -n +2)"
skip() {
	if [ "${OK_STRICT_SKIPS:-0}" = 1 ] && [ -z "${BATS_TEARDOWN_STARTED-}" ]; then
		fail "skipped in strict mode: ${1:-no reason given}" || exit 1
	fi
	bats_skip "$@"
}

# Skips, saying what to build, when a binary under test is not there.
require_binary() {
	[ -x "$1" ] || skip "$1 is not built: run 'make test-build'"
}

# wait_for_file_line FILE REGEX [SECONDS]: waits until a line of FILE matches; prints it.
wait_for_file_line() {
	local file=$1 regex=$2 seconds=${3:-5} deadline
	deadline=$((SECONDS + seconds))
	while [ "$SECONDS" -le "$deadline" ]; do
		if [ -f "$file" ] && grep -m1 -E "$regex" "$file"; then
			return 0
		fi
		sleep 0.02
	done
	return 1
}

# start_okserver [ARGS...]: starts okserver on a free loopback port, waits for its ready line
# (READY_SECONDS, default 5: a file whose servers start slowly under a tool may raise it).
# Sets SERVER_PID, SERVER_PORT, SERVER_OUT (stdout) and SERVER_ERR (stderr), and the raw peers'
# way to it (SERVER_NC, SERVER_SOCAT). OK_TEST_FAMILY picks where it listens: ipv4 (default,
# 127.0.0.1), ipv6 (::1) or unix (a socket in the test's directory: SERVER_SOCK, no TCP).
start_okserver() {
	require_binary "$OKSERVER"
	SERVER_OUT=$BATS_TEST_TMPDIR/server.out
	SERVER_ERR=$BATS_TEST_TMPDIR/server.err
	SERVER_SOCK=$BATS_TEST_TMPDIR/ok.sock
	rm -f "$SERVER_OUT" "$SERVER_ERR" # a second server in one test must not see the first's line
	local where=(-p 0)
	case ${OK_TEST_FAMILY:-ipv4} in
	ipv6) where=(-p 0 -b ::1) ;;
	unix) where=(-U "$SERVER_SOCK") ;;
	esac
	"$OKSERVER" "${where[@]}" "$@" </dev/null >"$SERVER_OUT" 2>"$SERVER_ERR" 3>&- &
	SERVER_PID=$!
	local ready
	ready=$(wait_for_file_line "$SERVER_OUT" '^listening on ' "${READY_SECONDS:-5}") ||
		fail "okserver printed no ready line: $(cat "$SERVER_ERR")"
	SERVER_PORT=${ready##*:}
	set_peer_ways
}

# set_peer_ways: how nc (SERVER_NC, a command line) and socat (SERVER_SOCAT, an address) reach
# the server of OK_TEST_FAMILY. The paths hold no white space: the words are split as they are.
set_peer_ways() {
	case ${OK_TEST_FAMILY:-ipv4} in
	ipv6)
		SERVER_NC="nc -N -6 ::1 $SERVER_PORT"
		SERVER_SOCAT="TCP6:[::1]:$SERVER_PORT"
		;;
	unix)
		SERVER_PORT=
		SERVER_NC="nc -N -U $SERVER_SOCK"
		SERVER_SOCAT="UNIX-CONNECT:$SERVER_SOCK"
		;;
	*)
		SERVER_NC="nc -N 127.0.0.1 $SERVER_PORT"
		SERVER_SOCAT="TCP:127.0.0.1:$SERVER_PORT"
		;;
	esac
}

# pid_gone PID: PID has exited. A zombie has too: an orphan (a daemon) is reaped by init, which
# may take a second or more; until then kill -0 still finds it. Without /proc, kill -0 alone says.
pid_gone() {
	local stat
	kill -0 "$1" 2>/dev/null || return 0
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	stat=${stat##*) } # after "PID (comm) ", which may hold anything: the state letter
	[ "${stat%% *}" = Z ]
}

# stop_pid PID: TERM, then KILL if it has not gone within 5 seconds, then reaps it. Returns 0
# whatever state the process was in (it runs in teardown under set -e).
stop_pid() {
	[ -n "${1:-}" ] || return 0
	kill -TERM "$1" 2>/dev/null || true
	local deadline=$((SECONDS + 5))
	while ! pid_gone "$1" && [ "$SECONDS" -le "$deadline" ]; do
		sleep 0.02
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	return 0
}

# stop_okserver: stops the server started by start_okserver. Safe to call twice.
stop_okserver() {
	stop_pid "${SERVER_PID:-}"
	SERVER_PID=
}

# restart_okserver [ARGS...]: stops the server and starts another with these options.
restart_okserver() {
	stop_okserver
	start_okserver "$@"
}
