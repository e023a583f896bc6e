#!/usr/bin/env bash
# access.sh - make bench: how fast okserver accepts with 10,000 access rules, beside none.
#
# Self-contained (okserver and tests/tools/client_many only): each run starts
# okserver with an --access-file of RULES rules (allow and deny, IPv4 and IPv6, prefix lengths
# from /8 to /128, one of them letting 127.0.0.1 in) or with none, then has client_many open
# CONNS connections, BATCH at once, each sending "Qdone" and reading its echo; the time from
# the first connect to the last close gives connections per second. Runs alternate A B, the
# table compares medians; the machine is shared, so read the ratio. Also timed: the start, from
# exec to the ready line (the rules are read and indexed before it).
#
# Environment:
#   OKSERVER SRV_MANY              programs (default: bin/okserver, build/tests/tools/client_many)
#   BENCH_ACCESS_RULES=10000       rules in the file
#   BENCH_ACCESS_CONNS=10000       connections per run (each run has a port of its own, so
#                                  the ephemeral ports suffice), BENCH_ACCESS_BATCH=500 at once
#   BENCH_ACCESS_PAIRS=5           A B pairs
#   BENCH_RESULTS=tests/bench/RESULTS.md   its section is replaced there ("-" for nowhere)
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD

OKSERVER=${OKSERVER:-$ROOT/bin/okserver}
SRV_MANY=${SRV_MANY:-$ROOT/build/tests/tools/client_many}
RULES=${BENCH_ACCESS_RULES:-10000}
CONNS=${BENCH_ACCESS_CONNS:-10000}
BATCH=${BENCH_ACCESS_BATCH:-500}
PAIRS=${BENCH_ACCESS_PAIRS:-5}
RESULTS=${BENCH_RESULTS:-tests/bench/RESULTS.md}
SECTION="## Access rules: accepting with $RULES rules"

log() { echo "bench-access: $*" >&2; }

# now_ms: the wall clock in milliseconds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# make_rules FILE N: N distinct rules, none of which denies 127.0.0.1 and one of which (the
# last) allows it, so that with an allow list the client is looked up and let in.
make_rules() {
	awk -v n="$2" 'BEGIN {
		print "# bench: " n " rules"
		for (i = 0; i < n - 1; i++) {
			k = i % 5; j = int(i / 5)
			if (k == 0)      printf "deny 10.%d.%d.0/24\n", int(j / 256) % 256, j % 256
			else if (k == 1) printf "allow 172.%d.%d.%d\n", 16 + int(j / 65536) % 16, int(j / 256) % 256, j % 256
			else if (k == 2) printf "deny 2001:db8:%x::/48\n", j
			else if (k == 3) printf "allow 2001:db8:ffff:%x::%x/128\n", int(j / 256), j % 256 + 1
			else             printf "deny 192.%d.%d.0/%d\n", 168 + int(j / 256) % 8, j % 256, 24 + j % 7
		}
		print "allow 127.0.0.0/8"
	}' >"$1"
}

# start_server [ARGS]: okserver on a free port; sets PID, PORT and START_MS (exec to ready).
start_server() {
	local out=$WORK/ready t0 deadline
	: >"$out"
	t0=$(now_ms)
	"$OKSERVER" -p 0 --max-clients $((BATCH + 100)) "$@" </dev/null >"$out" 2>>"$WORK/server.err" &
	PID=$!
	deadline=$((SECONDS + 10))
	until grep -q '^listening on ' "$out"; do
		if [ "$SECONDS" -gt "$deadline" ] || ! kill -0 "$PID" 2>/dev/null; then
			log "okserver did not start: $(cat "$WORK/server.err")"
			return 1
		fi
		sleep 0.005
	done
	START_MS=$(($(now_ms) - t0))
	PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$out" | head -1)
}

stop_server() {
	kill -TERM "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
}

# timed_run NAME [ARGS]: one run; appends "NAME conns_per_s start_ms" to the samples.
timed_run() {
	local name=$1 t0 ms left
	shift
	start_server "$@" || return 1
	t0=$(now_ms)
	for ((left = CONNS; left > 0; left -= BATCH)); do
		"$SRV_MANY" "$PORT" $((left < BATCH ? left : BATCH)) 0 >/dev/null || {
			log "$name: client_many failed"
			stop_server
			return 1
		}
	done
	ms=$(($(now_ms) - t0))
	stop_server
	echo "$name $((CONNS * 1000 / (ms > 0 ? ms : 1))) $START_MS" >>"$WORK/samples"
	log "$name: $CONNS connections in $ms ms, started in $START_MS ms"
}

# median NAME COLUMN: the median of a column of NAME's samples.
median() {
	awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$WORK/samples" | sort -n |
		awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# section: the Markdown section of RESULTS.md.
section() {
	local rps nps rst nst
	rps=$(median rules 2)
	nps=$(median none 2)
	rst=$(median rules 3)
	nst=$(median none 3)
	cat <<END
$SECTION

Written by \`make bench\` (tests/bench/access.sh), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores.
okserver with an \`--access-file\` of $RULES rules (allow and deny, IPv4 and IPv6, /8 to /128;
the client, 127.0.0.1, is looked up and allowed) beside okserver with none: $CONNS connections a
run, $BATCH at once (tests/tools/client_many: connect, \`Qdone\`, its echo, close), medians of
$PAIRS A B pairs. The machine is shared: read the ratio.

| case | metric | $RULES rules | no rules | rules / none |
|---|---|--:|--:|--:|
| accepting, $BATCH at once | connections/s | $rps | $nps | $(ratio "$rps" "$nps") |
| start | ms from exec to the ready line | $rst | $nst | $(ratio "$rst" "$nst") |
END
}

# write_results TEXT: replaces this script's section of RESULTS (from its heading to the next
# "## " heading that is not its own, or the end), or appends it.
write_results() {
	local text=$1 tmp
	[ "$RESULTS" = - ] && return 0
	tmp=$(mktemp) || return 1
	if [ -f "$RESULTS" ]; then
		awk -v head="## Access rules: " '
			index($0, head) == 1 { skip = 1; next }
			skip && /^## / { skip = 0 }
			!skip' "$RESULTS" >"$tmp"
	fi
	# One blank line between what was there and this section.
	sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$tmp" >"$tmp.trim"
	{ cat "$tmp.trim"; [ -s "$tmp.trim" ] && echo; printf '%s\n' "$text"; } >"$RESULTS"
	rm -f "$tmp" "$tmp.trim"
	log "wrote $RESULTS"
}

main() {
	local i text
	for p in "$OKSERVER" "$SRV_MANY"; do
		[ -x "$p" ] || { log "$p is not built (make all test-build)"; exit 1; }
	done
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/okbench-access.XXXXXX") || exit 1
	trap 'rm -rf "$WORK"' EXIT
	: >"$WORK/samples"
	make_rules "$WORK/rules" "$RULES"
	log "$RULES rules, $CONNS connections a run ($BATCH at once), $PAIRS pairs"
	for ((i = 0; i < PAIRS; i++)); do
		timed_run rules --access-file "$WORK/rules" || exit 1
		timed_run none || exit 1
	done
	text=$(section)
	printf '%s\n' "$text"
	write_results "$text"
}

main
