#!/bin/sh
# check-docs.sh - part of make lint: the manual pages render cleanly, with a paragraph of its own
# for every option, and every program's --help fits in 80 columns (SPEC section 13).
# Usage: check-docs.sh [--man PAGE]... [--help PROGRAM]...
# Without arguments: man/*.1, and bin/okserver, bin/okclient (and bin/okbench once it is built).
# Exit status: 0 no findings, 1 findings (each named on standard output), 2 cannot check.
#
# Each page is rendered as a reader sees it, `MANWIDTH=80 man --warnings -l PAGE`, and fails on:
# - any warning groff gives (an unknown macro, a bad escape);
# - a rendered line over 80 columns (a no-fill line in EXAMPLES is the usual one);
# - an option of the SYNOPSIS that has no tag of its own in OPTIONS. The rule, on the rendered
#   text: a tag is a line at the section's indent (7 columns) that follows a blank line or the
#   heading, begins with options ("-p, --port PORT", "-4, -6"), and whose paragraph goes on
#   at the .TP indent (14 columns): on the next line, or on the same line after a short tag.
#   When a .TP is missing, its option's line is filled into the paragraph before, at 14
#   columns, mid-sentence ("Needs -U. --once Serve exactly one connection"), and that option
#   has no tag. `man --warnings` sees nothing wrong there, and neither does a look at the source:
#   `.B \-U` is as often a mention in running text as a tag; the rendered indent tells them apart.
# Each program is run as `PROGRAM --help`, which must exit 0 with no line over 80 columns.
set -u
top=$(cd "$(dirname "$0")/.." && pwd) || exit 2
# Columns are characters: the rendered pages hold UTF-8 quotes, bullets and hyphens.
LC_ALL=C.UTF-8
export LC_ALL
pages=
programs=
while [ "$#" -gt 0 ]; do
	case "$#:$1" in
	1:--man | 1:--help) echo "check-docs.sh: $1 needs a value" >&2; exit 2 ;;
	*:--man) pages="$pages $2" ;;
	*:--help) programs="$programs $2" ;;
	*) echo "usage: check-docs.sh [--man PAGE]... [--help PROGRAM]..." >&2; exit 2 ;;
	esac
	shift 2
done
if [ -z "$pages$programs" ]; then
	cd "$top" || exit 2 # the findings then name man/okserver.1, bin/okserver
	pages=$(ls man/*.1)
	programs="bin/okserver bin/okclient"
	[ -x bin/okbench ] && programs="$programs bin/okbench"
fi
command -v man >/dev/null || { echo "check-docs.sh: man is not installed (make deps)" >&2; exit 2; }

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
findings=0

# finding WHAT: one line on standard output, counted.
finding() {
	echo "docs: $1"
	findings=$((findings + 1))
}

# long_lines NAME FILE: a finding for each line of FILE over 80 columns.
long_lines() {
	grep -n '.\{81\}' "$2" >"$tmp/long"
	while IFS= read -r hit; do
		line=${hit#*:}
		finding "$1: line ${hit%%:*} is $(printf '%s' "$line" | wc -m) columns: $line"
	done <"$tmp/long"
}

# untagged_options: reads a rendered page, prints each SYNOPSIS option without a tag in OPTIONS.
untagged_options() {
	awk '
	function indent(s) { match(s, /^ */); return RLENGTH }
	# The options a tag line begins with (" -p --port"), or "" when it is not a tag: set rest.
	function tag_options(s,    opts, n) {
		s = substr(s, 8)
		opts = ""
		while (match(s, /^--?[A-Za-z0-9][-A-Za-z0-9]*/)) {
			opts = opts " " substr(s, 1, RLENGTH)
			s = substr(s, RLENGTH + 1)
			if (match(s, /^ [A-Z]+/) && (RLENGTH == length(s) || substr(s, RLENGTH + 1, 1) ~ /[ ,]/))
				s = substr(s, RLENGTH + 1)
			if (substr(s, 1, 2) != ", ")
				break
			s = substr(s, 3)
		}
		if (opts == "")
			return ""
		n = length($0) - length(s)	# the columns the indent and the tag take
		if (s != "" && !(match(s, /^ +[^ ]/) && n + RLENGTH - 1 == 14))
			return ""	# text goes on right after it: filled, not a tag
		return opts
	}
	/^[^ ]/ { section = $0; after_blank = 1; pending = ""; next }
	section == "SYNOPSIS" {
		s = $0
		gsub(/[][|]/, " ", s)
		n = split(s, w, " ")
		for (i = 1; i <= n; i++)
			if (w[i] ~ /^--?[A-Za-z0-9][-A-Za-z0-9]*$/ && !(w[i] in listed)) {
				listed[w[i]] = 1
				order[++count] = w[i]
			}
	}
	section == "OPTIONS" {
		blank = $0 ~ /^ *$/
		if (pending != "" && (blank || indent($0) > 7)) {
			n = split(pending, w, " ")
			for (i = 1; i <= n; i++)
				tagged[w[i]] = 1
		}
		pending = ""
		if (after_blank && indent($0) == 7)
			pending = tag_options($0)
		after_blank = blank
	}
	END {
		if (count == 0)
			print "(no option in SYNOPSIS)"
		for (i = 1; i <= count; i++)
			if (!(order[i] in tagged))
				print order[i]
	}'
}

# check_page PAGE: renders it and reports what is wrong with it.
check_page() {
	if ! MANWIDTH=80 MANPAGER=cat PAGER=cat man --warnings -l "$1" >"$tmp/raw" 2>"$tmp/warn"; then
		finding "$1: man cannot render it: $(head -n 1 "$tmp/warn")"
		return
	fi
	while IFS= read -r warning; do
		finding "$1: $warning"
	done <"$tmp/warn"
	col -bx <"$tmp/raw" >"$tmp/page"
	long_lines "$1 (rendered)" "$tmp/page"
	untagged_options <"$tmp/page" >"$tmp/untagged"
	while IFS= read -r opt; do
		finding "$1: OPTIONS has no paragraph of its own for $opt (a .TP missing before it?)"
	done <"$tmp/untagged"
}

# check_help PROGRAM: runs PROGRAM --help and reports what is wrong with it.
check_help() {
	if [ ! -x "$1" ]; then
		finding "$1: not built (make)"
		return
	fi
	"$1" --help >"$tmp/help" 2>&1 </dev/null || finding "$1 --help: exit status $?, not 0"
	long_lines "$1 --help" "$tmp/help"
}

echo "lint: docs"
for page in $pages; do
	check_page "$page"
done
for program in $programs; do
	check_help "$program"
done
if [ "$findings" -ne 0 ]; then
	echo "docs: $findings finding(s)"
	exit 1
fi
echo "docs: no findings ($(echo "$pages" | wc -w) manual page(s), $(echo "$programs" | wc -w) program(s))"
