# helpers.bash - loaded by every bats file: assertions, the binaries under test, a server to talk to.
# shellcheck shell=bash

bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
OKSERVER=${OKSERVER:-$TOP/bin/okserver}
OKCLIENT=${OKCLIENT:-$TOP/bin/okclient}
TOOLS=${TOOLS:-$TOP/build/tests/tools}

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

# start_okserver [ARGS...]: starts okserver on a free loopback port, waits for its ready line.
# Sets SERVER_PID, SERVER_PORT, SERVER_OUT (stdout) and SERVER_ERR (stderr).
start_okserver() {
	require_binary "$OKSERVER"
	SERVER_OUT=$BATS_TEST_TMPDIR/server.out
	SERVER_ERR=$BATS_TEST_TMPDIR/server.err
	rm -f "$SERVER_OUT" "$SERVER_ERR" # a second server in one test must not see the first's line
	"$OKSERVER" -p 0 "$@" </dev/null >"$SERVER_OUT" 2>"$SERVER_ERR" 3>&- &
	SERVER_PID=$!
	local ready
	ready=$(wait_for_file_line "$SERVER_OUT" '^listening on ' 5) ||
		fail "okserver printed no ready line: $(cat "$SERVER_ERR")"
	SERVER_PORT=${ready##*:}
}

# stop_pid PID: TERM, then KILL if it has not gone within 5 seconds, then reaps it. Returns 0
# whatever state the process was in (it runs in teardown under set -e).
stop_pid() {
	[ -n "${1:-}" ] || return 0
	kill -TERM "$1" 2>/dev/null || true
	local deadline=$((SECONDS + 5))
	while kill -0 "$1" 2>/dev/null && [ "$SECONDS" -le "$deadline" ]; do
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
