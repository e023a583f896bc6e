#!/bin/sh
# check-deps.sh - installs what make check, fuzz and lint need beyond make test, only what is missing.
# clang comes first because the sanitizer and libFuzzer runtimes must match its version:
# Debian 12, Ubuntu 22.04 and later ship them in libclang-rt-N-dev (N = clang's major version);
# older releases keep them in libclang-common-N-dev, which clang itself already pulls in.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh clang llvm valgrind cppcheck clang-tidy shellcheck
major=$(clang -dumpversion | cut -d. -f1)
runtime="libclang-rt-$major-dev"
# A slim image may have empty package lists until an update: look again after one.
if ! apt-cache show "$runtime" >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	apt-get update -qq || true
fi
if apt-cache show "$runtime" >/dev/null 2>&1; then
	scripts/deps.sh "$runtime"
elif ! dpkg-query -W libclang-common-"$major"-dev >/dev/null 2>&1; then
	echo "check-deps: no $runtime and no libclang-common-$major-dev: sanitizer builds may not link" >&2
fi
