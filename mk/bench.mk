# bench.mk - make bench: okserver beside redis-server, and okload, the load generator it uses.

BENCH_SRC  := $(wildcard tests/bench/*.c)
BENCH_OBJ  := $(patsubst %.c,build/%.o,$(BENCH_SRC))
BENCH_LOAD := build/bench/okload
# okserver's poll build, timed beside the default one: the poll variant's (mk/variants.mk), the
# Makefile again with BACKEND=poll under build/poll (poll, the self-pipe, every stand-in).
BENCH_POLL := build/poll/bin/okserver

.PHONY: bench bench-build

# The load generator is one program of its own; the generic build/%.o rule compiles its files.
$(BENCH_LOAD): $(BENCH_OBJ) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ -lm $(LDLIBS)

bench-build: all $(BENCH_LOAD)
	@+$(call variant_make,poll) all

# Like make test and make check: packages first (the build's, and the bench's: redis-server,
# valgrind with callgrind_control, GNU time, strace, nc), then all and okload, then every case.
# The table goes to tests/bench/RESULTS.md. Missed targets are findings: the exit status is 0
# unless a case could not run at all.
BENCH_PACKAGES := redis-server valgrind time strace netcat-openbsd

bench:
	@scripts/deps.sh $(BENCH_PACKAGES)
	@$(MAKE) --no-print-directory bench-build
	@OKSERVER_POLL=$(abspath $(BENCH_POLL)) tests/bench/bench.sh
