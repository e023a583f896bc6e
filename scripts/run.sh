#!/bin/sh
# run.sh - make run: starts okserver on a free port, opens okclient on it, stops the server after.
# The client's exit status is passed through; the server is stopped by pid however the client ends.
set -u
cd "$(dirname "$0")/.." || exit 1

for prog in bin/okserver bin/okclient; do
	if [ ! -x "$prog" ]; then
		echo "run: $prog is not built: run 'make'" >&2
		exit 1
	fi
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/okchat-run.XXXXXX") || exit 1
server_pid=
# shellcheck disable=SC2317 # reached through the EXIT trap
stop_server() {
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
		server_pid=
	fi
	rm -rf "$dir"
}
trap stop_server EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# The server's log goes to a file: the terminal belongs to the client.
bin/okserver -p 0 </dev/null >"$dir/ready" 2>"$dir/log" &
server_pid=$!
tries=0
until grep -q '^listening on ' "$dir/ready"; do
	if ! kill -0 "$server_pid" 2>/dev/null || [ "$tries" -ge 250 ]; then
		echo "run: okserver did not start:" >&2
		cat "$dir/log" >&2
		exit 1
	fi
	tries=$((tries + 1))
	sleep 0.02
done
port=$(sed -n 's/^listening on [0-9.]*:\([0-9][0-9]*\)$/\1/p' "$dir/ready")

echo "run: okserver listens on 127.0.0.1:$port; type lines, Q or Ctrl-D to end" >&2
bin/okclient 127.0.0.1 "$port"
exit $?
