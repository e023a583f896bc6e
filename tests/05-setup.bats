#!/usr/bin/env bats
# 05-setup.bats - the README's two commands as a newcomer meets them: make run installs only what
# building and running need, and a missing package or a failing apt says in one sentence what to
# run (scripts/deps.sh).

load helpers
bats_require_minimum_version 1.5.0

NOBODY=65534

setup() {
	# In /tmp, not BATS_TEST_TMPDIR: the user without sudo must reach the stubs and the copy.
	AREA=$(mktemp -d /tmp/okchat-setup.XXXXXX)
	chmod 755 "$AREA"
	STUBS=$AREA/stubs
	mkdir -p "$STUBS"
	# dpkg-query finds nothing installed; sudo is there but asks for a password; apt-get fails
	# to install as it does while another apt holds the dpkg lock.
	printf '#!/bin/sh\nexit 1\n' >"$STUBS/dpkg-query"
	printf '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n' >"$STUBS/sudo"
	printf '#!/bin/sh\ncase "$*" in *install*) echo "E: Could not get lock /var/lib/dpkg/lock-frontend" >&2; exit 100;; esac\nexit 0\n' \
		>"$STUBS/apt-get"
	chmod 755 "$STUBS"/*
}

teardown() {
	[ -n "${AREA:-}" ] && rm -rf "$AREA"
	return 0
}

BUILD_ONLY=' build-essential pkg-config libreadline-dev libssl-dev'

@test "setup: make run as a user without sudo, in a fresh copy: one sentence says what to run" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to play a user without sudo (setpriv)"
	# A copy of the tracked tree, as a clone would be, owned by that user.
	mkdir "$AREA/okchat"
	(cd "$TOP" && git ls-files -z | xargs -0 cp --parents -t "$AREA/okchat") ||
		skip "not a git checkout: nothing to copy"
	chown -R "$NOBODY:$NOBODY" "$AREA/okchat"
	run --separate-stderr setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups -- \
		env PATH="$STUBS:$PATH" HOME="$AREA/okchat" timeout 60 make -C "$AREA/okchat" run </dev/null
	assert_failure
	assert_equal "${stderr_lines[0]}" "deps: packages are missing and installing them needs root: run 'sudo apt-get update && sudo apt-get install -y$BUILD_ONLY', then this make command again."
	# Nothing was built: it stopped at the packages.
	[ ! -e "$AREA/okchat/bin/okserver" ]
}

@test "setup: make run asks only for what building and running need; a failing apt says what to run" {
	if [ "$(id -u)" -ne 0 ]; then
		run --separate-stderr env PATH="$STUBS:$PATH" "$TOP/scripts/deps.sh" --build
		assert_equal "$status" 1
		assert_equal "$stderr" "deps: packages are missing and installing them needs root: run 'sudo apt-get update && sudo apt-get install -y$BUILD_ONLY', then this make command again."
		return
	fi
	# Root: apt-get runs, and fails as it does while another apt holds the dpkg lock.
	run --separate-stderr env PATH="$STUBS:$PATH" "$TOP/scripts/deps.sh" --build
	assert_equal "$status" 1
	assert_equal "$output" "deps: installing:$BUILD_ONLY"
	assert_equal "${stderr_lines[0]}" "E: Could not get lock /var/lib/dpkg/lock-frontend"
	assert_equal "${stderr_lines[1]}" "deps: apt-get could not install the packages (its message is above; another apt or dpkg still running is the usual cause): when it is done, run 'apt-get install -y$BUILD_ONLY', then this make command again."
	assert_equal "${#stderr_lines[@]}" 2
	# make test's list is the build's and the test tools'.
	run --separate-stderr env PATH="$STUBS:$PATH" "$TOP/scripts/deps.sh"
	assert_equal "$status" 1
	assert_output --partial "deps: installing:$BUILD_ONLY libcmocka-dev bats "
}
