#!/bin/sh
# check-run.sh - make check: runs each named make target in turn, times it, ends with one summary.
# Every part runs even after one fails, so one run shows everything that is wrong.
set -u
cd "$(dirname "$0")/.." || exit 2
passed=0
failed=0
summary=""
total_start=$(date +%s)
for target in "$@"; do
	start=$(date +%s)
	echo "==== check: $target"
	if ${MAKE:-make} --no-print-directory "$target"; then
		passed=$((passed + 1))
		result=passed
	else
		failed=$((failed + 1))
		result=FAILED
	fi
	took=$(($(date +%s) - start))
	summary="$summary
check: $target $result in ${took}s"
done
echo "==== check: summary$summary"
echo "check: all parts took $(($(date +%s) - total_start))s"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
