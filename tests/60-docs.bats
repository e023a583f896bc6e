#!/usr/bin/env bats
# 60-docs.bats - scripts/check-docs.sh (part of make lint) passes the real manual pages and
# catches each fault it is there for: an option run into the paragraph before, a line over 80
# columns, a groff warning, a --help line over 80 columns (on stub programs, not the real ones).

load helpers

CHECK=$TOP/scripts/check-docs.sh

setup() {
	command -v man >/dev/null || skip "man is not installed: run 'make deps'"
}

# stub NAME TEXT: a program in the test's directory whose --help prints TEXT; prints its path.
stub() {
	printf '#!/bin/sh\ncat <<"END"\n%s\nEND\n' "$2" >"$BATS_TEST_TMPDIR/$1"
	chmod +x "$BATS_TEST_TMPDIR/$1"
	echo "$BATS_TEST_TMPDIR/$1"
}

# option_tp_lines PAGE: the line numbers of the .TP macros in OPTIONS that start an option's tag.
option_tp_lines() {
	awk '/^\.SH/ { in_options = $0 == ".SH OPTIONS" }
	     in_options && prev == ".TP" && /^\.B[IR]? \\-/ { print NR - 1 }
	     { prev = $0 }' "$1"
}

@test "docs: okserver(1) and okclient(1) pass check-docs.sh" {
	run "$CHECK" --man "$TOP/man/okserver.1" --man "$TOP/man/okclient.1"
	assert_success
	assert_output - <<'END'
lint: docs
docs: no findings (2 manual page(s), 0 program(s))
END
}

@test "docs: any option's .TP taken out of a page fails check-docs.sh, naming the option" {
	local page n opt count
	for page in okserver okclient; do
		count=0
		for n in $(option_tp_lines "$TOP/man/$page.1"); do
			# The tag's first option: ".BR \-p ", " \-\-port ..." is -p.
			opt=$(sed -n "$((n + 1))p" "$TOP/man/$page.1" | awk '{ print $2 }' | tr -d '\\"')
			sed "${n}d" "$TOP/man/$page.1" >"$BATS_TEST_TMPDIR/$page.1"
			run "$CHECK" --man "$BATS_TEST_TMPDIR/$page.1"
			assert_failure 1
			assert_line "docs: $BATS_TEST_TMPDIR/$page.1: OPTIONS has no paragraph of its own for $opt (a .TP missing before it?)"
			count=$((count + 1))
		done
		# Every option tag was tried (16 in okserver(1), 7 in okclient(1) today).
		[ "$count" -ge 7 ] || fail "$page.1: only $count option tags found"
	done
}

@test "docs: okserver(1) with the .TP before --once taken out names --once" {
	local n
	n=$(grep -n -x -F -e '.B \-\-once' "$TOP/man/okserver.1" | cut -d: -f1)
	[ "$(sed -n "$((n - 1))p" "$TOP/man/okserver.1")" = .TP ] || fail "no .TP before --once"
	sed "$((n - 1))d" "$TOP/man/okserver.1" >"$BATS_TEST_TMPDIR/okserver.1"
	run "$CHECK" --man "$BATS_TEST_TMPDIR/okserver.1"
	assert_failure 1
	assert_line "docs: $BATS_TEST_TMPDIR/okserver.1: OPTIONS has no paragraph of its own for --once (a .TP missing before it?)"
	assert_line "docs: 1 finding(s)"
}

@test "docs: a rendered line over 80 columns fails, one of 80 passes" {
	# Rendered at 7 columns of indent: 73 characters of no-fill text make a line of 80.
	local line73
	line73=$(printf 'x%.0s' $(seq 73))
	printf '.nf\n%s\n.fi\n' "$line73" >"$BATS_TEST_TMPDIR/tail"
	cat "$TOP/man/okclient.1" "$BATS_TEST_TMPDIR/tail" >"$BATS_TEST_TMPDIR/okclient.1"
	run "$CHECK" --man "$BATS_TEST_TMPDIR/okclient.1"
	assert_success
	printf '.nf\n%sy\n.fi\n' "$line73" >"$BATS_TEST_TMPDIR/tail"
	cat "$TOP/man/okclient.1" "$BATS_TEST_TMPDIR/tail" >"$BATS_TEST_TMPDIR/okclient.1"
	run "$CHECK" --man "$BATS_TEST_TMPDIR/okclient.1"
	assert_failure 1
	assert_output --regexp "okclient.1 \(rendered\): line [0-9]+ is 81 columns:  +${line73}y"
}

@test "docs: a groff warning fails" {
	sed 's/^\.SH FILES$/.XX FILES/' "$TOP/man/okclient.1" >"$BATS_TEST_TMPDIR/okclient.1"
	run "$CHECK" --man "$BATS_TEST_TMPDIR/okclient.1"
	assert_failure 1
	assert_output --partial "macro 'XX' not defined"
}

@test "docs: a --help line over 80 columns fails, naming it; 80 columns pass" {
	local wide narrow
	narrow=$(stub narrow "Usage: narrow [OPTION]...
$(printf '%080d' 0)
  -h, --help   show this help and exit")
	wide=$(stub wide "Usage: wide [OPTION]...
  -p, --port PORT          listen on PORT, 0-65535, 0 for any free one (default 4242)")
	run "$CHECK" --help "$narrow"
	assert_success
	run "$CHECK" --help "$narrow" --help "$wide"
	assert_failure 1
	assert_output - <<END
lint: docs
docs: $wide --help: line 2 is 85 columns:   -p, --port PORT          listen on PORT, 0-65535, 0 for any free one (default 4242)
docs: 1 finding(s)
END
}

@test "docs: a --help that fails, or a program not built, is a finding" {
	printf '#!/bin/sh\nexit 3\n' >"$BATS_TEST_TMPDIR/broken"
	chmod +x "$BATS_TEST_TMPDIR/broken"
	run "$CHECK" --help "$BATS_TEST_TMPDIR/broken" --help "$BATS_TEST_TMPDIR/missing"
	assert_failure 1
	assert_line "docs: $BATS_TEST_TMPDIR/broken --help: exit status 3, not 0"
	assert_line "docs: $BATS_TEST_TMPDIR/missing: not built (make)"
}

@test "docs: check-docs.sh refuses an option it does not know, or one without its value" {
	run "$CHECK" --bogus x
	assert_failure 2
	run "$CHECK" --man
	assert_failure 2
	assert_output "check-docs.sh: --man needs a value"
}
