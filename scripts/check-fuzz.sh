#!/bin/sh
# check-fuzz.sh - runs each libFuzzer target for FUZZ_SECONDS, reports executions, fails on a crash.
# Usage: FUZZ_SECONDS=N check-fuzz.sh fuzz_NAME...   (binaries in build/fuzz/, seeds in
# tests/fuzz/corpus/NAME/). New inputs go to build/fuzz/corpus/NAME/, so the committed seeds
# change only by hand; a crashing input is kept as build/fuzz/artifacts/NAME-crash-*.
set -u
cd "$(dirname "$0")/.." || exit 2
seconds=${FUZZ_SECONDS:-60}
failed=0
for target in "$@"; do
	name=${target#fuzz_}
	work=build/fuzz/corpus/$name
	seeds=tests/fuzz/corpus/$name
	log=build/fuzz/$target.log
	mkdir -p "$work" "$seeds" build/fuzz/artifacts
	echo "fuzz: $target for ${seconds}s (seeds: $seeds)"
	"build/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="build/fuzz/artifacts/$name-" \
		"$work" "$seeds" >"$log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	if [ "$status" -ne 0 ]; then
		failed=$((failed + 1))
		tail -n 60 "$log"
		echo "fuzz: $target FAILED (exit $status) after ${execs:-?} executions; log: $log"
	else
		echo "fuzz: $target ok: ${execs:-?} executions, ${rate:-?} exec/s, coverage ${cov:-?} edges"
	fi
done
echo "fuzz: $(($# - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
