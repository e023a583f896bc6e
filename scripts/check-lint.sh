#!/bin/sh
# check-lint.sh - make lint: cppcheck and clang-tidy on the C sources, shellcheck on the scripts.
# Usage: check-lint.sh "C FILES" "SHELL FILES". Zero findings passes; a finding that is wrong
# is suppressed where it occurs, with a comment saying why (cppcheck-suppress, NOLINT, a
# directive for shellcheck), and clang-tidy's chosen checks are in .clang-tidy.
set -u
cd "$(dirname "$0")/.." || exit 2
c_files=$1
sh_files=$2
failed=0
# The Makefile's feature macros and include paths, so both analysers see what the compiler sees.
defs="-D_POSIX_C_SOURCE=200809L -Icommon -Iserver -Iclient"

# cppcheck does not know the compiler's byte-order macros, which common/byteorder.c requires.
order=$(${CC:-cc} -dM -E - </dev/null | sed -n 's/^#define \(__ORDER_[A-Z_]*ENDIAN__\|__BYTE_ORDER__\) \(.*\)/-D\1=\2/p')
mkdir -p build

echo "lint: cppcheck"
# shellcheck disable=SC2086 # the file lists are meant to split into words
cppcheck --quiet --std=c11 --enable=warning,style,performance,portability --error-exitcode=1 \
	--inline-suppr --suppress=missingIncludeSystem $defs $order $c_files || failed=$((failed + 1))

echo "lint: clang-tidy"
# One file per run: clang-tidy 14's va_list checker carries state from one file to the next
# and then reports an uninitialized va_list that is not.
: >build/clang-tidy.log
for f in $c_files; do
	# shellcheck disable=SC2086
	clang-tidy --quiet "$f" -- -std=c11 $defs 2>/dev/null >>build/clang-tidy.log
done
if grep -q ': \(warning\|error\):' build/clang-tidy.log; then
	cat build/clang-tidy.log
	failed=$((failed + 1))
fi

echo "lint: shellcheck"
# helpers.bash sets variables (SERVER_PORT ...) for the bats files that load it, which shellcheck,
# reading it alone, takes for unused: SC2034 is off for that one file only.
# In .bats files SC2154 is off: bats's run sets $output, $lines, $status and $stderr, which
# version 0.9 of the checker does not know of (the helpers' variables are upper case, never
# flagged). SC2030/SC2031 are off there too: every @test runs in a subshell by design, so
# "modified in a subshell" is true of every variable a test sets, and never a mistake. So is
# SC2153 ("possible misspelling"): it fires on helpers.bash's variables (SERVER_OUT), which the
# checker cannot see, as bats' load is not source.
for f in $sh_files; do
	case "$f" in
	*.bash) shellcheck -e SC2034 "$f" || failed=$((failed + 1)) ;;
	*.bats) shellcheck -e SC2154,SC2030,SC2031,SC2153 "$f" || failed=$((failed + 1)) ;;
	# It sources its parts (lib.sh ...), each also checked alone: -x lets their names resolve.
	tests/bench/bench.sh) shellcheck -x "$f" || failed=$((failed + 1)) ;;
	*) shellcheck "$f" || failed=$((failed + 1)) ;;
	esac
done

scripts/check-docs.sh || failed=$((failed + 1)) # the manual pages and --help (lint: docs)

if [ "$failed" -ne 0 ]; then
	echo "lint: $failed analyser(s) reported findings"
	exit 1
fi
echo "lint: no findings ($(echo "$c_files" | wc -w) C files, $(echo "$sh_files" | wc -w) shell files)"
