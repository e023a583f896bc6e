#!/usr/bin/env bash
# run.sh - make soak: one okserver, the soak program's connections against it, then its
# descriptors and memory back at their baseline, and a fresh client still served. The server
# listens on 127.0.0.1, ::1 and a Unix socket; each connection picks one of them at random.
# Environment: SOAK_SECONDS (60), SOAK_CONNS (1000), SOAK_SEED, SOAK_MAX_LINE (the server's
# default), SOAK_WARMUP (3 s), SOAK_RSS_SLACK_KB (see below; "none" skips the memory check),
# OKSERVER, SOAK.
set -u
cd "$(dirname "$0")/../.." || exit 2
OKSERVER=${OKSERVER:-$PWD/bin/okserver}
SOAK=${SOAK:-$PWD/build/soak/soak}
seconds=${SOAK_SECONDS:-60}
conns=${SOAK_CONNS:-1000}
grace=60
warmup=${SOAK_WARMUP:-3}
# The memory baseline is taken after a short warm-up soak: glibc's malloc keeps the heap it
# grew at the first peak for reuse (about 2 MiB over the idle server here, the same after one
# round or five), so only growth beyond that is the server's. After the run it may hold 4 MiB
# more than that baseline (the high-water mark still moves with the run's peaks: up to 1.3 MiB
# seen); 1000 connections each keeping a 64 KiB line would take 64 MiB, and 220 bytes kept per
# connection in a 60 s run (19,000 connections) would show. Smaller leaks are the sanitized
# run's to find: LeakSanitizer reports them when the server exits.
slack_kb=${SOAK_RSS_SLACK_KB:-4096}

for f in "$OKSERVER" "$SOAK"; do
	[ -x "$f" ] || { echo "soak: $f is not built: run 'make all build/soak/soak'" >&2; exit 2; }
done
# Each connection is a descriptor on both sides, and the soak program holds them all.
want_fds=$((conns * 2 + 256))
if [ "$(ulimit -n)" -lt "$want_fds" ]; then
	ulimit -n "$want_fds" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
if [ "$(ulimit -n)" -lt $((conns + 64)) ]; then
	echo "soak: open-file limit $(ulimit -n) is too low for $conns connections" >&2
	exit 2
fi

mkdir -p build/soak
dir=$(mktemp -d build/soak/run.XXXXXX)
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

fds() { find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
status_kb() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$server_pid/status"; }
fail() { echo "soak: FAIL: $*" >&2; cat "$dir/err" >&2; exit 1; }
# Connections the server is closing linger a moment (it waits to flush, then for the peer's
# FIN): wait, at most 20 s, until it holds no more than $1 descriptors.
wait_fds_at_most() {
	for _ in $(seq 200); do
		[ "$(fds)" -le "$1" ] && return 0
		sleep 0.1
	done
}

sock=$dir/ok.sock # relative: a deep checkout's absolute path could outgrow sun_path
args=(-p 0 -b 127.0.0.1 -b ::1 -U "$sock" --max-clients $((conns + 100)))
[ -n "${SOAK_MAX_LINE:-}" ] && args+=(--max-line "$SOAK_MAX_LINE")
"$OKSERVER" "${args[@]}" </dev/null >"$dir/out" 2>"$dir/err" &
server_pid=$!
for _ in $(seq 100); do
	[ "$(grep -c '^listening on ' "$dir/out")" -eq 3 ] && break
	sleep 0.1
done
port=$(sed -n '1s/^listening on 127\.0\.0\.1://p' "$dir/out")
[ -n "$port" ] || fail "okserver printed no ready line"

fds_cold=$(fds)
rss_cold=$(status_kb VmRSS)
if [ "$warmup" -gt 0 ]; then
	echo "soak: warm-up, $warmup s"
	timeout $((warmup + grace + 30)) "$SOAK" -p "$port" -6 -U "$sock" -c "$conns" -t "$warmup" -g "$grace" \
		-m "${SOAK_MAX_LINE:-65536}" >"$dir/warmup" || { cat "$dir/warmup"; fail "the warm-up failed"; }
	wait_fds_at_most "$fds_cold"
fi
fds_before=$(fds)
rss_before=$(status_kb VmRSS)
echo "soak: server before: $fds_before descriptors ($fds_cold when started), RSS $rss_before kB ($rss_cold kB when started)"
soak_args=(-p "$port" -6 -U "$sock" -c "$conns" -t "$seconds" -g "$grace" -m "${SOAK_MAX_LINE:-65536}")
[ -n "${SOAK_SEED:-}" ] && soak_args+=(-s "$SOAK_SEED")
timeout $((seconds + grace + 30)) "$SOAK" "${soak_args[@]}"
soak_status=$?
kill -0 "$server_pid" 2>/dev/null || fail "okserver died during the soak"

wait_fds_at_most "$fds_before"
fds_after=$(fds)
rss_after=$(status_kb VmRSS)
rss_peak=$(status_kb VmHWM)
echo "soak: server descriptors: $fds_before before, $fds_after after"
[ "$fds_before" -eq "$fds_cold" ] || fail "descriptors after the warm-up did not return to $fds_cold"
echo "soak: server RSS: $rss_before kB before, $rss_peak kB peak, $rss_after kB after (bound: before + $slack_kb kB)"
[ "$soak_status" -eq 0 ] || fail "the soak program reported failures (exit $soak_status)"
[ "$fds_after" -eq "$fds_before" ] || fail "descriptors did not return to their baseline"
if [ "$slack_kb" != none ] && [ "$rss_after" -gt $((rss_before + slack_kb)) ]; then
	fail "RSS did not return to its baseline"
fi

# A new client after all that: a line, then Q.
exec 3<>"/dev/tcp/127.0.0.1/$port" || fail "a fresh client could not connect"
printf 'still there?\nQuit\n' >&3
reply=$(timeout 5 cat <&3)
exec 3<&-
[ "$reply" = $'OK\nQuit' ] || fail "a fresh client got '$reply', not OK and the Q echo"
echo "soak: a fresh client afterwards: OK"

kill -TERM "$server_pid"
for _ in $(seq 100); do
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.1
done
wait "$server_pid"
server_status=$?
server_pid=
[ "$server_status" -eq 0 ] || fail "okserver exited $server_status after SIGTERM"
echo "soak: PASS"
