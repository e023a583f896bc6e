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
	rm -rf "${SOCK_DIR:-/nonexistent}" "${VICTIM_DIR:-/nonexistent}"
}

@test "client tty: says how to leave, shows the prompt, then each reply under its line" {
	tmux_start 127.0.0.1 "$SERVER_PORT"
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys hello Enter
	tmux_wait '^Server: OK$'
	assert_equal "$(tmux_screen)" "$(connected_line "127.0.0.1:$SERVER_PORT")"$'\n'"$PROMPT hello"$'\n'"Server: OK"$'\n'"$PROMPT"
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
	assert_equal "$(tmux_screen | sed -n 2,3p)" "$PROMPT half typed"$'\n'"okclient: server 127.0.0.1:$SERVER_PORT: ERR server shutting down"
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
	assert_equal "$(tmux_screen)" "$(connected_line "127.0.0.1:$FAKE_PORT")"$'\n'"$PROMPT first"$'\n'"Server: OK"$'\n'"$PROMPT second, half done"
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

@test "client tty: -t 1 ends a reply left unfinished on a line of its own, then says so: 7" {
	stop_okserver
	start_fake stall "Half a rep"
	tmux_start -t 1 127.0.0.1 "$FAKE_PORT"
	tmux_wait "^127\\.0\\.0\\.1:$FAKE_PORT>\$"
	tmux_keys ping Enter
	run tmux_result
	assert_output "7 icanon"
	assert_equal "$(tmux_screen | tail -2)" "Server: Half a rep"$'\n'"okclient: no reply from 127.0.0.1:$FAKE_PORT in 1 s: answered 0 of 1 lines"
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
	assert_equal "$(tmux_screen)" "$(connected_line "[::1]:$FAKE_PORT")"$'\n'"[::1]:$FAKE_PORT> hello"$'\n'"Server: OK"$'\n'"[::1]:$FAKE_PORT>"
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
	assert_equal "$(tmux_screen)" "$(connected_line "unix:$SOCK_DIR/ok.sock")"$'\n'"unix:$SOCK_DIR/ok.sock> hi"$'\n'"Server: OK"$'\n'"unix:$SOCK_DIR/ok.sock>"
}

# What a hostile server puts in a line, in fake_server's escapes (printf's too): retitle the
# window, clear the screen, write the clipboard (OSC 52), a NUL, C1 controls (a byte alone, and
# U+0085 in UTF-8), a CR, a backslash; then text that is fine as it is (café).
HOSTILE='\x1b]0;owned\x07\x1b[2J\x1b]52;c;b3duZWQ=\x07\x00\x85\xc2\x85\x0d\\caf\xc3\xa9'
# The same on the screen: every control character an escape, a backslash doubled.
SHOWN='\x1b]0;owned\x07\x1b[2J\x1b]52;c;b3duZWQ=\x07\x00\x85\xc2\x85\r\\café'

# hostile_tty_start MODE TEXT: a fake server sending TEXT, okclient on it at a UTF-8 terminal
# whose clipboard a program may write (tmux's set-clipboard on), so that a write would show.
hostile_tty_start() {
	stop_okserver
	start_fake "$@"
	PROMPT="127.0.0.1:$FAKE_PORT>"
	LC_ALL=C.UTF-8 tmux_start 127.0.0.1 "$FAKE_PORT"
	tmux_cmd set-option -g set-clipboard on
}

# The terminal was not retitled and nothing was put in its clipboard.
assert_terminal_untouched() {
	assert_equal "$(tmux_cmd display-message -p '#{pane_title}')" "$(hostname)"
	assert_equal "$(tmux_cmd list-buffers)" ""
}

@test "client tty: a reply's control characters are shown as escapes: no title, clear or clipboard" {
	hostile_tty_start reply "X$HOSTILE"
	tmux_wait "^$PROMPT\$"
	tmux_keys hello Enter
	tmux_wait '^Server: X'
	tmux_wait "^$PROMPT\$"
	assert_equal "$(tmux_screen)" "$(connected_line "127.0.0.1:$FAKE_PORT")"$'\n'"$PROMPT hello"$'\n'"Server: X$SHOWN"$'\n'"$PROMPT"
	assert_terminal_untouched
}

@test "client tty: an ERR line's control characters are shown as escapes too: 6" {
	hostile_tty_start err "ERR $HOSTILE"
	run tmux_result
	assert_output "6 icanon"
	assert_equal "$(tmux_screen | tail -1)" "okclient: server 127.0.0.1:$FAKE_PORT: ERR $SHOWN"
	assert_terminal_untouched
}

@test "client tty: a reply cut off by the close is a line of its own, and a loss: 5" {
	stop_okserver
	start_fake cut 1 O
	PROMPT="127.0.0.1:$FAKE_PORT>"
	tmux_start 127.0.0.1 "$FAKE_PORT"
	tmux_wait "^$PROMPT\$"
	tmux_keys a Enter C-d
	run tmux_result
	assert_output "5 icanon"
	assert_equal "$(tmux_screen | tail -3)" "Server: OK"$'\n'"Server: O"$'\n'"okclient: connection to 127.0.0.1:$FAKE_PORT lost in the middle of a line; every line sent (1) was answered"
}

@test "client tty: a server that closes after answering every line, input not ended: 5, says so" {
	stop_okserver
	start_fake hangup 1
	PROMPT="127.0.0.1:$FAKE_PORT>"
	tmux_start 127.0.0.1 "$FAKE_PORT"
	tmux_wait "^$PROMPT\$"
	tmux_keys a Enter
	run tmux_result
	assert_output "5 icanon"
	# The prompt was back (and the line editor waiting) when the server closed.
	assert_equal "$(tmux_screen | tail -3)" "Server: OK"$'\n'"$PROMPT"$'\n'"okclient: connection to 127.0.0.1:$FAKE_PORT lost: every line sent (1) was answered, but the input was not finished"
}

@test "client tty: --greeting shows the server's greeting above the prompt, not as a reply" {
	restart_okserver --greeting 'Hello, World!'
	PROMPT="127.0.0.1:$SERVER_PORT>"
	tmux_start --greeting 127.0.0.1 "$SERVER_PORT"
	tmux_wait "^$PROMPT\$"
	tmux_keys one Enter
	tmux_wait '^Server: OK$'
	tmux_wait "^$PROMPT\$"
	assert_equal "$(tmux_screen)" "$(connected_line "127.0.0.1:$SERVER_PORT")"$'\n'"Server: Hello, World!"$'\n'"$PROMPT one"$'\n'"Server: OK"$'\n'"$PROMPT"
	tmux_keys C-d
	run tmux_result
	assert_output "0 icanon"
}

# victim_file: a file that is not ours to read or write, named in VICTIM, its checksum in
# VICTIM_SUM. As root: one that uid 65534 made in its own folder; otherwise root's /etc/passwd.
victim_file() {
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
		VICTIM_DIR=$(mktemp -d /tmp/okc-victim.XXXXXX)
		chown 65534:65534 "$VICTIM_DIR"
		VICTIM=$VICTIM_DIR/theirs
		# shellcheck disable=SC2016 # $1 is the inner shell's
		setpriv --reuid=65534 --regid=65534 --clear-groups -- \
			sh -c 'echo "secret line" >"$1"' _ "$VICTIM"
	else
		VICTIM=/etc/passwd
	fi
	VICTIM_SUM=$(cksum <"$VICTIM")
}

# history_refused HISTORY WHY: with HISTORY refused for WHY, okclient runs on without it: the
# refusal said once, Up recalls nothing, a line is answered, Ctrl-D ends with 0; the victim is
# untouched.
history_refused() {
	tmux_wait "^$PROMPT_RE\$"
	tmux_keys Up typed Enter
	tmux_wait '^Server: OK$'
	tmux_keys C-d
	run tmux_result
	assert_output "0 icanon"
	assert_equal "$(tmux_screen | sed -n 2,3p)" "okclient: history $1: $2; not used"$'\n'"$PROMPT typed"
	assert_equal "$(tmux_screen | grep -c '^okclient: history')" 1
	assert_equal "$(cksum <"$VICTIM")" "$VICTIM_SUM"
}

@test "client tty: --history through a symbolic link is not used; its target is not read or written" {
	victim_file
	ln -s "$VICTIM" "$BATS_TEST_TMPDIR/hist"
	tmux_start --history "$BATS_TEST_TMPDIR/hist" 127.0.0.1 "$SERVER_PORT"
	history_refused "$BATS_TEST_TMPDIR/hist" "is a symbolic link"
	[ -L "$BATS_TEST_TMPDIR/hist" ] || fail "the link was replaced"
}

@test "client tty: ~/.okclient_history as a symbolic link is not used either" {
	victim_file
	mkdir -p "$BATS_TEST_TMPDIR/home"
	ln -s "$VICTIM" "$BATS_TEST_TMPDIR/home/.okclient_history"
	tmux_start 127.0.0.1 "$SERVER_PORT"
	history_refused "$BATS_TEST_TMPDIR/home/.okclient_history" "is a symbolic link"
}

@test "client tty: --history naming another user's file is not used" {
	victim_file
	tmux_start --history "$VICTIM" 127.0.0.1 "$SERVER_PORT"
	history_refused "$VICTIM" "belongs to another user (uid $(stat -c %u "$VICTIM"))"
}
