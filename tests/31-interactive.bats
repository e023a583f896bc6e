#!/usr/bin/env bats
# 31-interactive.bats - okclient at a terminal (tmux): prompt, replies, history, ways to leave.
# shellcheck disable=SC2154 # $stderr is set by bats: run --separate-stderr

bats_require_minimum_version 1.5.0
load helpers
load client_helpers

setup() {
	require_binary "$OKCLIENT"
	command -v tmux >/dev/null || skip "tmux is not installed"
	start_okserver
	# The screen as tmux captures it: trailing blanks trimmed, so an empty prompt ends at ">".
	PROMPT="127.0.0.1:$SERVER_PORT>"
	PROMPT_RE="127\\.0\\.0\\.1:$SERVER_PORT>"
}

teardown() {
	tmux_stop
	stop_fake
	stop_okserver
	rm -rf "${SOCK_DIR:-/nonexistent}"
}

@test "client tty: shows the prompt, then each reply under its line" {
	tmux_start 127.0.0.1 "$SERVER_PORT"
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys hello Enter
	tmux_wait '^Server: OK$'
	assert_equal "$(tmux_screen)" "$PROMPT hello"$'\n'"Server: OK"$'\n'"$PROMPT"
}

@test "client tty: -r shows replies bare" {
	tmux_start -r 127.0.0.1 "$SERVER_PORT"
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys hi Enter
	tmux_wait '^OK$'
}

@test "client tty: Up recalls the previous line" {
	tmux_start 127.0.0.1 "$SERVER_PORT"
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys 'first line' Enter
	tmux_wait '^Server: OK$'
	tmux_keys Up
	tmux_wait "^$PROMPT_RE first line\$"
}

@test "client tty: Q is echoed and ends with 0, history file written" {
	tmux_start 127.0.0.1 "$SERVER_PORT"
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys 'one' Enter
	tmux_wait '^Server: OK$'
	tmux_keys 'Quit' Enter
	tmux_wait '^Server: Quit$'
	run tmux_result
	assert_output "0 icanon"
	assert_equal "$(cat "$TTY_HOME/.okclient_history")" $'one\nQuit'
}

@test "client tty: history is read at start and --history picks the file" {
	local hist=$BATS_TEST_TMPDIR/hist
	printf 'from before\n' >"$hist"
	tmux_start --history "$hist" 127.0.0.1 "$SERVER_PORT"
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys Up
	tmux_wait "^$PROMPT_RE from before\$"
	tmux_keys Enter
	tmux_wait '^Server: OK$'
	tmux_keys C-d
	run tmux_result
	assert_output "0 icanon"
	assert_equal "$(cat "$hist")" $'from before\nfrom before'
	[ ! -e "$TTY_HOME/.okclient_history" ] || fail "the default history file was written too"
}

@test "client tty: Ctrl-D on an empty line ends politely with 0" {
	tmux_start 127.0.0.1 "$SERVER_PORT"
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys abc Enter
	tmux_wait '^Server: OK$'
	tmux_keys C-d
	run tmux_result
	assert_output "0 icanon"
}

@test "client tty: the server shutting down is shown at once, the typed text kept, exit 6" {
	tmux_start 127.0.0.1 "$SERVER_PORT"
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys 'half typed'
	tmux_wait "^$PROMPT_RE half typed\$"
	stop_okserver
	tmux_wait "^okclient: server 127.0.0.1:$SERVER_PORT: ERR server shutting down\$"
	run tmux_result
	assert_output "6 icanon"
	assert_equal "$(tmux_screen | head -2)" "$PROMPT half typed"$'\n'"okclient: server 127.0.0.1:$SERVER_PORT: ERR server shutting down"
}

@test "client tty: Ctrl-C leaves at once with the terminal restored" {
	tmux_start 127.0.0.1 "$SERVER_PORT"
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys 'some text'
	tmux_wait "^$PROMPT_RE some text\$"
	tmux_keys C-c
	run tmux_result
	assert_output "130 icanon"
}

@test "client tty: a resized terminal (SIGWINCH) keeps the line being typed" {
	tmux_start 127.0.0.1 "$SERVER_PORT"
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys abc
	tmux_wait "^$PROMPT_RE abc\$"
	tmux_cmd resize-window -x 60 -y 20
	tmux_keys ' def' Enter
	tmux_wait '^Server: OK$'
	tmux_keys C-d
	run tmux_result
	assert_output "0 icanon"
	assert_equal "$(tmux_cmd display-message -p '#{window_width}')" 60
	assert_equal "$(cat "$TTY_HOME/.okclient_history")" 'abc def'
}

@test "client tty: a reply arriving while a line is typed is printed above it, the line kept" {
	stop_okserver
	start_fake delay 2000
	PROMPT="127.0.0.1:$FAKE_PORT>"
	PROMPT_RE="127\\.0\\.0\\.1:$FAKE_PORT>"
	tmux_start 127.0.0.1 "$FAKE_PORT"
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys first Enter
	tmux_keys 'second, half'
	tmux_wait "^$PROMPT_RE second, half\$"
	tmux_wait '^Server: OK$'
	tmux_keys ' done'
	tmux_wait "^$PROMPT_RE second, half done\$"
	assert_equal "$(tmux_screen)" "$PROMPT first"$'\n'"Server: OK"$'\n'"$PROMPT second, half done"
	stop_fake
}

@test "client tty: -t 1 gives up on a silent server with 7" {
	stop_okserver
	start_fake silent
	tmux_start -t 1 127.0.0.1 "$FAKE_PORT"
	tmux_wait "^127\\.0\\.0\\.1:$FAKE_PORT>\$"
	tmux_keys ping Enter
	tmux_wait "^okclient: no reply from 127\\.0\\.0\\.1:$FAKE_PORT in 1 s: answered 0 of 1 lines\$"
	run tmux_result
	assert_output "7 icanon"
}

@test "client tty: a write error on stdout is said on the terminal and gives 1" {
	TTY_STDOUT=/dev/full tmux_start 127.0.0.1 "$SERVER_PORT"
	# The prompt goes to stderr when stdout is not the terminal.
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys hello Enter
	tmux_wait '^okclient: write standard output: No space left on device$'
	run tmux_result
	assert_output "1 icanon"
}

@test "client tty: an IPv6 server's prompt is [::1]:PORT>" {
	stop_okserver
	start_fake -b ::1
	tmux_start ::1 "$FAKE_PORT"
	tmux_wait "^\\[::1\\]:$FAKE_PORT>\$"
	tmux_keys hello Enter
	tmux_wait '^Server: OK$'
	assert_equal "$(tmux_screen)" "[::1]:$FAKE_PORT> hello"$'\n'"Server: OK"$'\n'"[::1]:$FAKE_PORT>"
	tmux_keys C-d
	run tmux_result
	assert_output "0 icanon"
}

@test "client tty: a Unix-domain server's prompt is unix:PATH>" {
	stop_okserver
	SOCK_DIR=$(mktemp -d /tmp/okc-tty.XXXXXX) # short: a socket path holds at most 107 bytes
	start_fake -U "$SOCK_DIR/ok.sock"
	tmux_start -U "$SOCK_DIR/ok.sock"
	tmux_wait "^unix:$SOCK_DIR/ok\\.sock>\$"
	tmux_keys hi Enter
	tmux_wait '^Server: OK$'
	assert_equal "$(tmux_screen)" "unix:$SOCK_DIR/ok.sock> hi"$'\n'"Server: OK"$'\n'"unix:$SOCK_DIR/ok.sock>"
}
