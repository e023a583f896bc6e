# lib.sh - bench.sh's plumbing: servers started and stopped by pid, free ports, RSS, medians.
# Sourced by bench.sh; uses its variables (WORK, HOST, OKSERVER, OKBENCH, IDLE_CONNS ...).
# shellcheck shell=bash

PIDS=()
OK_ARGS=()   # start_okserver's extra options (TLS's)

log() { echo "bench: $*" >&2; }

# Checks the tools (make bench installs them: mk/bench.mk's BENCH_PACKAGES) and the programs,
# and raises the fd limit.
check_setup() {
	local p missing=""
	for p in redis-server redis-benchmark valgrind callgrind_control callgrind_annotate strace \
		/usr/bin/time nc; do
		command -v "$p" >/dev/null || missing="$missing $p"
	done
	[ -z "$missing" ] || { log "missing:$missing (make bench installs them)"; return 1; }
	for p in "$OKSERVER" "$OKBENCH"; do
		[ -x "$p" ] || { log "missing $p (run make bench-build, or set OKSERVER/OKBENCH)"; return 1; }
	done
	[ -x "$OKCLIENT" ] || log "missing $OKCLIENT: the client case is skipped"
	raise_fd_limit
}

# Each of the idle connections is a descriptor in the server and one in okbench.
raise_fd_limit() {
	local need=$((MAX_CLIENTS + 1100))
	if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$need" ]; then
		ulimit -Hn "$need" 2>/dev/null || {
			log "the open-file hard limit $(ulimit -Hn) is below $need; lower BENCH_IDLE_CONNS"
			return 1
		}
	fi
	[ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$need" ] && ulimit -Sn "$need"
	return 0
}

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		stop_pid "$pid"
	done
	[ -n "${WORK:-}" ] && rm -rf "$WORK"
}

# Forgets a pid, so cleanup does not signal a number the system may have reused.
forget_pid() {
	local p keep=()
	for p in "${PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

# TERM, up to 10 s to go (valgrind writes its files), then KILL; always by pid.
stop_pid() {
	local pid=$1 _
	forget_pid "$pid"
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# Waits until FILE has a line matching REGEX; fails after SECS or when PID has died.
wait_line() {
	local file=$1 regex=$2 secs=$3 pid=$4 _
	for _ in $(seq $((secs * 20))); do
		grep -qE "$regex" "$file" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || { grep -qE "$regex" "$file" 2>/dev/null; return; }
		sleep 0.05
	done
	return 1
}

# A TCP port nobody listens on now (from /proc/net/tcp), below the kernel's ephemeral range so
# no outgoing connection holds it either; redis takes no port 0. Start-up retries cover races.
free_port() {
	local port used low base=10000 span
	used=$(awk 'NR > 1 && $4 == "0A" { split($2, a, ":"); print a[2] }' /proc/net/tcp)
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range
	span=$((low - base))
	[ "$span" -ge 1000 ] || { base=1024 span=$((low > 2024 ? low - 1024 : 40000)); }
	while :; do
		port=$((base + RANDOM % span))
		grep -qx "$(printf '%04X' "$port")" <<<"$used" || { echo "$port"; return; }
	done
}

# start_okserver [WRAPPER...]: okserver -p 0 and a Unix socket (under WRAPPER, e.g. valgrind);
# sets SRV_PID, SRV_PORT, SRV_SOCK. OK_NAME (default okserver) names its files, so that the
# epoll and poll builds run side by side, each on a socket of its own.
start_okserver() {
	local name=${OK_NAME:-okserver}
	local out=$WORK/$name.out
	SRV_SOCK=$WORK/$name.sock
	"$@" "$OKSERVER" -p 0 -U "$SRV_SOCK" --max-clients "$MAX_CLIENTS" "${OK_ARGS[@]}" </dev/null \
		>"$out" 2>"$WORK/$name.err" &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	if ! wait_line "$out" '^listening on ' 120 "$SRV_PID"; then
		log "$name did not start: $(tail -3 "$WORK/$name.err")"
		stop_pid "$SRV_PID"
		return 1
	fi
	SRV_PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$out" | head -1)
}

# start_redis [WRAPPER...]: redis-server on a free loopback port and a Unix socket, no
# persistence; SRV_PID, SRV_PORT, SRV_SOCK. REDIS_TLS=1: the port speaks TLS (tls-port, with
# tls_certs' server certificate; no client certificate asked for) and there is no plain one.
# REDIS_NAME (default redis) names its files, so that two run side by side.
start_redis() {
	local _ name=${REDIS_NAME:-redis} ports
	local conf=$WORK/$name.conf out=$WORK/$name.out
	SRV_SOCK=$WORK/$name.sock
	for _ in 1 2 3 4 5; do   # a port found free may be taken before redis binds it
		SRV_PORT=$(free_port)
		ports=("port $SRV_PORT")
		[ "${REDIS_TLS:-0}" = 0 ] || ports=("port 0" "tls-port $SRV_PORT" \
			"tls-cert-file $CERTS/server.pem" "tls-key-file $CERTS/server.key" \
			"tls-ca-cert-file $CERTS/ca.pem" "tls-auth-clients no")
		printf '%s\n' "${ports[@]}" "bind $HOST" "unixsocket $SRV_SOCK" "unixsocketperm 700" \
			"protected-mode yes" 'save ""' \
			"appendonly no" "daemonize no" "maxclients $MAX_CLIENTS" \
			"dir $WORK" 'logfile ""' >"$conf"
		"$@" redis-server "$conf" </dev/null >"$out" 2>&1 &
		SRV_PID=$!
		PIDS+=("$SRV_PID")
		wait_line "$out" 'Ready to accept connections' 120 "$SRV_PID" && return 0
		stop_pid "$SRV_PID"
	done
	log "redis-server did not start: $(tail -3 "$out")"
	return 1
}

# start_server ok|poll|redis|tlsok|tlsredis [WRAPPER...]; the TLS ones need tls_certs first.
start_server() {
	local which=$1 rc
	shift
	case $which in
	ok) start_okserver "$@" ;;
	poll) OK_NAME=okserver-poll OKSERVER=$OKSERVER_POLL start_okserver "$@" ;;
	tlsok)
		OK_ARGS=(--tls-cert "$CERTS/server.pem" --tls-key "$CERTS/server.key")
		OK_NAME=okserver-tls start_okserver "$@"
		rc=$?
		OK_ARGS=()
		return "$rc"
		;;
	tlsredis) REDIS_NAME=redis-tls REDIS_TLS=1 start_redis "$@" ;;
	*) start_redis "$@" ;;
	esac
}

rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# cpu_ticks PID: the CPU time the process (all its threads) has used, user and system, in clock
# ticks (CLK_TCK a second). The command name in parentheses may hold spaces: fields count after it.
cpu_ticks() {
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# per_cpu_ns TICKS COUNT: nanoseconds of CPU per unit (TICKS clock ticks over COUNT), or n/a.
per_cpu_ns() {
	awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN {
		if (n + 0 > 0 && t + 0 > 0) printf "%.1f", t * 1e9 / hz / n; else print "n/a" }'
}

# tls_certs: tests/tls-certs.sh's CA and server certificate (localhost, 127.0.0.1, ::1), made
# once per run into CERTS; every TLS server of the bench uses them, okbench verifies with ca.pem.
tls_certs() {
	[ -z "${CERTS:-}" ] || return 0
	CERTS=$WORK/certs
	sh "$ROOT/tests/tls-certs.sh" "$CERTS" >&2 || { log "tests/tls-certs.sh failed"; CERTS=; return 1; }
}

# okserver_has_tls: the okserver under test takes --tls-cert (a build of the branch with TLS).
okserver_has_tls() {
	"$OKSERVER" --help 2>/dev/null | grep -q -- --tls-cert
}

# run_load PORT|unix:PATH LIMIT OPTIONS...: okbench against PORT (or the Unix socket), bounded
# in time; its report (--format csv: a header line and a row) in LOAD_HEAD and LOAD_LINE, empty
# when it gave none. It runs in the background and is waited for, so a signal to the script acts
# at once.
run_load() {
	local port=$1 limit=$2 pid rc out=$WORK/load.out where
	shift 2
	where=("$HOST" "$port")
	[ "${port#unix:}" = "$port" ] || where=(-U "${port#unix:}")
	: >"$out"
	timeout -k 5 "$limit" "$OKBENCH" --format csv "$@" "${where[@]}" </dev/null >"$out" \
		2>>"$WORK/okbench.err" &
	pid=$!
	PIDS+=("$pid")
	wait "$pid"
	rc=$?
	forget_pid "$pid"
	# 1: errors or lost replies, which the report counts; anything else is no run.
	[ "$rc" -le 1 ] || log "okbench $* ended with status $rc: $(tail -1 "$WORK/okbench.err")"
	# shellcheck disable=SC2034 # the cases (cases.sh) read them
	LOAD_HEAD=$(sed -n 1p "$out")
	# shellcheck disable=SC2034
	LOAD_LINE=$(sed -n 2p "$out")
}

# field NAME: the value of okbench's CSV field NAME in the last run_load's report, or nothing.
# Quoted fields (the target; with TLS, the session, which holds a comma) are not looked into.
field() {
	awk -F, -v name="$1" -v head="$LOAD_HEAD" -v row="$LOAD_LINE" 'BEGIN {
		gsub(/"[^"]*"/, "\"\"", row)
		n = split(head, h, ","); split(row, v, ",")
		for (i = 1; i <= n; i++) if (h[i] == name) { print v[i]; exit } }'
}

# record CASE SERVER METRIC VALUE: one sample.
record() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-n/a}" >>"$SAMPLES"
}

# median CASE SERVER METRIC: the median of the numeric samples, or n/a.
median() {
	awk -F '\t' -v c="$1" -v s="$2" -v m="$3" \
		'$1 == c && $2 == s && $3 == m && $4 ~ /^[0-9.]+$/ { print $4 }' "$SAMPLES" |
		sort -g | awk '{ v[NR] = $1 } END {
			if (NR == 0) print "n/a"
			else if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
