# Makefile - okchat: builds okserver, okclient and libokcommon.a; tests, runs and installs them.
# Plain GNU make. Override anything: make CC=clang CFLAGS='-O0 -g' WERROR=1 PREFIX=$HOME/.local

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

CFLAGS  ?= -O2 -g
LDFLAGS ?=
AR      ?= ar
INSTALL ?= install

WARNINGS := -Wall -Wextra -Wpedantic -Wshadow
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
# Feature macros live here once; a file that needs Linux APIs defines _GNU_SOURCE itself.
OK_CPPFLAGS := -Icommon -D_POSIX_C_SOURCE=200809L
OK_CFLAGS    = -std=c11 $(WARNINGS) $(CFLAGS)

COMMON_OBJ := $(patsubst %.c,build/%.o,$(wildcard common/*.c))
# The server's event backend, server/loop_$(BACKEND).c; no other loop_*.c is compiled.
BACKEND ?= epoll
SERVER_SRC := $(filter-out server/main.c server/loop_%.c,$(wildcard server/*.c)) \
	$(if $(wildcard server/main.c),server/loop_$(BACKEND).c)
# Each program is its main.o plus an archive of the rest, so unit tests can link the parts.
SERVER_OBJ := $(patsubst %.c,build/%.o,$(SERVER_SRC))
CLIENT_OBJ := $(patsubst %.c,build/%.o,$(filter-out client/main.c,$(wildcard client/*.c)))
LIBCOMMON  := build/libokcommon.a
LIBSERVER  := build/libokserver.a
LIBCLIENT  := build/libokclient.a
CLIENT_LIBS := -lreadline

PROGRAMS := $(if $(wildcard server/main.c),bin/okserver) $(if $(wildcard client/main.c),bin/okclient)
MANPAGES := $(wildcard man/*.1)

UNIT_TESTS := $(patsubst tests/unit/%.c,build/tests/unit/%,$(wildcard tests/unit/test_*.c))
TEST_TOOLS := $(patsubst tests/tools/%.c,build/tests/tools/%,$(wildcard tests/tools/*.c))
# LD_PRELOAD shims (tests/tools/shim/NAME.c, build/tests/tools/NAME.so): by this CC, so a
# variant build's shim matches the programs it is preloaded into.
TEST_SHIMS := $(patsubst tests/tools/shim/%.c,build/tests/tools/%.so,$(wildcard tests/tools/shim/*.c))

.PHONY: all test test-build run deps install uninstall clean
# Objects made on the way to a test program are kept, so the next make has nothing to redo.
.SECONDARY:

all: $(LIBCOMMON) $(PROGRAMS)

build/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(OK_CPPFLAGS) $(CPPFLAGS) $(OK_CFLAGS) -MMD -MP -c $< -o $@

# Rebuilt from scratch so a deleted source never lingers in the archive.
build/lib%.a:
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBCOMMON): $(COMMON_OBJ)
$(LIBSERVER): $(SERVER_OBJ)
$(LIBCLIENT): $(CLIENT_OBJ)

bin/okserver: build/server/main.o $(LIBSERVER) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bin/okclient: build/client/main.o $(LIBCLIENT) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ $(CLIENT_LIBS) $(LDLIBS)

# Unit tests may use any part of either program; archives only pull in what is referenced.
TEST_LINK := $(if $(SERVER_OBJ),$(LIBSERVER)) $(if $(CLIENT_OBJ),$(LIBCLIENT)) $(LIBCOMMON)

build/tests/unit/%: build/tests/unit/%.o $(TEST_LINK)
	$(CC) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(if $(CLIENT_OBJ),$(CLIENT_LIBS)) $(LDLIBS)

build/tests/tools/%: build/tests/tools/%.o $(LIBCOMMON)
	$(CC) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/tests/tools/%.so: tests/tools/shim/%.c
	@mkdir -p $(@D)
	$(CC) $(OK_CPPFLAGS) $(CPPFLAGS) $(OK_CFLAGS) -fPIC -shared $(LDFLAGS) -o $@ $< -ldl

test-build: all $(UNIT_TESTS) $(TEST_TOOLS) $(TEST_SHIMS)

# Installs what is missing (only then), builds, runs the unit tests and every tests/*.bats.
test:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory test-build
	@tests/run.sh

run:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory all
	@scripts/run.sh

deps:
	@scripts/deps.sh

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	$(if $(PROGRAMS),$(INSTALL) -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/)
	$(if $(MANPAGES),$(INSTALL) -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(PROGRAMS)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MANPAGES)))

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)

# Optional areas (benchmarks, sanitizers, fuzzing, lint) keep their rules in mk/*.mk.
-include $(wildcard mk/*.mk)
