#!/usr/bin/env bash
# run.sh - runs the unit tests and the bats suites, shows every result, ends with one summary line.
# Usage: tests/run.sh [FILE.bats | build/tests/unit/test_X ...]   (default: all of them)
set -u
cd "$(dirname "$0")/.." || exit 2

passed=0
failed=0
skipped=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Counts TAP results in $out; a run that failed without a "not ok" line counts as one failure.
tally() {
	local status=$1 ok bad skip
	ok=$(grep -c '^ok ' "$out")
	skip=$(grep -c -i '^ok .* # skip' "$out")
	bad=$(grep -c '^not ok ' "$out")
	if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
	fi
	passed=$((passed + ok - skip))
	skipped=$((skipped + skip))
	failed=$((failed + bad))
}

units=()
suites=()
if [ "$#" -eq 0 ]; then
	for t in build/tests/unit/test_*; do
		case "$t" in *.o|*.d) continue ;; esac
		[ -x "$t" ] && units+=("$t")
	done
	for f in tests/*.bats; do
		[ -f "$f" ] && suites+=("$f")
	done
else
	for a in "$@"; do
		case "$a" in *.bats) suites+=("$a") ;; *) units+=("$a") ;; esac
	done
fi

for t in "${units[@]}"; do
	echo "# unit tests: $t"
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1 | tee "$out"
	tally "${PIPESTATUS[0]}"
done

if [ "${#suites[@]}" -gt 0 ]; then
	echo "# bats: ${suites[*]}"
	bats --tap "${suites[@]}" 2>&1 | tee "$out"
	tally "${PIPESTATUS[0]}"
fi

echo "okchat: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
