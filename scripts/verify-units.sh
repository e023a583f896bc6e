#!/bin/sh
# verify-units.sh - make verify-units: systemd-analyze verify accepts dist/'s units, silently.
# verify also checks that ExecStart's program exists and that Documentation's man page opens, so
# the units are verified as installed: `make install` into a temporary root, ExecStart pointed
# at the okserver installed there, MANPATH at its man pages. Any message at all is a failure:
# verify reports an unknown or misspelt key as a warning and still exits 0.
set -eu
cd "$(dirname "$0")/.."
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

${MAKE:-make} --no-print-directory -s install DESTDIR="$root" PREFIX=/usr
mkdir -p "$root/units"
for unit in dist/okserver.socket dist/okserver.service; do
	sed "s|^ExecStart=/usr/bin/|ExecStart=$root/usr/bin/|" "$unit" >"$root/units/${unit#dist/}"
done
grep -q "^ExecStart=$root/usr/bin/okserver\$" "$root/units/okserver.service" || {
	echo "verify-units: dist/okserver.service: ExecStart is not /usr/bin/okserver" >&2
	exit 1
}
MANPATH=$root/usr/share/man systemd-analyze verify \
	"$root/units/okserver.socket" "$root/units/okserver.service" >"$root/out" 2>&1 || status=$?
if [ "${status:-0}" -ne 0 ] || [ -s "$root/out" ]; then
	cat "$root/out" >&2
	echo "verify-units: systemd-analyze verify rejected dist/okserver.{socket,service}" >&2
	exit 1
fi
echo "verify-units: systemd-analyze verify accepts dist/okserver.socket and dist/okserver.service"
