# cases.sh - the cases of make bench; each records samples "case server metric value".
# shellcheck shell=bash
# Sourced by bench.sh. Server names: ok (okserver), poll (its poll build), redis (redis-server);
# client: okclient, nc; generator: okbench, rb (redis-benchmark).

SERVERS=(ok redis)
# The timed cases also run the poll build when there is one (bench.sh adds it).
TIMED_SERVERS=(ok redis)

# name|okbench options|title|via — the timed cases, in the order of the table; via "unix": over
# each server's Unix socket instead of 127.0.0.1.
THROUGHPUT_CASES=(
	"pp1|-c 1 -P 1|ping-pong C=1"
	"pp50|-c 50 -P 1|ping-pong C=50"
	"pp50u|-c 50 -P 1|ping-pong C=50, Unix socket|unix"
	"pipe50|-c 50 -P 32|pipelined C=50 P=32"
	"pp1000|-c 1000 -P 1|ping-pong C=1000"
)

# The servers run side by side; each case alternates between them, A B A B (A B C A B C).
bench_throughput() {
	local -A port sock pid
	local s c name opts via pair target
	for s in "${TIMED_SERVERS[@]}"; do
		start_server "$s" || return 1
		port[$s]=$SRV_PORT
		sock[$s]=$SRV_SOCK
		pid[$s]=$SRV_PID
	done
	for c in "${THROUGHPUT_CASES[@]}"; do
		IFS='|' read -r name opts _ via <<<"$c"
		for pair in $(seq "$PAIRS"); do
			for s in "${TIMED_SERVERS[@]}"; do
				target=${port[$s]}
				[ "$via" != unix ] || target=unix:${sock[$s]}
				# shellcheck disable=SC2086,SC2153 # options split on purpose; SECS is bench.sh's
				run_load "$target" $((WARM + SECS + 90)) $opts -d "$SECS" --warmup "$WARM"
				log "$name $s #$pair: ${LOAD_LINE:-no result}"
				record_load "$name" "$s"
			done
		done
	done
	for s in "${TIMED_SERVERS[@]}"; do
		stop_pid "${pid[$s]}"
		record lost "$s" total "$(sum_samples "$s" lost)"
		record failed "$s" total "$(sum_samples "$s" failed)"
	done
}

# The generator itself: okbench beside redis-benchmark (-t ping_inline), against the same
# redis-server, with the same connections and depth, in turn (A B A B). redis-benchmark is
# given as many requests as okbench answered in its run, so both run about as long.
# name|connections|depth|title
GENERATOR_CASES=(
	"gen_pp50|50|1|ping-pong C=50"
	"gen_pipe50|50|32|pipelined C=50 P=32"
)
# -R's case: this many lines per second in all, on okbench's fixed schedule.
BENCH_RATE=20000

bench_generator() {
	local c name conns depth pair lines
	start_server redis || return 1
	for c in "${GENERATOR_CASES[@]}"; do
		IFS='|' read -r name conns depth _ <<<"$c"
		for pair in $(seq "$PAIRS"); do
			run_load "$SRV_PORT" $((WARM + SECS + 90)) -c "$conns" -P "$depth" -d "$SECS" \
				--warmup "$WARM"
			record "$name" okbench replies_per_s "$(field replies_per_s)"
			lines=$(field replies)
			[ "${lines:-0}" -ge 100000 ] || lines=100000
			run_redis_benchmark "$conns" "$depth" "$lines"
			record "$name" rb replies_per_s "${RB_RPS:-n/a}"
			log "$name #$pair: okbench $(field replies_per_s)/s, redis-benchmark ${RB_RPS:-n/a}/s"
		done
	done
	stop_pid "$SRV_PID"
}

# run_redis_benchmark CONNS DEPTH REQUESTS: redis-benchmark -t ping_inline against the server
# started last; its requests per second in RB_RPS (empty when it gave none). In the background
# and waited for, as run_load.
run_redis_benchmark() {
	local pid out=$WORK/rb.out
	: >"$out"
	timeout -k 5 $((SECS * 20 + 120)) redis-benchmark -h "$HOST" -p "$SRV_PORT" -t ping_inline \
		-c "$1" -P "$2" -n "$3" --csv -q </dev/null >"$out" 2>>"$WORK/rb.err" &
	pid=$!
	PIDS+=("$pid")
	wait "$pid" || log "redis-benchmark -c $1 -P $2 -n $3 failed: $(tail -1 "$WORK/rb.err")"
	forget_pid "$pid"
	# Its CSV: "test","rps",... then "PING_INLINE","90689.23",...
	RB_RPS=$(awk -F '","' '/^"PING_INLINE"/ { print $2 }' "$out")
}

# okbench -R: the rate it achieves against okserver, beside the rate asked for.
bench_rate() {
	local pair
	start_server ok || return 1
	for pair in $(seq "$PAIRS"); do
		run_load "$SRV_PORT" $((WARM + SECS + 90)) -c 50 -R "$BENCH_RATE" -d "$SECS" \
			--warmup "$WARM"
		log "rate $BENCH_RATE #$pair: ${LOAD_LINE:-no result}"
		record rate okbench replies_per_s "$(field replies_per_s)"
		record rate okbench p999_us "$(field latency_us_p99.9)"
		record rate schedule replies_per_s "$BENCH_RATE"
	done
	stop_pid "$SRV_PID"
}

# sum_samples SERVER METRIC: the sum over every case.
sum_samples() {
	awk -F '\t' -v s="$1" -v m="$2" \
		'$2 == s && $3 == m && $4 ~ /^[0-9]+$/ { n += $4 } END { print n + 0 }' "$SAMPLES"
}

# record_load CASE SERVER: the last run_load's figures, under the metric names of the table.
record_load() {
	local m f
	[ -n "$LOAD_LINE" ] || record "$1" "$2" failed 1
	for m in replies_per_s:replies_per_s p50_us:latency_us_p50 p99_us:latency_us_p99 \
		p999_us:latency_us_p99.9 lost:lost; do
		f=$(field "${m#*:}")
		record "$1" "$2" "${m%%:*}" "${f:-n/a}"
	done
}

# Server RSS per connection: a fresh server, one round trip to settle it, RSS; then
# IDLE_CONNS connections that each did one round trip are held open, RSS again.
bench_rss() {
	local pair s
	for pair in $(seq "$PAIRS"); do
		for s in "${SERVERS[@]}"; do
			start_server "$s" || return 1
			measure_rss rss "$s" "$pair"
			stop_pid "$SRV_PID"
		done
	done
}

# measure_rss CASE SERVER PAIR [OKBENCH OPTIONS...]: the server started last, settled, then
# holding IDLE_CONNS connections (TLS ones take their handshakes first: up to 5 minutes).
measure_rss() {
	local c=$1 s=$2 pair=$3 before after out=$WORK/idle.out err=$WORK/idle.err held lpid
	shift 3
	run_load "$SRV_PORT" 30 "$@" -c 1 -n 1 --warmup 0
	before=$(rss_kb "$SRV_PID")
	"$OKBENCH" "$@" --idle -c "$IDLE_CONNS" -d 600 "$HOST" "$SRV_PORT" </dev/null >"$out" \
		2>"$err" &
	lpid=$!
	PIDS+=("$lpid")
	if wait_line "$err" '^okbench: holding ' 300 "$lpid"; then
		after=$(rss_kb "$SRV_PID")
		held=$(sed -n 's/^okbench: holding \([0-9]*\) .*/\1/p' "$err")
	fi
	stop_pid "$lpid"
	if [ "${held:-0}" != "$IDLE_CONNS" ]; then
		log "$c $s #$pair: only ${held:-0} of $IDLE_CONNS connections held: $(tail -1 "$err")"
		record "$c" "$s" bytes_per_conn n/a
		return
	fi
	log "$c $s #$pair: VmRSS ${before} kB, with $IDLE_CONNS connections ${after} kB"
	record "$c" "$s" bytes_per_conn $(((after - before) * 1024 / IDLE_CONNS))
}

# Instructions per pipelined line: callgrind counts only between zeroing and dumping, around
# exactly CG_LINES lines (C=10, P=64). Counts are deterministic enough that one run each serves.
bench_instructions() {
	local s
	for s in "${SERVERS[@]}"; do
		start_server "$s" valgrind --tool=callgrind "--callgrind-out-file=$WORK/cg.$s.%p" || return 1
		count_instructions "$s"
		stop_pid "$SRV_PID"
	done
}

count_instructions() {
	local s=$1 line dump ir
	run_load "$SRV_PORT" 120 -c 10 -P 64 -n 6400 --warmup 0   # warm: lazy set-up is not per line
	callgrind_control -z "$SRV_PID" >>"$WORK/callgrind.log" 2>&1
	# Exactly CG_LINES lines reach the server between zeroing and dumping: no warm-up here.
	run_load "$SRV_PORT" 1800 -c 10 -P 64 -n "$CG_LINES" --warmup 0
	line=$LOAD_LINE
	callgrind_control -d "$SRV_PID" >>"$WORK/callgrind.log" 2>&1
	dump=$WORK/cg.$s.$SRV_PID.1   # the first dump: the one between zeroing and dumping
	ir=$(awk '/^(summary|totals):/ { print $2; exit }' "${dump:-/dev/null}")
	if [ "$(field replies)" != "$CG_LINES" ] || [ -z "$ir" ]; then
		log "callgrind $s: no count (${line:-no okbench result}; dump ${dump:-missing})"
		record instr "$s" per_line n/a
		return
	fi
	log "callgrind $s: $ir instructions for $CG_LINES lines"
	record instr "$s" per_line "$(awk -v i="$ir" -v n="$CG_LINES" 'BEGIN { printf "%.1f", i / n }')"
	# Self cost per function; the start-up frames that were on the stack when zeroed are dropped.
	[ "$s" = ok ] && callgrind_annotate --inclusive=no --threshold=100 --auto=no "$dump" |
		sed -n '/file:function/,$p' | grep -Ev '^-|below main|__libc_start_main|\?\?\?:0x' |
		head -16 >"$WORK/cg.top"
}

# System calls per batch of 64 lines, counted by strace -c on the server (C=10). Enough batches
# that the reads which see each connection's end (one per connection) do not show in 2 decimals.
bench_syscalls() {
	local s
	for s in "${SERVERS[@]}"; do
		start_server "$s" || return 1
		count_syscalls "$s"
		stop_pid "$SRV_PID"
	done
}

count_syscalls() {
	local s=$1 spid batches=10000 line
	local out=$WORK/strace.$s
	strace -f -c -o "$out" -p "$SRV_PID" 2>"$WORK/strace.err" &
	spid=$!
	PIDS+=("$spid")
	wait_line "$WORK/strace.err" 'attached' 10 "$spid"
	run_load "$SRV_PORT" 300 -c 10 -P 64 -n $((batches * 64)) --warmup 0
	line=$LOAD_LINE
	stop_pid "$spid"
	if [ "$(field replies)" != $((batches * 64)) ] || [ ! -s "$out" ]; then
		log "strace $s: no count (${line:-no okbench result})"
		return
	fi
	cp "$out" "$WORK/strace.$s.txt"
	record syscalls "$s" reads "$(sum_calls "$out" read recv recvfrom recvmsg readv $batches)"
	record syscalls "$s" writes "$(sum_calls "$out" write send sendto sendmsg writev $batches)"
	record syscalls "$s" waits "$(sum_calls "$out" epoll_wait epoll_pwait epoll_pwait2 poll ppoll $batches)"
	log "strace $s: per batch $(median syscalls "$s" reads) reads," \
		"$(median syscalls "$s" writes) writes, $(median syscalls "$s" waits) waits"
}

# sum_calls FILE NAME1..NAME5 BATCHES: calls of those system calls per batch (strace -c table).
sum_calls() {
	awk -v n="$7" -v names=" $2 $3 $4 $5 $6 " \
		'$NF != "total" && index(names, " " $NF " ") && $4 ~ /^[0-9]+$/ { c += $4 }
		 END { printf "%.2f", c / n }' "$1"
}

# The client: `seq N | okclient -r | wc -l` beside `seq N | nc -N | wc -l`, same server.
bench_client() {
	local pair
	[ -x "$OKCLIENT" ] || return 0
	start_server ok || return 1
	for pair in $(seq "$PAIRS"); do
		pipe_through okclient "$pair" "$OKCLIENT" -r "$HOST" "$SRV_PORT"
		pipe_through nc "$pair" nc -N "$HOST" "$SRV_PORT"
	done
	stop_pid "$SRV_PID"
}

pipe_through() {
	local name=$1 pair=$2 lines secs kb t0 t=$WORK/time.out
	shift 2
	rm -f "$t"
	# The whole pipe's wall time at microseconds; GNU time's own is rounded to 10 ms.
	t0=$EPOCHREALTIME
	lines=$(seq "$PIPE_LINES" | timeout -k 5 600 /usr/bin/time -f '%M' -o "$t" "$@" | wc -l)
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
	# GNU time notes a failure as "Command exited with non-zero status N" before its figures.
	if [ "$lines" != "$PIPE_LINES" ] || [ ! -s "$t" ] || grep -q '^Command' "$t"; then
		log "client $name #$pair: $lines of $PIPE_LINES replies; $(head -1 "$t" 2>/dev/null)"
		record client "$name" seconds n/a
		record client "$name" rss_kb n/a
		return
	fi
	kb=$(tail -1 "$t")
	log "client $name #$pair: ${secs} s, peak RSS ${kb} kB"
	record client "$name" seconds "$secs"
	record client "$name" rss_kb "$kb"
}

# --- TLS (issue 18): okserver --tls-cert beside redis-server --tls-port ---

# The TLS servers of this run: okserver's only when it takes --tls-cert; otherwise its rows say
# why (NOT_RUN, report.sh) and redis-server's are measured alone, which is no error.
declare -A NOT_RUN=()
tls_servers() {
	TLS_SERVERS=(tlsredis)
	if okserver_has_tls; then
		TLS_SERVERS=(tlsok tlsredis)
	elif [ -z "${NOT_RUN[tlsok]:-}" ]; then
		NOT_RUN[tlsok]="not run: this okserver has no TLS"
		log "TLS cases: not run against okserver: this okserver has no TLS (no --tls-cert in" \
			"its --help); redis-server alone"
	fi
}

# tls_options SERVER: okbench's options for it in TLS_OPTS: TLS verified with the bench's CA
# for the TLS servers, none for the others.
tls_options() {
	TLS_OPTS=()
	case $1 in
	tls*) TLS_OPTS=(--tls-ca "$CERTS/ca.pem") ;;
	esac
}

# name|okbench options|title — the settings of the plain cases of the same names.
TLS_CPU_CASES=(
	"tls_pipe50|-c 50 -P 32|pipelined C=50 P=32"
	"tls_pp50|-c 50 -P 1|ping-pong C=50"
)

# Server CPU per reply: each server's CPU time (utime + stime, /proc/PID/stat) before and after
# a run, over the replies of the run; no warm-up, so every line the server answered is counted
# (its 50 handshakes included: well under 1% of a run). The TLS servers beside plain okserver
# and redis-server (TLS's own cost), A B C D A B C D.
bench_tls_cpu() {
	local -A port pid
	local s c name opts pair servers
	tls_certs || return 1
	tls_servers
	servers=("${TLS_SERVERS[@]}" ok redis)
	for s in "${servers[@]}"; do
		start_server "$s" || return 1
		port[$s]=$SRV_PORT
		pid[$s]=$SRV_PID
	done
	for c in "${TLS_CPU_CASES[@]}"; do
		IFS='|' read -r name opts _ <<<"$c"
		for pair in $(seq "$PAIRS"); do
			for s in "${servers[@]}"; do
				tls_options "$s"
				# shellcheck disable=SC2086 # options split on purpose
				cpu_load "$name" "$s" "${pid[$s]}" "${port[$s]}" $opts "${TLS_OPTS[@]}"
			done
		done
	done
	for s in "${servers[@]}"; do
		stop_pid "${pid[$s]}"
	done
}

# cpu_load CASE SERVER PID PORT OPTIONS...: one run, SECS long, and the server's CPU over it.
cpu_load() {
	local c=$1 s=$2 spid=$3 sport=$4 before after replies
	shift 4
	before=$(cpu_ticks "$spid")
	run_load "$sport" $((SECS + 90)) "$@" -d "$SECS" --warmup 0
	after=$(cpu_ticks "$spid")
	replies=$(field replies)
	record "$c" "$s" replies_per_s "$(field replies_per_s)"
	record "$c" "$s" cpu_ns "$(per_cpu_ns $((after - before)) "${replies:-0}")"
	record "$c" "$s" lost "$(field lost)"
	log "$c $s: $(field replies_per_s) replies/s, server CPU $((after - before)) ticks for" \
		"${replies:-no} replies: $(per_cpu_ns $((after - before)) "${replies:-0}") ns each"
}

# Server RSS per idle TLS connection: bench_rss's measure with --tls (OpenSSL's buffers are
# released while idle; what a connection keeps is its session state).
bench_tls_rss() {
	local pair s
	tls_certs || return 1
	tls_servers
	for pair in $(seq "$PAIRS"); do
		for s in "${TLS_SERVERS[@]}"; do
			start_server "$s" || return 1
			tls_options "$s"
			measure_rss tls_rss "$s" "$pair" "${TLS_OPTS[@]}"
			stop_pid "$SRV_PID"
		done
	done
}

# Handshakes per second per core: connections one after another for SECS seconds, each a full
# handshake (new) or one resumed from the last connection's TLS 1.3 ticket (resume), each with
# one line and its reply (which brings the tickets); over the server's CPU time, so the number
# is the server's, whatever the client (Python's ssl module, tests/bench/handshakes.py) costs.
bench_tls_handshakes() {
	local -A port pid
	local s pair mode
	command -v python3 >/dev/null || { log "handshakes: python3 is missing"; return 1; }
	tls_certs || return 1
	tls_servers
	for s in "${TLS_SERVERS[@]}"; do
		start_server "$s" || return 1
		port[$s]=$SRV_PORT
		pid[$s]=$SRV_PID
	done
	for pair in $(seq "$PAIRS"); do
		for mode in new resume; do
			for s in "${TLS_SERVERS[@]}"; do
				count_handshakes "$s" "${pid[$s]}" "${port[$s]}" "$mode" "$pair"
			done
		done
	done
	for s in "${TLS_SERVERS[@]}"; do
		stop_pid "${pid[$s]}"
	done
}

# count_handshakes SERVER PID PORT new|resume PAIR: one handshakes.py run; records handshakes
# per server CPU second (hs_new, hs_resume) and, resuming, the share of them that resumed.
count_handshakes() {
	local s=$1 spid=$2 sport=$3 mode=$4 pair=$5 before after out=$WORK/hs.out hpid n r ticks
	: >"$out"
	before=$(cpu_ticks "$spid")
	timeout -k 5 $((SECS + 60)) python3 "$ROOT/tests/bench/handshakes.py" "$HOST" "$sport" \
		"$CERTS/ca.pem" "$mode" "$SECS" </dev/null >"$out" 2>>"$WORK/hs.err" &
	hpid=$!
	PIDS+=("$hpid")
	wait "$hpid" || log "handshakes $mode $s: failed: $(tail -1 "$WORK/hs.err")"
	forget_pid "$hpid"
	after=$(cpu_ticks "$spid")
	ticks=$((after - before))
	read -r _ n _ r _ <"$out" # "connections N resumed R protocol P"
	record "hs_$mode" "$s" per_core_s "$(awk -v n="${n:-0}" -v t="$ticks" -v hz="$CLK_TCK" \
		'BEGIN { if (n > 0 && t > 0) printf "%.0f", n / (t / hz); else print "n/a" }')"
	[ "$mode" = new ] || record hs_resume "$s" resumed_pct "$(awk -v n="${n:-0}" -v r="${r:-0}" \
		'BEGIN { if (n > 0) printf "%.1f", 100 * r / n; else print "n/a" }')"
	log "handshakes $mode $s #$pair: $(cat "$out"); server CPU $ticks ticks"
}
