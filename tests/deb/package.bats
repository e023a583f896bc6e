#!/usr/bin/env bats
# package.bats - the okchat .deb: its files, its control data, its maintainer
# scripts, its programs at work, its units and logrotate sample. Run by make test-deb, which
# builds the package first; not in tests/, so make test never needs packaging tools.

load ../helpers
load ../server_helpers
bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
ROOT=$BATS_FILE_TMPDIR/root
CONTROL=$BATS_FILE_TMPDIR/control
OKSERVER=$ROOT/usr/bin/okserver
OKCLIENT=$ROOT/usr/bin/okclient
OKBENCH=$ROOT/usr/bin/okbench

# The package make deb left for this tree's version, unpacked once for every test.
setup_file() {
	DEB_VERSION=$(dpkg-parsechangelog -l "$REPO/debian/changelog" -S Version)
	DEB=$REPO/build/deb/okchat_${DEB_VERSION}_$(dpkg --print-architecture).deb
	[ -f "$DEB" ] || {
		echo "no $DEB: run make test-deb (it builds the package first)" >&2
		return 1
	}
	dpkg-deb -x "$DEB" "$ROOT"
	dpkg-deb -e "$DEB" "$CONTROL"
	export DEB DEB_VERSION
}

teardown() {
	stop_okserver
	stop_pid "${HUP_PID:-}"
}

# The package's files (not directories): mode, owner and path.
package_files() {
	dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ { print $1, $2, $6 }'
}

@test "deb: holds exactly the programs, man pages, units, docs and logrotate sample" {
	run package_files
	assert_success
	assert_output - <<'END'
-rw-r--r-- root/root ./lib/systemd/system/okserver.service
-rw-r--r-- root/root ./lib/systemd/system/okserver.socket
-rwxr-xr-x root/root ./usr/bin/okbench
-rwxr-xr-x root/root ./usr/bin/okclient
-rwxr-xr-x root/root ./usr/bin/okserver
-rw-r--r-- root/root ./usr/share/doc/okchat/NEWS.gz
-rw-r--r-- root/root ./usr/share/doc/okchat/README.md.gz
-rw-r--r-- root/root ./usr/share/doc/okchat/changelog.gz
-rw-r--r-- root/root ./usr/share/doc/okchat/copyright
-rw-r--r-- root/root ./usr/share/doc/okchat/examples/okserver.logrotate
-rw-r--r-- root/root ./usr/share/man/man1/okbench.1.gz
-rw-r--r-- root/root ./usr/share/man/man1/okclient.1.gz
-rw-r--r-- root/root ./usr/share/man/man1/okserver.1.gz
END
}

@test "deb: control data names okchat, the programs' own version, this architecture, readline" {
	local version
	version=$(sed -n 's/^#define OK_VERSION "\(.*\)"$/\1/p' "$REPO/common/version.h")
	assert_equal "$DEB_VERSION" "$version"
	run dpkg-deb -f "$DEB" Package Version Architecture
	assert_output - <<END
Package: okchat
Version: $version
Architecture: $(dpkg --print-architecture)
END
	run dpkg-deb -f "$DEB" Depends
	assert_output --regexp '(^|, )libc6 \(>= [^)]+\)(,|$)'
	assert_output --regexp '(^|, )libreadline8 \(>= [^)]+\)(,|$)'
	run dpkg-deb -I "$DEB"
	assert_line --regexp '^ +[0-9]+ bytes, +[0-9]+ lines +\* +postinst +#!/bin/sh$'
	run "$OKSERVER" -V
	assert_line --index 0 "okserver (okchat) $version"
	run "$OKCLIENT" -V
	assert_line --index 0 "okclient (okchat) $version"
	run "$OKBENCH" -V
	assert_line --index 0 "okbench (okchat) $version"
}

@test "deb: maintainer scripts never start a unit and enable one only if it was enabled before" {
	run grep -l -E -r 'deb-systemd-invoke .*start|systemctl .*start' "$CONTROL"
	assert_failure 1
	run grep -c "deb-systemd-helper enable" "$CONTROL/postinst"
	assert_output 2
	# Each enable is the body of an "if deb-systemd-helper --quiet was-enabled" (its comment between).
	run grep -B2 "deb-systemd-helper enable" "$CONTROL/postinst"
	assert_equal "$(grep -c "if deb-systemd-helper --quiet was-enabled 'okserver\.s" <<<"$output")" 2
}

@test "deb: the packaged okserver and okclient talk: a, Quit gives OK, Quit" {
	start_okserver
	run --separate-stderr timeout 10 "$OKCLIENT" -r 127.0.0.1 "$SERVER_PORT" < <(printf 'a\nQuit\n')
	assert_success
	assert_output $'OK\nQuit'
	assert_equal "$stderr" ""
}

@test "deb: the packaged okbench measures the packaged okserver: 200 lines, every one answered" {
	start_okserver
	run --separate-stderr timeout 20 "$OKBENCH" -c 2 -n 200 --warmup 0 --format csv 127.0.0.1 "$SERVER_PORT"
	assert_success
	assert_line --index 1 --regexp "^\"127\\.0\\.0\\.1:$SERVER_PORT\",2,1,0,0,200,[0-9.]+,0,0,0,0,"
	assert_equal "$stderr" ""
}

@test "deb: systemd-analyze verify accepts the packaged units" {
	run "$REPO/scripts/verify-units.sh" "$ROOT"
	assert_success
	assert_output "verify-units: systemd-analyze verify accepts $ROOT/lib/systemd/system/okserver.socket and okserver.service"
}

@test "deb: the logrotate sample moves the log away, creates it 0640, sends SIGHUP to the pidfile" {
	local dir=$BATS_TEST_TMPDIR
	sed -e "s|/var/log/okserver.log|$dir/okserver.log|g" -e "s|/run/okserver.pid|$dir/okserver.pid|g" \
		"$ROOT/usr/share/doc/okchat/examples/okserver.logrotate" >"$dir/okserver.logrotate"
	printf 'old line\n' >"$dir/okserver.log"
	# A stand-in for okserver --log until it is the test's: it notes each SIGHUP in a file.
	sh -c 'trap "echo hup >>\"$1\"" HUP; while :; do sleep 1 & wait $!; done' sh "$dir/hup" \
		</dev/null >/dev/null 2>&1 3>&- &
	HUP_PID=$!
	echo "$HUP_PID" >"$dir/okserver.pid"
	run timeout 10 logrotate --force --state "$dir/state" "$dir/okserver.logrotate"
	assert_success
	assert_equal "$(cat "$dir/okserver.log.1")" "old line"
	assert_equal "$(stat -c '%a %s' "$dir/okserver.log")" "640 0"
	wait_until 5 test -s "$dir/hup"
	assert_equal "$(cat "$dir/hup")" "hup"
}

@test "make install DESTDIR PREFIX=/usr installs the package's programs and man pages, no more" {
	local dest=$BATS_TEST_TMPDIR/dest
	run env -u MAKEFLAGS -u MAKELEVEL make -s -C "$REPO" install DESTDIR="$dest" PREFIX=/usr
	assert_success
	run sh -c 'find "$1" -type f -printf "%m %P\n" | sort -k2' sh "$dest"
	assert_output - <<'END'
755 usr/bin/okbench
755 usr/bin/okclient
755 usr/bin/okserver
644 usr/share/man/man1/okbench.1
644 usr/share/man/man1/okclient.1
644 usr/share/man/man1/okserver.1
END
	for page in okbench.1 okclient.1 okserver.1; do
		assert_equal "$(zcat "$ROOT/usr/share/man/man1/$page.gz" | md5sum)" "$(md5sum <"$dest/usr/share/man/man1/$page")"
	done
}
