#!/bin/sh
# deb-build.sh - make deb: builds the okchat .deb in a copy of the tree, then lintian reviews it.
# Usage: deb-build.sh DIR. The tracked files, as they are in the working tree, are copied to
# DIR/src, so debian/'s build leftovers never land in the tree; dpkg-buildpackage writes the
# packages, .buildinfo and .changes beside it, in DIR.
set -eu
cd "$(dirname "$0")/.."
dir=$1
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || {
	echo "deb: not a git checkout: the copy to build is made from 'git ls-files'" >&2
	exit 1
}

rm -rf "$dir"
mkdir -p "$dir/src"
# A tracked file deleted in the working tree is simply not copied.
git ls-files -z | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -C "$dir/src" -xf -

version=$(dpkg-parsechangelog -l debian/changelog -S Version)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
echo "deb: building okchat $version for $arch in $dir/src"
(cd "$dir/src" && dpkg-buildpackage -us -uc -b) >"$dir/build.log" 2>&1 || {
	tail -n 40 "$dir/build.log" >&2
	echo "deb: dpkg-buildpackage failed; the whole log is $dir/build.log" >&2
	exit 1
}
rm -rf "$dir/src"

echo "deb: lintian $dir/okchat_${version}_$arch.changes"
lintian --display-info --fail-on error,warning "$dir/okchat_${version}_$arch.changes"
ls -1 "$dir"/*.deb
