#!/bin/sh
# deps.sh - installs the Debian packages okchat needs to build and test, only those missing.
# Root uses apt-get directly, others sudo when it works without a password; otherwise the
# exact command is printed and the script fails, so nothing half-works silently.
set -eu

# What each package is for: compiler and make; line editing; C unit tests; command-line tests,
# run side by side by GNU parallel (bats --jobs); raw peers and a terminal for the bats suites;
# ps, ss, man and strace for what tests inspect.
PACKAGES="build-essential libreadline-dev libcmocka-dev bats bats-assert bats-support parallel
netcat-openbsd socat tmux procps iproute2 man-db strace"
[ "$#" -gt 0 ] && PACKAGES="$PACKAGES $*"

missing=""
for pkg in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages:$missing (no apt-get here: install them with your package manager)" >&2
	exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo"
else
	echo "deps: missing packages:$missing" >&2
	echo "deps: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing:$missing"
# One stale index (a mirror mid-sync, a foreign architecture's list) must not stop the install:
# apt-get install says precisely what is missing if the lists it has are not enough.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
	echo "deps: apt-get update reported errors; installing from the lists it has" >&2
# shellcheck disable=SC2086 # the list is meant to split into words
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
