# bench.mk - make bench: okserver beside redis-server, okbench beside redis-benchmark.

# okserver's poll build (what make BACKEND=poll makes: poll, the self-pipe, every stand-in),
# timed beside the default one. One compiler call from the sources, in its own folder, so it
# never mixes with the objects of build/.
BENCH_POLL := build/poll-bench/okserver
BENCH_POLL_SRC := $(filter-out server/loop_%.c server/signals_%.c,$(wildcard server/*.c)) \
	server/loop_poll.c server/signals_pipe.c $(wildcard common/*.c)

.PHONY: bench bench-build

$(BENCH_POLL): $(BENCH_POLL_SRC) $(wildcard server/*.h common/*.h)
	@mkdir -p $(@D)
	$(CC) $(filter-out -DOK_FORCE_PORTABLE=%,$(OK_CPPFLAGS)) -DOK_FORCE_PORTABLE=1 $(CPPFLAGS) \
		$(OK_CFLAGS) $(LDFLAGS) -o $@ $(BENCH_POLL_SRC) $(LDLIBS)

# The load generator is okbench, one of the programs all builds.
bench-build: all $(BENCH_POLL)

# Like make test and make check: packages first (the build's, and the bench's: redis-server and
# redis-benchmark, valgrind with callgrind_control, GNU time, strace, nc), then all, then every case.
# The table goes to tests/bench/RESULTS.md. Missed targets are findings: the exit status is 0
# unless a case could not run at all.
BENCH_PACKAGES := redis-server redis-tools valgrind time strace netcat-openbsd

bench:
	@scripts/deps.sh $(BENCH_PACKAGES)
	@$(MAKE) --no-print-directory bench-build
	@tests/bench/bench.sh
