#!/usr/bin/env bash
# run.sh - runs the unit tests and the bats suites, shows every result, ends with one summary line.
# Usage: tests/run.sh [--filter-tags TAGS] [FILE.bats | build/tests/unit/test_X ...]
#   (default: all of them). --filter-tags runs only the bats tests whose tags match, in bats'
#   own syntax: "!no-valgrind" is every test but those tagged no-valgrind.
# OK_TEST_JOBS=N: how many bats files run at once (default three per CPU: their tests mostly
#   wait, on a server or a timer); 1 under valgrind, a sanitizer or an emulator, where each test
#   is slow enough alone. With more than one, the unit tests run beside the bats tests, and the
#   tests tagged serial (they measure a process, or a timing a busy neighbour would upset) run
#   afterwards, one at a time.
set -u
cd "$(dirname "$0")/.." || exit 2

passed=0
failed=0
skipped=0
out=$(mktemp)
unit_dir=$(mktemp -d)
trap 'rm -rf "$out" "$unit_dir"' EXIT

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

tags=""
if [ "${1:-}" = --filter-tags ] && [ "$#" -ge 2 ]; then
	tags=$2
	shift 2
fi

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

jobs=${OK_TEST_JOBS:-$((3 * $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)))}
if [ -n "${OK_UNDER_VALGRIND:-}${OK_UNDER_SANITIZER:-}${OK_UNDER_EMULATOR:-}" ]; then
	jobs=${OK_TEST_JOBS:-1}
fi
if [ "${#suites[@]}" -eq 0 ]; then
	jobs=1 # nothing to run beside the unit tests
elif [ "$jobs" -gt 1 ] && ! command -v parallel >/dev/null; then
	echo "# GNU parallel is not installed (make deps): the bats tests run one at a time"
	jobs=1
fi

# run_units: each unit test in turn, its TAP in $unit_dir/N.out and its exit status in N.status.
run_units() {
	local i=0 t
	for t in "${units[@]}"; do
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$unit_dir/$i.out" 2>&1
		echo "$?" >"$unit_dir/$i.status"
		i=$((i + 1))
	done
}

# show_units: what run_units left, shown and counted.
show_units() {
	local i=0 t
	for t in "${units[@]}"; do
		echo "# unit tests: $t"
		cp "$unit_dir/$i.out" "$out"
		cat "$out"
		tally "$(cat "$unit_dir/$i.status")" "$t"
		i=$((i + 1))
	done
}

# run_bats TAGS [BATS OPTIONS...] -- FILES...: the tests of FILES whose tags match TAGS (all if
# TAGS is empty).
run_bats() {
	local match=$1 opts=()
	shift
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	[ "$#" -gt 0 ] || return 0
	local start=$SECONDS
	echo "# bats${match:+ --filter-tags $match}${opts[*]:+ ${opts[*]}}: $*"
	bats --tap ${match:+--filter-tags "$match"} "${opts[@]}" "$@" 2>&1 | tee "$out"
	tally "${PIPESTATUS[0]}" bats
	echo "# bats: $((SECONDS - start)) s"
}

if [ "$jobs" -le 1 ]; then
	for t in "${units[@]}"; do
		echo "# unit tests: $t"
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1 | tee "$out"
		tally "${PIPESTATUS[0]}" "$t"
	done
	run_bats "$tags" -- "${suites[@]}"
else
	run_units &
	unit_pid=$!
	run_bats "${tags:+$tags,}!serial" --jobs "$jobs" -- "${suites[@]}"
	wait "$unit_pid"
	show_units
	# Only the files that have such tests: bats reads every file it is given.
	mapfile -t serial < <(grep -l -E '^# *bats (test|file)_tags=(.*[ ,])?serial( *,.*)? *$' \
		"${suites[@]}" /dev/null)
	run_bats "${tags:+$tags,}serial" -- "${serial[@]}"
fi

if [ "${#strict_failed[@]}" -gt 0 ]; then
	echo "# OK_STRICT_SKIPS=1: these skipped tests count as failures:"
	printf '#   %s\n' "${strict_failed[@]}"
fi

echo "okchat: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
