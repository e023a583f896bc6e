#!/usr/bin/env bash
# bench.sh - make bench: okserver beside redis-server (okclient beside nc), A B A B, medians.
#
# Ratios, never absolute times: the machine is shared and noisy, so each case runs against both
# servers in turn, in the same run, with the same generator (okbench), and the table compares
# medians. okbench itself is timed beside redis-benchmark against redis-server, and its -R rate
# beside the rate asked for. Everything talks to 127.0.0.1 only; every process is stopped by pid.
#
# Environment (defaults are issue 6's settings):
#   OKSERVER OKCLIENT OKBENCH   programs under test (default: bin/ of this tree)
#   OKSERVER_POLL               okserver's poll build, timed beside OKSERVER when it exists
#                               (default: build/poll/bin/okserver, which make bench builds)
#   BENCH_SECONDS=5 BENCH_WARMUP=1 BENCH_PAIRS=3     each timed case: seconds, warm-up, A B pairs
#   BENCH_IDLE_CONNS=10000      connections held for RSS per connection
#   BENCH_CG_LINES=1000000      lines sent under callgrind (C=10, P=64)
#   BENCH_PIPE_LINES=10000000   lines through `seq N | okclient -r | wc -l`
#   BENCH_RESULTS=tests/bench/RESULTS.md   where the table goes ("-" for nowhere)
#   BENCH_CASES="bench_tls_cpu ..."        only these cases (a partial run: the table shows
#                               their rows, on standard output only unless BENCH_RESULTS is set)
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD

OKSERVER=${OKSERVER:-$ROOT/bin/okserver}
OKCLIENT=${OKCLIENT:-$ROOT/bin/okclient}
OKBENCH=${OKBENCH:-$ROOT/bin/okbench}
OKSERVER_POLL=${OKSERVER_POLL:-$ROOT/build/poll/bin/okserver}
SECS=${BENCH_SECONDS:-5}
WARM=${BENCH_WARMUP:-1}
PAIRS=${BENCH_PAIRS:-3}
IDLE_CONNS=${BENCH_IDLE_CONNS:-10000}
CG_LINES=${BENCH_CG_LINES:-1000000}
PIPE_LINES=${BENCH_PIPE_LINES:-10000000}
RESULTS=${BENCH_RESULTS:-tests/bench/RESULTS.md}
ALL_CASES=(bench_throughput bench_generator bench_rate bench_rss bench_instructions bench_syscalls
	bench_client bench_tls_cpu bench_tls_rss bench_tls_handshakes)
read -ra CASES <<<"${BENCH_CASES:-${ALL_CASES[*]}}"
# A partial run does not overwrite the full table unless asked to.
[ -z "${BENCH_CASES:-}" ] || RESULTS=${BENCH_RESULTS:--}
CLK_TCK=$(getconf CLK_TCK)
HOST=127.0.0.1
# Room for the largest case (ping-pong C=1000 or the idle connections) in both servers.
MAX_CLIENTS=$(((IDLE_CONNS > 1000 ? IDLE_CONNS : 1000) + 100))

# shellcheck source=tests/bench/lib.sh
. "$ROOT/tests/bench/lib.sh"
# shellcheck source=tests/bench/cases.sh
. "$ROOT/tests/bench/cases.sh"
# shellcheck source=tests/bench/report.sh
. "$ROOT/tests/bench/report.sh"

main() {
	check_setup || exit 1
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/okbench.XXXXXX") || exit 1
	trap cleanup EXIT
	trap 'echo "bench: interrupted" >&2; exit 130' INT TERM
	SAMPLES=$WORK/samples
	: >"$SAMPLES"
	log "okserver: $OKSERVER"
	log "okclient: $OKCLIENT"
	log "okbench:  $OKBENCH"
	if [ -x "$OKSERVER_POLL" ]; then
		TIMED_SERVERS=(ok poll redis)
		log "okserver (poll): $OKSERVER_POLL"
	fi
	log "redis:    $(redis-server --version | head -1)"
	log "settings: ${SECS}s per run after ${WARM}s warm-up, $PAIRS pairs; $IDLE_CONNS idle" \
		"connections; $CG_LINES lines under callgrind; $PIPE_LINES lines through the client"
	local case failed=0
	for case in "${CASES[@]}"; do
		case " ${ALL_CASES[*]} " in
		*" $case "*) "$case" || { log "$case could not run"; failed=1; } ;;
		*) log "no such case: $case (the cases: ${ALL_CASES[*]})"; failed=1 ;;
		esac
	done
	write_results
	# Missed targets are findings, not failures; a case that could not run is one.
	return "$failed"
}

main "$@"
