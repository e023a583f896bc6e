#!/bin/sh
# verify-units.sh - systemd-analyze verify accepts okserver.socket and okserver.service, silently.
# Usage: verify-units.sh [ROOT]. With ROOT (an extracted package), its lib/systemd/system units
# are verified; without, `make install` fills a temporary root and dist/'s units join it there.
# verify also checks that ExecStart's program exists and that Documentation's man page opens,
# so ExecStart is pointed at ROOT's okserver and MANPATH at ROOT's man pages. Any message at
# all is a failure: verify reports an unknown or misspelt key as a warning and still exits 0.
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$#" -gt 0 ]; then
	root=$(cd "$1" && pwd)
	units=$root/lib/systemd/system
else
	root=$work/root
	units=dist
	${MAKE:-make} --no-print-directory -s install DESTDIR="$root" PREFIX=/usr
fi

for unit in okserver.socket okserver.service; do
	sed "s|^ExecStart=/usr/bin/|ExecStart=$root/usr/bin/|" "$units/$unit" >"$work/$unit"
done
grep -q "^ExecStart=$root/usr/bin/okserver\$" "$work/okserver.service" || {
	echo "verify-units: $units/okserver.service: ExecStart is not /usr/bin/okserver" >&2
	exit 1
}
MANPATH=$root/usr/share/man systemd-analyze verify \
	"$work/okserver.socket" "$work/okserver.service" >"$work/out" 2>&1 || status=$?
if [ "${status:-0}" -ne 0 ] || [ -s "$work/out" ]; then
	cat "$work/out" >&2
	echo "verify-units: systemd-analyze verify rejected $units/okserver.{socket,service}" >&2
	exit 1
fi
echo "verify-units: systemd-analyze verify accepts $units/okserver.socket and okserver.service"
