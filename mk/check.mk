# check.mk - make check, fuzz, soak, lint: sanitizers, valgrind, libFuzzer, soak/chaos, static analysis.
# Everything here builds under build/asan, build/fuzz, build/soak and build/valgrind, never in the
# objects of a normal build, so `make` and `make test` are unaffected by it.

# What these targets need beyond `make test` (clang with the sanitizer and fuzzer runtimes of its
# own version, the symbolizer for readable stacks, valgrind, the three analysers) is installed by
# scripts/check-deps.sh, which finds the runtime's package name from the clang it installed.

FUZZ_SECONDS ?= 60
SOAK_SECONDS ?= 60
# The short versions that make check runs.
CHECK_FUZZ_SECONDS ?= 10
CHECK_SOAK_SECONDS ?= 10

SAN_CC := clang
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1
SAN_LOGS := $(abspath build/asan/logs)
# halt_on_error: the first report ends the process; log_path: a report also reaches us from a
# server that bats kills, since check fails on any file found there afterwards.
# OK_UNDER_SANITIZER / OK_UNDER_VALGRIND tell a test that the program's memory and speed are
# the tool's, not its own: a peak-RSS or timing bound may be skipped, never a behaviour.
SAN_ENV := OK_UNDER_SANITIZER=1 ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:log_path=$(SAN_LOGS)/asan \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(SAN_LOGS)/ubsan

# SERVER_SRC is the Makefile's: it picks the one event backend compiled.
CLIENT_SRC := $(filter-out client/main.c,$(wildcard client/*.c))

# --- AddressSanitizer + UndefinedBehaviorSanitizer build: programs, unit tests, test tools ---

SAN_COMMON := $(patsubst %.c,build/asan/%.o,$(wildcard common/*.c))
SAN_SERVER := $(patsubst %.c,build/asan/%.o,$(SERVER_SRC))
SAN_CLIENT := $(patsubst %.c,build/asan/%.o,$(CLIENT_SRC))
SAN_PROGRAMS := $(addprefix build/asan/,$(PROGRAMS))
SAN_UNITS := $(patsubst tests/unit/%.c,build/asan/tests/unit/%,$(wildcard tests/unit/test_*.c))
SAN_TOOLS := $(patsubst tests/tools/%.c,build/asan/tests/tools/%,$(wildcard tests/tools/*.c))
SAN_SHIMS := $(patsubst build/%,build/asan/%,$(TEST_SHIMS))
SAN_TEST_LINK := $(if $(SAN_SERVER),build/asan/libokserver.a) \
	$(if $(SAN_CLIENT),build/asan/libokclient.a) build/asan/libokcommon.a

build/asan/%.o: %.c
	@mkdir -p $(@D)
	$(SAN_CC) $(OK_CPPFLAGS) $(CPPFLAGS) -std=c11 $(WARNINGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@
build/asan/tests/unit/%.o: OK_CPPFLAGS += -Iserver -Iclient # as the Makefile's unit tests

build/asan/libokcommon.a: $(SAN_COMMON)
build/asan/libokserver.a: $(SAN_SERVER)
build/asan/libokclient.a: $(SAN_CLIENT)
build/asan/libokcommon.a build/asan/libokserver.a build/asan/libokclient.a:
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

build/asan/bin/okserver: build/asan/server/main.o build/asan/libokserver.a build/asan/libokcommon.a
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/asan/bin/okclient: build/asan/client/main.o build/asan/libokclient.a build/asan/libokcommon.a
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(CLIENT_LIBS) $(LDLIBS)

build/asan/tests/unit/%: build/asan/tests/unit/%.o $(SAN_TEST_LINK)
	$(SAN_CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(if $(SAN_CLIENT),$(CLIENT_LIBS)) $(LDLIBS)

build/asan/tests/tools/%: build/asan/tests/tools/%.o build/asan/libokcommon.a
	$(SAN_CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A shim is preloaded into the sanitized programs, whose runtime is linked in: it needs none.
build/asan/tests/tools/%.so: tests/tools/shim/%.c
	@mkdir -p $(@D)
	$(SAN_CC) $(OK_CPPFLAGS) $(CPPFLAGS) -std=c11 $(WARNINGS) -g -fPIC -shared $(LDFLAGS) -o $@ $< -ldl

.PHONY: check check-build check-asan check-valgrind check-fuzz check-soak fuzz fuzz-build soak lint

check-build: $(SAN_PROGRAMS) $(SAN_UNITS) $(SAN_TOOLS) $(SAN_SHIMS)

# The unit tests and every bats file again, with the sanitized programs and tools under test.
# The unit tests' random inet_aton comparison is cut to a million inputs here: ASan makes each
# one several times dearer, and the full ten million already ran in make test.
check-asan: test-build check-build
	@rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS)
	@$(SAN_ENV) OK_RANDOM_INPUTS=1000000 OKSERVER=$(abspath build/asan/bin/okserver) \
		OKCLIENT=$(abspath build/asan/bin/okclient) TOOLS=$(abspath build/asan/tests/tools) \
		tests/run.sh $(SAN_UNITS) $(wildcard tests/*.bats); status=$$?; \
		scripts/check-logs.sh sanitizer $(SAN_LOGS) && exit $$status

# --- valgrind memcheck over the protocol and client pipe tests ---

VG_LOGS := $(abspath build/valgrind/logs)
VG_SUITES := $(wildcard tests/10-protocol.bats tests/30-client.bats)
VG_WRAPPERS := $(patsubst bin/%,build/valgrind/%,$(PROGRAMS))

# A wrapper per program, so tests/helpers.bash runs it through OKSERVER/OKCLIENT unchanged.
# Each process logs to its own file; check-logs.sh reads them all, which also catches errors
# in a server that the test stopped with SIGTERM and whose exit status nobody looked at.
build/valgrind/%: bin/% mk/check.mk
	@mkdir -p $(@D) $(VG_LOGS)
	@printf '#!/bin/sh\n# Generated by mk/check.mk: %s under valgrind memcheck.\nexec valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --track-origins=yes --child-silent-after-fork=yes --log-file=%s/%s.%%p.log %s "$$@"\n' \
		'$*' '$(VG_LOGS)' '$*' '$(abspath $<)' >$@
	@chmod 755 $@

# The tests tagged no-valgrind are left out: valgrind opens the program file on the lowest free
# descriptor, so a test that starts okclient with stdin closed cannot run under it.
check-valgrind: all $(VG_WRAPPERS)
	@rm -rf $(VG_LOGS) && mkdir -p $(VG_LOGS)
	@if [ -z "$(VG_SUITES)" ] || [ -z "$(VG_WRAPPERS)" ]; then \
		echo "check-valgrind: skipped: tests/10-protocol.bats, tests/30-client.bats or the programs are absent"; \
	else \
		OK_UNDER_VALGRIND=1 OKSERVER=$(abspath build/valgrind/okserver) \
			OKCLIENT=$(abspath build/valgrind/okclient) \
			tests/run.sh --filter-tags '!no-valgrind' $(VG_SUITES); status=$$?; \
		scripts/check-logs.sh valgrind $(VG_LOGS) && exit $$status; \
	fi

# --- libFuzzer targets: tests/fuzz/fuzz_NAME.c, seeds in tests/fuzz/corpus/NAME/ ---

FUZZ_CFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -g -O1
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined
# The framer's target can only be built where the server's framer exists.
FUZZ_ALL := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SKIP := $(if $(wildcard server/framer.h),,$(filter fuzz_framer,$(FUZZ_ALL)))
FUZZ_TARGETS := $(filter-out $(FUZZ_SKIP),$(FUZZ_ALL))
FUZZ_COMMON := $(patsubst %.c,build/fuzz/obj/%.o,$(wildcard common/*.c))
FUZZ_SERVER := $(patsubst %.c,build/fuzz/obj/%.o,$(SERVER_SRC))

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(SAN_CC) $(OK_CPPFLAGS) -Iserver $(CPPFLAGS) -std=c11 $(WARNINGS) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

build/fuzz/libokcommon.a: $(FUZZ_COMMON)
build/fuzz/libokserver.a: $(FUZZ_SERVER)
build/fuzz/libokcommon.a build/fuzz/libokserver.a:
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

build/fuzz/fuzz_framer: build/fuzz/obj/tests/fuzz/fuzz_framer.o build/fuzz/libokserver.a build/fuzz/libokcommon.a
build/fuzz/fuzz_%: build/fuzz/obj/tests/fuzz/fuzz_%.o build/fuzz/libokcommon.a
	$(SAN_CC) $(FUZZ_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz-build: $(addprefix build/fuzz/,$(FUZZ_TARGETS))

# Packages first: the build itself needs clang.
fuzz:
	@scripts/check-deps.sh
	@$(MAKE) --no-print-directory fuzz-build
	@$(if $(FUZZ_SKIP),echo "fuzz: $(FUZZ_SKIP) skipped: server/framer.h is not in this tree";)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/check-fuzz.sh $(FUZZ_TARGETS)

check-fuzz:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)

# --- soak and chaos: one okserver, a thousand connections misbehaving at random ---

build/soak/soak: tests/soak/soak.c $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(OK_CPPFLAGS) $(CPPFLAGS) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

soak: all build/soak/soak
	@SOAK_SECONDS=$(SOAK_SECONDS) tests/soak/run.sh

# Short, first against the plain server (descriptors and memory must return to their baseline),
# then against the sanitized one (any report fails; its memory is ASan's, so it is not measured).
check-soak: all build/soak/soak $(filter build/asan/bin/okserver,$(SAN_PROGRAMS))
ifeq ($(wildcard server/main.c),)
	@echo "check-soak: skipped: there is no server/ in this tree"
else
	@SOAK_SECONDS=$(CHECK_SOAK_SECONDS) tests/soak/run.sh
	@if [ -x build/asan/bin/okserver ]; then \
		rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS); \
		$(SAN_ENV) SOAK_SECONDS=$(CHECK_SOAK_SECONDS) SOAK_RSS_SLACK_KB=none \
			OKSERVER=$(abspath build/asan/bin/okserver) tests/soak/run.sh; status=$$?; \
		scripts/check-logs.sh sanitizer $(SAN_LOGS) && exit $$status; \
	fi
endif

# --- static analysis ---

LINT_C := $(filter-out $(FUZZ_SKIP:%=tests/fuzz/%.c),\
	$(wildcard common/*.c server/*.c client/*.c tests/unit/*.c tests/tools/*.c tests/tools/shim/*.c tests/fuzz/*.c \
	tests/soak/*.c tests/bench/*.c))
LINT_SH := $(wildcard scripts/*.sh tests/*.sh tests/soak/*.sh tests/bench/*.sh tests/*.bats \
	tests/*.bash .ci/run)

lint:
	@scripts/check-deps.sh
	@scripts/check-lint.sh "$(LINT_C)" "$(LINT_SH)"

# --- all of it ---

# Then the platform variants of mk/variants.mk, each installing what it needs itself: one whose
# tools cannot be installed, or whose code does not exist yet, fails; none is skipped.
CHECK_VARIANTS := test-poll test-i386 test-s390x test-libedit cross-macos

check:
	@scripts/check-deps.sh
	@MAKE="$(MAKE)" scripts/check-run.sh test check-asan check-valgrind check-fuzz check-soak lint \
		verify-units test-deb $(CHECK_VARIANTS)
