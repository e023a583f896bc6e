#!/bin/sh
# deps.sh - installs the Debian packages okchat needs, only those missing.
# Usage: scripts/deps.sh [--build] [PACKAGE...]
#   --build      only what building and running need (make run): compiler, make, pkg-config,
#                the readline headers;
#   otherwise    that and what the tests need (make test, make deps), and any PACKAGE named.
# Root uses apt-get directly, others sudo when it works without a password; otherwise, or when
# apt-get fails, one sentence says exactly what to run, and the script fails.
set -eu

# Building and running: compiler and make, pkg-config, line editing, TLS (OpenSSL 3).
BUILD_PACKAGES="build-essential pkg-config libreadline-dev libssl-dev"
# Testing: C unit tests; command-line tests, run side by side by GNU parallel (bats --jobs);
# raw peers and a terminal for the bats suites; ps, ss, man and strace for what tests inspect;
# the openssl tool makes the tests' certificates and is a TLS peer, as are socat, ncat,
# python3's ssl module and redis-server (small; the tests start their own on a free port);
# HAProxy sends the access tests' PROXY headers.
TEST_PACKAGES="libcmocka-dev bats bats-assert bats-support parallel
netcat-openbsd socat tmux procps iproute2 man-db strace openssl ncat python3 haproxy
redis-server"

if [ "${1:-}" = --build ]; then
	shift
	PACKAGES="$BUILD_PACKAGES"
else
	PACKAGES="$BUILD_PACKAGES $TEST_PACKAGES"
fi
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
	echo "deps: these packages are missing and there is no apt-get here: install them with your package manager:$missing" >&2
	exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo"
else
	echo "deps: packages are missing and installing them needs root: run 'sudo apt-get update && sudo apt-get install -y$missing', then this make command again." >&2
	exit 1
fi
echo "deps: installing:$missing"
# One stale index (a mirror mid-sync, a foreign architecture's list) must not stop the install:
# apt-get install says precisely what is missing if the lists it has are not enough.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
	echo "deps: apt-get update reported errors; installing from the lists it has" >&2
# shellcheck disable=SC2086 # the list is meant to split into words
if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing; then
	echo "deps: apt-get could not install the packages (its message is above; another apt or dpkg still running is the usual cause): when it is done, run '${sudo:+sudo }apt-get install -y$missing', then this make command again." >&2
	exit 1
fi
