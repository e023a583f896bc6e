# bench.mk - make bench: okserver beside redis-server, and okload, the load generator it uses.

BENCH_SRC  := $(wildcard tests/bench/*.c)
BENCH_OBJ  := $(patsubst %.c,build/%.o,$(BENCH_SRC))
BENCH_LOAD := build/bench/okload
# okserver's poll build (what make BACKEND=poll makes: poll, the self-pipe, every stand-in),
# timed beside the default one. One compiler call from the sources, in its own folder, so it
# never mixes with the objects of build/.
BENCH_POLL := build/poll-bench/okserver
BENCH_POLL_SRC := $(filter-out server/loop_%.c server/signals_%.c,$(wildcard server/*.c)) \
	server/loop_poll.c server/signals_pipe.c $(COMMON_SRC)

.PHONY: bench bench-build

# The load generator is one program of its own; the generic build/%.o rule compiles its files.
$(BENCH_LOAD): $(BENCH_OBJ) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(OK_CFLAGS) $(LDFLAGS) -o $@ $^ -lm $(TLS_LIBS) $(LDLIBS)

$(BENCH_POLL): $(BENCH_POLL_SRC) $(wildcard server/*.h common/*.h)
	@mkdir -p $(@D)
	$(CC) $(filter-out -DOK_FORCE_PORTABLE=%,$(OK_CPPFLAGS)) -DOK_FORCE_PORTABLE=1 $(CPPFLAGS) \
		$(OK_CFLAGS) $(LDFLAGS) -o $@ $(BENCH_POLL_SRC) $(TLS_LIBS) $(LDLIBS)

bench-build: all $(BENCH_LOAD) $(BENCH_POLL)

# Like make test and make check: packages first (the build's, and the bench's: redis-server,
# valgrind with callgrind_control, GNU time, strace, nc), then all and okload, then every case.
# The table goes to tests/bench/RESULTS.md. Missed targets are findings: the exit status is 0
# unless a case could not run at all.
BENCH_PACKAGES := redis-server valgrind time strace netcat-openbsd

bench:
	@scripts/deps.sh $(BENCH_PACKAGES)
	@$(MAKE) --no-print-directory bench-build
	@tests/bench/bench.sh
