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

strict_failed=()
# A skipped test's TAP line: bats writes "ok N name # skip why", cmocka 1.1 "not ok N # SKIP name".
skip_re='^(not )?ok .* # skip'

# OK_STRICT_SKIPS=1 (CI sets it): a skip means something did not run, so it counts as a failure
# and is named; locally a skip stays a skip.
strict_skips() {
	local label=$1 line
	[ "${OK_STRICT_SKIPS:-0}" = 1 ] || return 0
	while IFS= read -r line; do
		strict_failed+=("$label: $line")
	done < <(grep -i -E "$skip_re" "$out")
}

# Counts TAP results in $out; a run that failed without a "not ok" line counts as one failure.
tally() {
	local status=$1 label=$2 ok bad skip strict=${#strict_failed[@]}
	ok=$(grep '^ok ' "$out" | grep -c -v -i -E "$skip_re")
	skip=$(grep -c -i -E "$skip_re" "$out")
	bad=$(grep '^not ok ' "$out" | grep -c -v -i -E "$skip_re")
	if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
	fi
	strict_skips "$label"
	strict=$((${#strict_failed[@]} - strict)) # skips of this run that strict mode fails
	passed=$((passed + ok))
	skipped=$((skipped + skip - strict))
	failed=$((failed + bad + strict))
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
	tally "${PIPESTATUS[0]}" "$t"
done

if [ "${#suites[@]}" -gt 0 ]; then
	echo "# bats: ${suites[*]}"
	bats --tap "${suites[@]}" 2>&1 | tee "$out"
	tally "${PIPESTATUS[0]}" bats
fi

if [ "${#strict_failed[@]}" -gt 0 ]; then
	echo "# OK_STRICT_SKIPS=1: these skipped tests count as failures:"
	printf '#   %s\n' "${strict_failed[@]}"
fi

echo "okchat: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
