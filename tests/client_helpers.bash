# client_helpers.bash - okclient's bats helpers: scripted fake servers and a private tmux terminal.
# shellcheck shell=bash
# Load after helpers: `load helpers` then `load client_helpers`.

FAKE_SERVER=$TOOLS/fake_server

# start_fake MODE [ARG]: a fake_server (see tests/tools/fake_server.c) on a free loopback port.
# Sets FAKE_PID and FAKE_PORT.
start_fake() {
	require_binary "$FAKE_SERVER"
	local out=$BATS_TEST_TMPDIR/fake.out ready
	"$FAKE_SERVER" -p 0 "$@" </dev/null >"$out" 2>"$BATS_TEST_TMPDIR/fake.err" 3>&- &
	FAKE_PID=$!
	ready=$(wait_for_file_line "$out" '^listening on ' 5) || fail "fake_server did not start"
	FAKE_PORT=${ready##*:}
}

# stop_fake: ends the fake server by pid. Safe to call twice.
stop_fake() {
	stop_pid "${FAKE_PID:-}"
	FAKE_PID=
}

# How many times slower than itself okclient may run here: under valgrind (OK_UNDER_VALGRIND),
# a sanitizer (OK_UNDER_SANITIZER) or an emulator (OK_UNDER_EMULATOR, qemu-user) time is the
# tool's. Only bounds that measure time scale by it; no behaviour is ever skipped.
tool_slowdown() {
	if [ "${OK_UNDER_VALGRIND:-0}" = 1 ]; then
		echo 10
	elif [ "${OK_UNDER_SANITIZER:-0}" = 1 ] || [ "${OK_UNDER_EMULATOR:-0}" = 1 ]; then
		echo 3
	else
		echo 1
	fi
}

# A port nobody listens on: a fake server's, after it has gone.
closed_port() {
	start_fake silent
	# shellcheck disable=SC2034 # read by the .bats files
	CLOSED_PORT=$FAKE_PORT
	stop_fake
}

# The terminal tests run okclient inside tmux on a private server (its socket in the test's own
# directory, so no other run can ever share it), with HOME in the test's directory so no real
# history file is read or written.
tmux_cmd() {
	tmux -S "$TTY_SOCKET" "$@"
}

# tmux_start ARGS...: runs okclient ARGS in an 80x24 terminal (stdout to $TTY_STDOUT if set). When okclient ends, one line
# "STATUS MODE" (its exit status, then the terminal's icanon or -icanon) appears in $TTY_RESULT,
# written whole at once (rename), so a reader never sees one without the other.
tmux_start() {
	require_binary "$OKCLIENT"
	command -v tmux >/dev/null || skip "tmux is not installed"
	TTY_HOME=$BATS_TEST_TMPDIR/home
	TTY_RESULT=$BATS_TEST_TMPDIR/result
	TTY_SOCKET=$BATS_TEST_TMPDIR/tmux.sock
	# A unix socket path is at most 107 bytes; fall back to a short name made unique to this
	# test's directory by its checksum (a cut path could lose the test number at its end).
	[ "${#TTY_SOCKET}" -lt 100 ] ||
		TTY_SOCKET=/tmp/okchat-tmux-$(printf '%s' "$BATS_TEST_TMPDIR" | cksum | tr ' ' -)
	mkdir -p "$TTY_HOME"
	local script=$BATS_TEST_TMPDIR/tty.sh arg
	# shellcheck disable=SC2016 # $? and $status belong to the script written here
	{
		# Ctrl-C is meant for okclient alone: this shell ignores it (okclient sets its own).
		echo "trap '' INT"
		printf 'HOME=%q %q' "$TTY_HOME" "$OKCLIENT"
		for arg in "$@"; do printf ' %q' "$arg"; done
		[ -z "${TTY_STDOUT:-}" ] || printf ' >%q' "$TTY_STDOUT"
		echo
		echo 'status=$?'
		printf 'mode=$(stty -a | grep -o -- "-*icanon")\n'
		printf 'echo "$status $mode" >%q.tmp && mv %q.tmp %q\n' "$TTY_RESULT" "$TTY_RESULT" "$TTY_RESULT"
		echo "exec sleep 120"
	} >"$script"
	tmux_cmd -f /dev/null new-session -d -x 80 -y 24 "exec sh $script" ||
		fail "tmux did not start"
}

# tmux_capture: the screen's lines, a line wrapped at the edge joined whole again (the first
# line, "connected to ...", is longer than 80 columns), trailing blanks trimmed.
tmux_capture() {
	tmux_cmd capture-pane -p -J | sed 's/ *$//'
}

# tmux_wait REGEX [SECONDS]: waits until the screen shows a line matching REGEX (10 s default).
tmux_wait() {
	local regex=$1 deadline=$((SECONDS + ${2:-10}))
	while [ "$SECONDS" -le "$deadline" ]; do
		if tmux_capture | grep -qE -- "$regex"; then
			return 0
		fi
		sleep 0.05
	done
	echo "screen never showed /$regex/; it shows:" >&2
	tmux_cmd capture-pane -p >&2
	return 1
}

# tmux_keys KEYS...: types into the terminal (tmux key names: Enter, Up, C-d ...).
tmux_keys() {
	tmux_cmd send-keys "$@"
}

# tmux_screen: the visible lines (as tmux_capture), trailing blank lines dropped.
tmux_screen() {
	tmux_capture | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# connected_line PEER: the line okclient starts with at a terminal.
connected_line() {
	echo "connected to $1; a line starting with Q ends the session, Ctrl-D leaves"
}

# tmux_result [SECONDS]: waits (10 s default) for okclient to end; prints "STATUS MODE".
tmux_result() {
	wait_for_file_line "$TTY_RESULT" '^[0-9]+ -?icanon$' "${1:-10}" || {
		echo "okclient did not exit; the screen:" >&2
		tmux_cmd capture-pane -p >&2
		return 1
	}
}

tmux_stop() {
	[ -n "${TTY_SOCKET:-}" ] || return 0
	tmux_cmd kill-server 2>/dev/null || true
	rm -f "$TTY_SOCKET"
}
