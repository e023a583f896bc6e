#!/bin/sh
# check-logs.sh - fails, showing them, if sanitizer or valgrind logs under DIR hold any report.
# Usage: check-logs.sh sanitizer|valgrind DIR
# Sanitizers write a log only when they report; valgrind writes one per process, and a clean
# one says "ERROR SUMMARY: 0 errors" (or nothing at all with -q).
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
		if grep -Eq 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]|Invalid |uninitialised|Process terminating' "$log"; then
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
echo "check: $kind: no reports ($count log file(s) in $dir)"
