# report.sh - turns bench.sh's samples into the table of medians, ratios and targets (RESULTS.md).
# Sourced by bench.sh.
# shellcheck shell=bash

# title|metric|case|key|ours|theirs|check|target — check: min (ratio at least target), max
# (ratio at most target), near (ratio within target of 1), abs (our value at most target),
# below (our value under target), -.
TABLE_ROWS=(
	"ping-pong C=1|replies/s|pp1|replies_per_s|ok|redis|-|"
	"ping-pong C=1|p99 µs|pp1|p99_us|ok|redis|-|"
	"ping-pong C=50|replies/s|pp50|replies_per_s|ok|redis|min|1.15"
	"ping-pong C=50|p99 µs|pp50|p99_us|ok|redis|max|1.00"
	"ping-pong C=50, Unix socket|replies/s|pp50u|replies_per_s|ok|redis|-|"
	"ping-pong C=50, Unix socket|p99 µs|pp50u|p99_us|ok|redis|-|"
	"pipelined C=50 P=32|replies/s|pipe50|replies_per_s|ok|redis|min|3"
	"pipelined C=50 P=32|p99 µs|pipe50|p99_us|ok|redis|-|"
	"ping-pong C=1000|replies/s|pp1000|replies_per_s|ok|redis|min|1.4"
	"ping-pong C=1000|p99 µs|pp1000|p99_us|ok|redis|max|1.00"
	"ping-pong C=50|replies/s, poll build|pp50|replies_per_s|poll|ok|-|"
	"ping-pong C=50|p99 µs, poll build|pp50|p99_us|poll|ok|-|"
	"pipelined C=50 P=32|replies/s, poll build|pipe50|replies_per_s|poll|ok|-|"
	"pipelined C=50 P=32|p99 µs, poll build|pipe50|p99_us|poll|ok|-|"
	"ping-pong C=1000|replies/s, poll build|pp1000|replies_per_s|poll|ok|-|"
	"ping-pong C=1000|p99 µs, poll build|pp1000|p99_us|poll|ok|-|"
	"ping-pong C=1000|replies/s, poll build|pp1000|replies_per_s|poll|redis|-|"
	"ping-pong C=50, redis-server|generator replies/s|gen_pp50|replies_per_s|okbench|rb|min|1.00"
	"pipelined C=50 P=32, redis-server|generator replies/s|gen_pipe50|replies_per_s|okbench|rb|min|1.00"
	"-R $BENCH_RATE C=50, okserver|achieved lines/s|rate|replies_per_s|okbench|schedule|near|0.02"
	"-R $BENCH_RATE C=50, okserver|p99.9 µs|rate|p999_us|okbench|-|-|"
	"all timed runs|lost replies, in all|lost|total|ok|redis|abs|0"
	"all timed runs|lost replies, in all, poll build|lost|total|poll|redis|abs|0"
	"all timed runs|runs that gave no result|failed|total|ok|redis|abs|0"
	"$IDLE_CONNS idle connections|server RSS bytes per connection|rss|bytes_per_conn|ok|redis|abs|256"
	"$CG_LINES lines, C=10 P=64|server instructions per line|instr|per_line|ok|redis|abs|60"
	"batch of 64 lines, C=10|server reads per batch|syscalls|reads|ok|redis|abs|1"
	"batch of 64 lines, C=10|server writes per batch|syscalls|writes|ok|redis|abs|1"
	"seq $PIPE_LINES \\| client \\| wc -l|seconds|client|seconds|okclient|nc|max|1.00"
	"seq $PIPE_LINES \\| client \\| wc -l|peak RSS kB|client|rss_kb|okclient|nc|below|8192"
	"TLS pipelined C=50 P=32|server CPU ns per reply|tls_pipe50|cpu_ns|tlsok|tlsredis|max|0.6"
	"TLS ping-pong C=50|server CPU ns per reply|tls_pp50|cpu_ns|tlsok|tlsredis|max|1.0"
	"TLS pipelined C=50 P=32|server CPU per reply, TLS over plain|tls_pipe50|cpu_ns|tlsok|ok|max|1.5"
	"TLS pipelined C=50 P=32|redis's CPU per reply, TLS over plain|tls_pipe50|cpu_ns|tlsredis|redis|-|"
	"TLS ping-pong C=50|server CPU per reply, TLS over plain|tls_pp50|cpu_ns|tlsok|ok|-|"
	"TLS pipelined C=50 P=32|replies/s|tls_pipe50|replies_per_s|tlsok|tlsredis|-|"
	"TLS ping-pong C=50|replies/s|tls_pp50|replies_per_s|tlsok|tlsredis|-|"
	"$IDLE_CONNS idle TLS connections|server RSS bytes per connection|tls_rss|bytes_per_conn|tlsok|tlsredis|abs|16384"
	"TLS full handshakes|per second per core (server CPU)|hs_new|per_core_s|tlsok|tlsredis|min|1.00"
	"TLS 1.3 resumed handshakes (tickets)|per second per core (server CPU)|hs_resume|per_core_s|tlsok|tlsredis|min|1.00"
	"TLS 1.3 resumed handshakes (tickets)|% of them resumed|hs_resume|resumed_pct|tlsok|tlsredis|-|"
)

declare -A NAMES=([ok]=okserver [poll]="okserver (poll)" [redis]=redis-server [okclient]=okclient
	[tlsok]="okserver (TLS)" [tlsredis]="redis-server (TLS)"
	[nc]="nc -N" [okbench]=okbench [rb]="redis-benchmark -t ping_inline" [schedule]="-R asked"
	[-]="—")

# verdict CHECK TARGET OURS RATIO: met, missed, or — when there is no target or no data.
verdict() {
	awk -v c="$1" -v t="$2" -v v="$3" -v r="$4" 'BEGIN {
		if (c == "-") { print "—"; exit }
		x = (c == "min" || c == "max" || c == "near") ? r : v
		if (x == "n/a") { print "no data"; exit }
		ok = (c == "min") ? x >= t : (c == "below") ? x < t : (c == "near") ? (x - 1 <= t && 1 - x <= t) : x <= t
		print ok ? "met" : "**missed**" }'
}

target_text() {
	case $1 in
	min) echo "≥ $2×" ;;
	max) echo "≤ $2×" ;;
	near) echo "1 ± $2" ;;
	abs) echo "≤ $2" ;;
	below) echo "< $2" ;;
	*) echo "—" ;;
	esac
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}

# has_samples CASE: the case recorded something in this run.
has_samples() {
	awk -F '\t' -v c="$1" '$1 == c { found = 1; exit } END { exit !found }' "$SAMPLES"
}

# The table; in a partial run (BENCH_CASES), only the rows of the cases that ran. A side that
# was not run says why (NOT_RUN, cases.sh: an okserver without TLS) in place of a verdict.
summary_table() {
	local row title metric c key ours theirs check target a b result
	echo "| case | metric | okchat | value | compared with | value | okchat / other | target | result |"
	echo "|---|---|---|--:|---|--:|--:|---|---|"
	for row in "${TABLE_ROWS[@]}"; do
		IFS='|' read -r title metric c key ours theirs check target <<<"${row//\\|/¦}"
		[ -z "${BENCH_CASES:-}" ] || has_samples "$c" || continue
		a=$(median "$c" "$ours" "$key")
		b=$(median "$c" "$theirs" "$key")
		result=$(verdict "$check" "$target" "$a" "$(ratio "$a" "$b")")
		[ "$a" != n/a ] || [ -z "${NOT_RUN[$ours]:-}" ] || result=${NOT_RUN[$ours]}
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${title//¦/\\|}" "$metric" \
			"${NAMES[$ours]}" "$a" "${NAMES[$theirs]}" "$b" "$(ratio "$a" "$b")" "$(target_text "$check" "$target")" \
			"$result"
	done
}

# Every timed run, in the order it ran: the medians' raw material.
runs_table() {
	echo "| case | server | replies/s | p50 µs | p99 µs | p99.9 µs | lost |"
	echo "|---|---|--:|--:|--:|--:|--:|"
	awk -F '\t' '$1 ~ /^(pp|pipe)/ && $3 != "failed" {
		if ($3 == "replies_per_s") { if (row != "") print row " |"; row = "| " $1 " | " $2 }
		row = row " | " $4 }
		END { if (row != "") print row " |" }' "$SAMPLES"
}

machine_text() {
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) cores ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1))," \
		"$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
		"Linux $(uname -r) $(uname -m)"
	echo "- okserver: $OKSERVER; okclient: $OKCLIENT; okbench: $OKBENCH"
	local srv cli
	srv=$(git log -1 --format=%h -- server 2>/dev/null)
	cli=$(git log -1 --format=%h -- client 2>/dev/null)
	echo "- tree: $(git log -1 --format='%h %s' 2>/dev/null); server/ at ${srv:-none}," \
		"client/ at ${cli:-none}"
	echo "- redis-server: $(redis-server --version | sed 's/^Redis server //')"
	echo "- settings: BENCH_SECONDS=$SECS BENCH_WARMUP=$WARM BENCH_PAIRS=$PAIRS" \
		"BENCH_IDLE_CONNS=$IDLE_CONNS BENCH_CG_LINES=$CG_LINES BENCH_PIPE_LINES=$PIPE_LINES"
	if [ "$SECS" -lt 5 ] || [ "$WARM" -lt 1 ] || [ "$PAIRS" -lt 3 ] || [ "$IDLE_CONNS" -lt 10000 ] ||
		[ "$CG_LINES" -lt 1000000 ] || [ "$PIPE_LINES" -lt 10000000 ]; then
		echo "- **short settings: a quick check, not the full run of issue 6**"
	fi
}

commands_text() {
	cat <<EOF
    make bench                      # builds all (okbench with it), then tests/bench/bench.sh
    okbench -c 1|50|1000 -P 1 -d $SECS --warmup $WARM 127.0.0.1 PORT   # ping-pong, each server in turn
    okbench -c 50 -P 32 -d $SECS --warmup $WARM 127.0.0.1 PORT         # pipelined
    okbench -c 50 -P 1|32 -d $SECS --warmup $WARM 127.0.0.1 REDIS_PORT # then, as many requests:
    redis-benchmark -t ping_inline -c 50 -P 1|32 -n REPLIES --csv -q -p REDIS_PORT
    okbench -c 50 -R $BENCH_RATE -d $SECS --warmup $WARM 127.0.0.1 PORT  # the rate achieved
    okbench --idle -c $IDLE_CONNS 127.0.0.1 PORT    # holds; VmRSS of the server before and after
    valgrind --tool=callgrind SERVER; callgrind_control -z PID
    okbench -c 10 -P 64 -n $CG_LINES --warmup 0 127.0.0.1 PORT; callgrind_control -d PID   # Ir / lines
    strace -f -c -p PID & okbench -c 10 -P 64 -n 640000 --warmup 0 127.0.0.1 PORT  # calls / 10000
    seq $PIPE_LINES | /usr/bin/time -f %M okclient -r 127.0.0.1 PORT | wc -l   # wall time of the pipe
    seq $PIPE_LINES | /usr/bin/time -f %M nc -N 127.0.0.1 PORT | wc -l
    tests/tls-certs.sh DIR          # TLS: a CA, a server certificate (chain) for 127.0.0.1
    okbench --tls-ca ca.pem -c 50 -P 32|1 -d $SECS --warmup 0 127.0.0.1 PORT  # /proc/PID/stat
                                    # utime+stime of the server before and after, / replies
    okbench --tls-ca ca.pem --idle -c $IDLE_CONNS 127.0.0.1 PORT  # VmRSS before and after
    tests/bench/handshakes.py 127.0.0.1 PORT ca.pem new|resume $SECS  # / the server's CPU s
    okserver -p 0 --max-clients $MAX_CLIENTS [--tls-cert server.pem --tls-key server.key]
    redis-server: port P, bind 127.0.0.1, protected-mode yes, save "", appendonly no,
                  daemonize no, maxclients $MAX_CLIENTS
                  TLS: port 0, tls-port P, tls-cert-file server.pem, tls-key-file server.key,
                  tls-ca-cert-file ca.pem, tls-auth-clients no
EOF
}

# The whole RESULTS.md.
results_text() {
	local s
	echo "# okchat benchmark: okserver beside redis-server"
	echo
	echo "Written by \`make bench\` (tests/bench/bench.sh). Medians of A B A B runs; the ratio is"
	echo "okchat's median over the other's. The generator is okbench, itself timed beside"
	echo "redis-benchmark against redis-server. Latency is per line, from the write of its batch to"
	echo "the read that brought its reply. The machine is shared: read the ratios, not the times."
	echo
	machine_text
	echo
	summary_table
	echo
	echo "## Every timed run"
	echo
	runs_table
	if [ -s "$WORK/cg.top" ]; then
		printf '\n## okserver under callgrind: where the instructions go\n\n'
		sed 's/^/    /' "$WORK/cg.top"
	fi
	for s in ok redis; do
		[ -s "$WORK/strace.$s.txt" ] || continue
		printf '\n## strace -c of %s over 10000 batches of 64 lines\n\n' "${NAMES[$s]}"
		sed 's/^/    /' "$WORK/strace.$s.txt"
	done
	printf '\n## Commands\n\n'
	commands_text
}

write_results() {
	local text
	text=$(results_text)
	echo
	summary_table
	echo
	if [ "$RESULTS" != - ]; then
		printf '%s\n' "$text" >"$RESULTS"
		log "wrote $RESULTS"
	fi
}
