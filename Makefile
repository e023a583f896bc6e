# Makefile - okchat: builds okserver, okclient, okbench and libokcommon.a; tests, runs, installs them.
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

# Where objects, archives and programs go. Every other build (the variants of mk/variants.mk,
# the sanitizer and fuzzer builds of mk/check.mk, the bench's poll server) is this Makefile
# again with B=build/NAME BIN=build/NAME/bin and its own CC, CFLAGS or choices.
B   ?= build
BIN ?= bin

# TLS=1 (the default): common/tls.c and common/transport_tls.c over OpenSSL 3, its flags from
# pkg-config (plain -lssl -lcrypto where pkg-config does not know it); TLS=0: common/tls_none.c
# instead, whose every call says the build has no TLS. Callers ask ok_tls_available() (tls.h);
# OK_HAVE_TLS says the same to the preprocessor, for a need no file has yet.
TLS ?= 1
TLS_SRC  := common/tls.c common/transport_tls.c
TLS_NONE := common/tls_none.c
PKG_CONFIG ?= pkg-config
ifeq ($(TLS),1)
TLS_CFLAGS := $(shell $(PKG_CONFIG) --cflags openssl 2>/dev/null)
TLS_LIBS   := $(or $(shell $(PKG_CONFIG) --libs openssl 2>/dev/null),-lssl -lcrypto)
COMMON_SRC := $(filter-out $(TLS_NONE),$(wildcard common/*.c))
else ifeq ($(TLS),0)
TLS_CFLAGS :=
TLS_LIBS   :=
COMMON_SRC := $(filter-out $(TLS_SRC),$(wildcard common/*.c))
else
$(error TLS=$(TLS): 1 builds with TLS (OpenSSL), 0 without)
endif
OK_CPPFLAGS += -DOK_HAVE_TLS=$(TLS) $(TLS_CFLAGS)
COMMON_OBJ := $(patsubst %.c,$(B)/%.o,$(COMMON_SRC))
# The platform's choice, made here once by asking $(CC) whether a header exists (so a cross
# compiler answers for its own target): the event backend, server/backend_$(BACKEND).c, epoll
# or else poll. BACKEND=poll where epoll exists is the portable build: it takes every stand-in
# of common/platform.h too (PORTABLE=1 sets OK_FORCE_PORTABLE), so Linux runs the code a Mac
# runs. Where poll is the default, each native call the system has is still used.
have_header = $(shell printf '\043include <%s>\n' $1 | $(CC) $(CPPFLAGS) -E -x c - >/dev/null 2>&1 && echo yes)
HAVE_EPOLL := $(call have_header,sys/epoll.h)
BACKEND  ?= $(if $(HAVE_EPOLL),epoll,poll)
BACKEND  := $(BACKEND)
PORTABLE ?= $(if $(and $(HAVE_EPOLL),$(filter poll,$(BACKEND))),1,0)
ifeq ($(PORTABLE),1)
OK_CPPFLAGS += -DOK_FORCE_PORTABLE=1
endif
CHOICES := $(BACKEND) portable=$(PORTABLE) tls=$(TLS)
SERVER_SRC := $(filter-out server/main.c server/backend_%.c,$(wildcard server/*.c)) \
	server/backend_$(BACKEND).c
# Each program is its main.o plus an archive of the rest, so unit tests can link the parts.
SERVER_OBJ := $(patsubst %.c,$(B)/%.o,$(SERVER_SRC))
OKBENCH_OBJ := $(patsubst %.c,$(B)/%.o,$(filter-out okbench/main.c,$(wildcard okbench/*.c)))
LIBCOMMON  := $(B)/libokcommon.a
LIBSERVER  := $(B)/libokserver.a
LIBCLIENT  := $(B)/libokclient.a
LIBOKBENCH := $(B)/libokbench.a
# The client's line editor, client/lineedit_$(READLINE).c behind client/lineedit.h, as BACKEND
# chooses the loop: GNU readline, or libedit's readline interface (READLINE=libedit, as macOS
# has it). A change of choice rebuilds the client.
READLINE ?= readline
ifeq ($(READLINE),libedit)
CLIENT_LIBS ?= -ledit
else ifeq ($(READLINE),readline)
CLIENT_LIBS ?= -lreadline
else
$(error READLINE=$(READLINE): no such line editor (readline or libedit))
endif
CLIENT_SRC := $(filter-out client/main.c client/lineedit_%.c,$(wildcard client/*.c)) \
	client/lineedit_$(READLINE).c
CLIENT_OBJ := $(patsubst %.c,$(B)/%.o,$(CLIENT_SRC))
ifeq ($(wildcard server/backend_$(BACKEND).c),)
$(error BACKEND=$(BACKEND): server/backend_$(BACKEND).c: no such backend)
endif

PROGRAMS := $(BIN)/okserver $(BIN)/okclient $(BIN)/okbench
MANPAGES := $(wildcard man/*.1)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(wildcard tests/unit/test_*.c))
TEST_TOOLS := $(patsubst tests/tools/%.c,$(B)/tests/tools/%,$(wildcard tests/tools/*.c))
# LD_PRELOAD shims (tests/tools/shim/NAME.c, $(B)/tests/tools/NAME.so): by this CC, so a
# variant build's shim matches the programs it is preloaded into.
TEST_SHIMS := $(patsubst tests/tools/shim/%.c,$(B)/tests/tools/%.so,$(wildcard tests/tools/shim/*.c))

.PHONY: all test test-build run deps install uninstall clean FORCE
# Objects made on the way to a test program are kept, so the next make has nothing to redo.
.SECONDARY:

all: $(LIBCOMMON) $(PROGRAMS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(OK_CPPFLAGS) $(CPPFLAGS) $(OK_CFLAGS) -MMD -MP -c $< -o $@

# Rebuilt from scratch so a deleted source never lingers in the archive.
$(B)/lib%.a:
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# Written only when the choices differ from the last build's: a change rebuilds every object.
$(B)/choices.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(CHOICES)' | cmp -s - $@ || echo '$(CHOICES)' >$@
$(COMMON_OBJ) $(SERVER_OBJ) $(CLIENT_OBJ) $(OKBENCH_OBJ) $(B)/server/main.o $(B)/client/main.o \
	$(B)/okbench/main.o: $(B)/choices.stamp

$(LIBCOMMON): $(COMMON_OBJ)
$(LIBSERVER): $(SERVER_OBJ)
$(LIBCLIENT): $(CLIENT_OBJ)
$(LIBOKBENCH): $(OKBENCH_OBJ)

# Written only when the choice differs from the last build's, so only a change rebuilds.
$(B)/lineedit.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(READLINE)' | cmp -s - $@ || echo '$(READLINE)' >$@
$(CLIENT_OBJ) $(B)/client/main.o: $(B)/lineedit.stamp

$(BIN)/okserver: $(B)/server/main.o $(LIBSERVER) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) $(LDLIBS)

$(BIN)/okclient: $(B)/client/main.o $(LIBCLIENT) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ $(CLIENT_LIBS) $(TLS_LIBS) $(LDLIBS)

$(BIN)/okbench: $(B)/okbench/main.o $(LIBOKBENCH) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) $(LDLIBS)

# Unit tests may use any part of any program; archives only pull in what is referenced.
TEST_LINK := $(LIBSERVER) $(LIBCLIENT) $(LIBOKBENCH) $(LIBCOMMON)
# Unit tests include the headers of the part they test by name, as that part's own files do.
$(B)/tests/unit/%.o: OK_CPPFLAGS += -Iserver -Iclient

$(B)/tests/unit/%: $(B)/tests/unit/%.o $(TEST_LINK)
	$(CC) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(CLIENT_LIBS) $(TLS_LIBS) $(LDLIBS)

$(B)/tests/tools/%: $(B)/tests/tools/%.o $(LIBCOMMON)
	$(CC) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) $(LDLIBS)

$(B)/tests/tools/%.so: tests/tools/shim/%.c
	@mkdir -p $(@D)
	$(CC) $(OK_CPPFLAGS) $(CPPFLAGS) $(OK_CFLAGS) -fPIC -shared $(LDFLAGS) -o $@ $< -ldl

# A TLS build's tests check the build without TLS too (tests/15-server-tls.bats: each TLS
# option is a usage error there): its okserver alone, this Makefile again under $(B)/notls.
ifeq ($(TLS),1)
NOTLS_SERVER := $(B)/notls/bin/okserver
$(NOTLS_SERVER): FORCE
	@+$(MAKE) -s --no-print-directory B=$(B)/notls BIN=$(B)/notls/bin TLS=0 $@
endif

test-build: all $(UNIT_TESTS) $(TEST_TOOLS) $(TEST_SHIMS) $(NOTLS_SERVER)

# Installs what is missing (only then), builds, runs the unit tests and every tests/*.bats.
test:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory test-build
	@tests/run.sh

# Only what building and running need: the test tools come with make test.
run:
	@scripts/deps.sh --build
	@$(MAKE) --no-print-directory all
	@scripts/run.sh

deps:
	@scripts/deps.sh

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(PROGRAMS)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MANPAGES)))

clean:
	rm -rf build bin

# Dependency files of our objects only: not the unpacked packages or tools kept under build/.
-include $(shell find build \( -name sysroot -o -name tools \) -prune -o -name '*.d' -type f -print 2>/dev/null)

# Optional areas (benchmarks, sanitizers, fuzzing, lint) keep their rules in mk/*.mk.
-include $(wildcard mk/*.mk)
