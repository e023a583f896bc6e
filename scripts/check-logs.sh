#!/bin/sh
# check-logs.sh - fails, showing them, if sanitizer or valgrind logs under DIR hold any report.
# Usage: check-logs.sh sanitizer|valgrind DIR
# Sanitizers write a log only when they report. Valgrind writes one per process, ending in
# "ERROR SUMMARY: N errors" (definite and indirect leaks count as errors there); a process
# killed before its summary still shows any error it reported on the way.
set -u
kind=$1
dir=$2
bad=0
for log in "$dir"/*; do
	[ -f "$log" ] || continue
	case "$kind" in
	sanitizer)
		bad=$((bad + 1)) ;;
	valgrind)
		if grep -Eq 'ERROR SUMMARY: [1-9]|are (definitely|indirectly) lost|Invalid |uninitialised|overlap|Mismatched|Process terminating' "$log"; then
			bad=$((bad + 1))
		else
			continue
		fi ;;
	*)
		echo "check-logs: unknown kind: $kind" >&2
		exit 2 ;;
	esac
	echo "---- $log"
	sed -n '1,80p' "$log"
done
if [ "$bad" -gt 0 ]; then
	echo "check: $kind: $bad process(es) reported errors (logs above, in $dir)" >&2
	exit 1
fi
count=$(find "$dir" -type f | wc -l)
if [ "$kind" = valgrind ]; then
	summaries=$(grep -l 'ERROR SUMMARY: 0 errors' "$dir"/* 2>/dev/null | wc -l)
	echo "check: valgrind: no reports: $count processes, $summaries ended with 0 errors," \
		"$((count - summaries)) killed by their test before a summary (with no error before it)"
else
	echo "check: $kind: no reports ($count log file(s) in $dir)"
fi
