# bench.mk - make bench: okserver beside redis-server, okbench beside redis-benchmark.

# okserver's poll build, timed beside the default one: the poll variant's (mk/variants.mk), the
# Makefile again with BACKEND=poll under build/poll (poll, the self-pipe, every stand-in).
BENCH_POLL := build/poll/bin/okserver

.PHONY: bench bench-build

# The load generator is okbench, one of the programs all builds.
bench-build: all
	@+$(call variant_make,poll) all

# Like make test and make check: packages first (the build's, and the bench's: redis-server and
# redis-benchmark, valgrind with callgrind_control, GNU time, strace, nc; openssl for the TLS
# certificates and python3 for the handshake counter), then all, then every case.
# The table goes to tests/bench/RESULTS.md. Missed targets are findings: the exit status is 0
# unless a case could not run at all.
BENCH_PACKAGES := redis-server redis-tools valgrind time strace netcat-openbsd openssl python3

bench:
	@scripts/deps.sh $(BENCH_PACKAGES)
	@$(MAKE) --no-print-directory bench-build
	@OKSERVER_POLL=$(abspath $(BENCH_POLL)) tests/bench/bench.sh
	@$(MAKE) --no-print-directory bench-access

# The access rules' rows (tests/bench/access.sh, self-contained): okserver accepting with an
# access file of 10,000 rules beside none, tests/tools/client_many as the client; its section of
# tests/bench/RESULTS.md is replaced, after bench.sh has written the rest.
.PHONY: bench-access
bench-access: all $(B)/tests/tools/client_many
	@tests/bench/access.sh
