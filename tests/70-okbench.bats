#!/usr/bin/env bats
# 70-okbench.bats - okbench, the load generator (okbench(1)): its counts, formats, exit statuses,
# the -R schedule under a stalled server, the status line, TLS (against redis-server --tls-port
# and a TLS terminator in front of okserver). Short runs; exact counts, never speed.

load helpers
load server_helpers
load client_helpers
bats_require_minimum_version 1.5.0

OKBENCH=${OKBENCH:-$TOP/bin/okbench}
HINT="Try 'okbench --help' for more information."

setup() {
	require_binary "$OKBENCH"
}

teardown() {
	stop_pid "${BENCH_PID:-}"
	stop_pid "${SOCAT_PID:-}"
	stop_okserver
	stop_fake
	stop_pid "${REDIS_PID:-}"
	[ -z "${TTY_SOCKET:-}" ] || tmux -S "$TTY_SOCKET" kill-server 2>/dev/null || true
}

# json_field JSON EXPR: a jq expression over okbench's JSON object, printed raw.
json_field() {
	jq -r "$2" <<<"$1"
}

# server_lines: okserver's `lines` count, from the stats line SIGUSR1 logs (its standard error).
server_lines() {
	local n
	n=$(grep -c 'stats:' "$SERVER_ERR")
	kill -USR1 "$SERVER_PID"
	# shellcheck disable=SC2016 # eval expands it, each time it is tried
	wait_until 5 eval '[ "$(grep -c "stats:" "$SERVER_ERR")" -gt '"$n"' ]' || return 1
	grep 'stats:' "$SERVER_ERR" | tail -1 | sed -n 's/.* lines=\([0-9]*\) .*/\1/p'
}

# server_answered_over N: okserver has answered more than N lines.
server_answered_over() {
	[ "$(server_lines)" -gt "$1" ]
}

# okbench_has_tls: the okbench under test was built with TLS: its --version names the OpenSSL
# it runs with, not "TLS: no".
okbench_has_tls() {
	[ "$("$OKBENCH" --version | sed -n 2p)" != "TLS: no" ]
}

require_tls() {
	okbench_has_tls || skip "this okbench was built without TLS (make TLS=0)"
}

# openssl_library: "OpenSSL 3.0.13", the library the openssl command runs with (okbench's too).
openssl_library() {
	openssl version | sed -n 's/.*(Library: \([^ ]* [^ ]*\).*/\1/p; t; s/^\([^ ]* [^ ]*\).*/\1/p'
}

# no_tls_okbench: an okbench built without TLS, in NO_TLS_OKBENCH: the one under test when it
# is one, else one made here with TLS=0 (the path a build without OpenSSL takes).
no_tls_okbench() {
	if ! okbench_has_tls; then
		NO_TLS_OKBENCH=$OKBENCH
		return
	fi
	local dir=$BATS_TEST_TMPDIR/notls
	timeout 300 make -s -C "$TOP" TLS=0 B="$dir/build" BIN="$dir/bin" "$dir/bin/okbench" \
		>"$dir.log" 2>&1 || fail "make TLS=0 okbench failed: $(tail -5 "$dir.log")"
	NO_TLS_OKBENCH=$dir/bin/okbench
}

# make_certs: tests/tls-certs.sh's CA, server, client and self-signed certificates in CERTS.
make_certs() {
	CERTS=$BATS_TEST_TMPDIR/certs
	sh "$TOP/tests/tls-certs.sh" "$CERTS" || fail "tests/tls-certs.sh failed"
}

# free_port: a TCP port nobody listens on now, below the kernel's ephemeral range, for
# redis-server (which takes no port 0); start_redis_tls tries again when it was taken meanwhile.
free_port() {
	local low used port
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range
	used=$(awk 'NR > 1 && $4 == "0A" { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6)
	[ "$low" -gt 12000 ] || low=61000
	while :; do
		port=$((10000 + RANDOM % (low - 10000)))
		grep -qx "$(printf '%04X' "$port")" <<<"$used" || { echo "$port"; return; }
	done
}

# redis_up FILE: redis-server (REDIS_PID) is ready, or has ended (then the wait ends at once).
redis_up() {
	grep -q 'Ready to accept connections' "$1" || ! kill -0 "$REDIS_PID" 2>/dev/null
}

# start_redis_tls CERT KEY: redis-server speaking TLS only (no plain port), on 127.0.0.1 at a
# free port, in the test's folder; REDIS_PID and REDIS_PORT.
start_redis_tls() {
	command -v redis-server >/dev/null || skip "redis-server is not installed"
	local out=$BATS_TEST_TMPDIR/redis.out _
	for _ in 1 2 3 4 5 6 7 8; do
		REDIS_PORT=$(free_port)
		redis-server --port 0 --tls-port "$REDIS_PORT" --bind 127.0.0.1 --tls-cert-file "$1" \
			--tls-key-file "$2" --tls-ca-cert-file "$CERTS/ca.pem" --tls-auth-clients no \
			--save '' --appendonly no --dir "$BATS_TEST_TMPDIR" </dev/null >"$out" 2>&1 3>&- &
		REDIS_PID=$!
		wait_until 10 redis_up "$out"
		grep -q 'Ready to accept connections' "$out" && return 0
		stop_pid "$REDIS_PID"
		REDIS_PID=
	done
	fail "redis-server --tls-port did not start: $(tail -3 "$out")"
}

# start_tls_terminator: socat decrypting TLS (the server certificate) on a port of its own (0:
# the kernel's choice, read from its log) and passing the bytes to okserver's plain port, one
# child per connection; SOCAT_PID and SOCAT_PORT.
start_tls_terminator() {
	command -v socat >/dev/null || skip "socat is not installed"
	local log=$BATS_TEST_TMPDIR/socat.log ready
	socat -d -d "OPENSSL-LISTEN:0,bind=127.0.0.1,cert=$CERTS/server.pem,key=$CERTS/server.key,verify=0,fork,reuseaddr" \
		"TCP:127.0.0.1:$SERVER_PORT" </dev/null >/dev/null 2>"$log" 3>&- &
	SOCAT_PID=$!
	ready=$(wait_for_file_line "$log" ' listening on AF=2 127\.0\.0\.1:[0-9]+$' 10) ||
		fail "socat did not listen: $(cat "$log")"
	SOCAT_PORT=${ready##*:}
}

# screen_shows REGEX: a line of the tmux terminal matches the extended REGEX.
screen_shows() {
	tmux -S "$TTY_SOCKET" capture-pane -p | grep -qE -- "$1"
}

# --- the command line ---

@test "okbench: --help says Usage:, fits in 80 columns, names every option and exit status" {
	run --separate-stderr "$OKBENCH" --help
	assert_success
	assert_line --index 0 --regexp '^Usage: okbench '
	local line opt
	for line in "${lines[@]}"; do
		[ "${#line}" -le 80 ] || fail "longer than 80 columns: $line"
	done
	for opt in -4 -6 -U -c -P -d -n -R --line --warmup --format --idle --tls --help --version; do
		assert_output --partial -- "$opt"
	done
	if okbench_has_tls; then
		for opt in "--tls-ca FILE" "--tls-servername NAME" --tls-insecure \
			"--tls-cert FILE, --tls-key FILE"; do
			assert_output --partial -- "$opt"
		done
	fi
	assert_output --partial '0 the run completed'
	assert_output --partial '64 usage error'
	assert_equal "$stderr" ""
}

@test "okbench: --version names the program, the suite's version, the TLS line, the licence" {
	local version
	version=$(sed -n 's/^#define OK_VERSION "\(.*\)"$/\1/p' "$TOP/common/version.h")
	run --separate-stderr "$OKBENCH" --version
	assert_success
	assert_line --index 0 "okbench (okchat) $version"
	if okbench_has_tls; then
		# The library it runs with: the openssl command's, but under an emulator the foreign
		# architecture's own, whose version may differ.
		if [ "${OK_UNDER_EMULATOR:-0}" = 1 ]; then
			assert_line --index 1 --regexp '^TLS: OpenSSL [0-9]+\.[0-9]+\.[0-9]+'
		else
			assert_line --index 1 "TLS: $(openssl_library)"
		fi
	else
		assert_line --index 1 "TLS: no"
	fi
	assert_line --index 2 --regexp '^Copyright \(c\) [0-9]{4} .*MIT License'
	assert_equal "${#lines[@]}" 3
}

@test "okbench: okbench(1) documents every option and exit status; make install installs it" {
	[ -f "$TOP/man/okbench.1" ] || fail "man/okbench.1 is missing"
	# Rendered, with every run of blanks and newlines made one space: phrases survive wrapping.
	run bash -c "MANWIDTH=100 man -l '$TOP/man/okbench.1' 2>&1 | tr -s ' \n' '  '"
	assert_success
	local phrase
	for phrase in "-4, -6" "-U, --unix PATH" "-c CONNS" "-P DEPTH" "-d SECS" "-n LINES" \
	    "-R RATE" "--line TEXT" "--warmup SECS" "--format text|csv|json" "--idle" "--tls" \
	    "-h, --help" "-V, --version" "Default: 127.0.0.1" "Default: 4242" "Default: 50" \
	    "Default: 1 (ping-pong)" "Default: 10" "Default: PING" "nearest rank" \
	    "within 0.4% of the exact one" "no coordinated omission" "holding N connections" \
	    "EXIT STATUS" " 0 The run completed" " 1 Errors or lost replies" " 2 Could not connect" \
	    " 8 TLS failed" " 64 Usage error" "Try 'okbench --help' for more information."; do
		assert_output --partial -- "$phrase"
	done
	run make -s -C "$TOP" install DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/usr
	assert_success
	cmp "$TOP/man/okbench.1" "$BATS_TEST_TMPDIR/root/usr/share/man/man1/okbench.1"
	cmp "$TOP/bin/okbench" "$BATS_TEST_TMPDIR/root/usr/bin/okbench"
}

@test "okbench: usage errors name the option and the value, exit 64 with the hint" {
	local args expect
	while IFS='|' read -r args expect; do
		# shellcheck disable=SC2086 # the arguments are meant to split into words
		run --separate-stderr "$OKBENCH" $args
		assert_equal "$status" 64
		assert_equal "$stderr" "okbench: $expect"$'\n'"$HINT"
		assert_output ""
	done <<'END'
-c 0|-c too small: 0 (1-100000)
-c 100001|-c too large: 100001 (1-100000)
-P 1025|-P too large: 1025 (1-1024)
-P x|-P not a number: x (1-1024)
-d 0|-d too small: 0 (1-86400)
-n 0|-n too small: 0 (1-4000000000)
-R 10000001|-R too large: 10000001 (1-10000000)
--warmup 3601|--warmup too large: 3601 (0-3600)
--format xml|--format not text, csv or json: xml
-d 1 -n 5|-d and -n cannot be used together: give one
--idle -n 5|--idle cannot be used with -n
--idle -R 5|--idle cannot be used with -R
-U /tmp/x 127.0.0.1|-U takes no HOST or PORT: 127.0.0.1
-4 -U /tmp/x|-U cannot be used with -4
127.0.0.1 0|port too small: 0 (1-65535)
127.0.0.1:70000|port too large: 70000 (1-65535)
[::1]:4242 4243|port given twice: [::1]:4242 and 4243
a b c|too many arguments: c
999.1.1.1|address not valid: 999.1.1.1
[::1|address not valid: [::1
-4 ::1|-4: not an IPv4 address: ::1
-6 127.0.0.1|-6: not an IPv6 address: 127.0.0.1
--bogus|unknown option: --bogus
-P|option needs a value: -P
END
	run --separate-stderr "$OKBENCH" --line $'a\nb'
	assert_equal "$status" 64
	assert_equal "$stderr" "okbench: --line holds a newline: one line's content is wanted"$'\n'"$HINT"
}

@test "okbench: --tls and every --tls-... option: exit 64, this build has no TLS" {
	no_tls_okbench # the okbench under test, or one built with TLS=0
	local opt
	run --separate-stderr "$NO_TLS_OKBENCH" --version
	assert_line --index 1 "TLS: no"
	run --separate-stderr "$NO_TLS_OKBENCH" --help
	assert_output --partial "      --tls ...      TLS and its options: this build has no TLS"
	for opt in --tls --tls-insecure --tls-ca=ca.pem --tls-cert=c.pem --tls-key=k.pem \
		--tls-servername=example.org; do
		run --separate-stderr "$NO_TLS_OKBENCH" "$opt" 127.0.0.1
		assert_equal "$status" 64
		assert_equal "$stderr" "okbench: ${opt%%=*}: this build has no TLS (okbench --version says TLS: no)"$'\n'"$HINT"
	done
	run --separate-stderr "$NO_TLS_OKBENCH" --tls-ca ca.pem
	assert_equal "$status" 64
	assert_equal "$stderr" "okbench: --tls-ca: this build has no TLS (okbench --version says TLS: no)"$'\n'"$HINT"
}

@test "okbench: TLS usage errors: --tls with -U, half a client certificate (exit 64, the hint)" {
	require_tls
	local args expect
	while IFS='|' read -r args expect; do
		# shellcheck disable=SC2086 # the arguments are meant to split into words
		run --separate-stderr "$OKBENCH" $args
		assert_equal "$status" 64
		assert_equal "$stderr" "okbench: $expect"$'\n'"$HINT"
		assert_output ""
	done <<'END'
--tls -U /tmp/x|-U cannot be used with --tls (TLS is for TCP only)
-U /tmp/x --tls-ca ca.pem|-U cannot be used with --tls-ca (TLS is for TCP only)
--tls-cert c.pem 127.0.0.1|--tls-cert needs --tls-key
--tls-key k.pem 127.0.0.1|--tls-key needs --tls-cert
--tls=1|option takes no value: --tls
--tls-ca|option needs a value: --tls-ca
END
	# A file that cannot be used: TLS failed (8), named with the reason, before connecting.
	run --separate-stderr "$OKBENCH" --tls-ca "$BATS_TEST_TMPDIR/none.pem" -n 1 127.0.0.1 1
	assert_equal "$status" 8
	assert_equal "$stderr" "okbench: TLS CA file $BATS_TEST_TMPDIR/none.pem: No such file or directory"
}

@test "okbench: nothing listening: exit 2 naming the address; a name not found: exit 2" {
	start_okserver
	local port=$SERVER_PORT
	stop_okserver # its port is free now: nothing answers there
	run --separate-stderr timeout 20 "$OKBENCH" -d 1 --warmup 0 127.0.0.1 "$port"
	assert_equal "$status" 2
	assert_equal "$stderr" "okbench: connect 127.0.0.1:$port: Connection refused"
	assert_output ""
	run --separate-stderr timeout 20 "$OKBENCH" -d 1 nosuchhost.invalid 4242
	assert_equal "$status" 2
	assert_equal "${stderr%%:*}" "okbench"
	assert_equal "$(cut -d: -f2,3 <<<"$stderr")" " host not found: nosuchhost.invalid"
}

# --- exact counts ---

@test "okbench: -n LINES: exactly LINES replies, and okserver's lines count (SIGUSR1) agrees" {
	start_okserver
	run --separate-stderr timeout 20 "$OKBENCH" -c 4 -P 8 -n 1001 --warmup 0 --format json \
		127.0.0.1 "$SERVER_PORT"
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(json_field "$output" '[.replies, .errors, .lost, .unsent, .failed_connections] | @tsv')" \
		"1001	0	0	0	0"
	assert_equal "$(server_lines)" 1001
}

@test "okbench: -d SECS: every reply counted once, okserver's lines count agrees" {
	start_okserver
	run --separate-stderr timeout 20 "$OKBENCH" -c 8 -P 4 -d 1 --warmup 0 --format json \
		"127.0.0.1:$SERVER_PORT"
	assert_success
	local replies
	replies=$(json_field "$output" .replies)
	[ "$replies" -gt 0 ]
	assert_equal "$(json_field "$output" '[.lost, .errors] | @tsv')" "0	0"
	assert_equal "$(server_lines)" "$replies"
}

@test "okbench: --warmup: the warm-up's lines reach the server but are not counted" {
	start_okserver
	run --separate-stderr timeout 20 "$OKBENCH" -c 2 -n 300 --warmup 1 --format json \
		127.0.0.1 "$SERVER_PORT"
	assert_success
	assert_equal "$(json_field "$output" '[.replies, .warmup_s] | @tsv')" "300	1"
	[ "$(server_lines)" -gt 300 ]
}

@test "okbench: -R RATE -d SECS: exactly RATE x SECS lines, all answered" {
	start_okserver
	run --separate-stderr timeout 20 "$OKBENCH" -c 4 -R 2000 -d 1 --warmup 0 --format json \
		127.0.0.1 "$SERVER_PORT"
	assert_success
	assert_equal "$(json_field "$output" '[.replies, .lost, .unsent, .rate] | @tsv')" "2000	0	0	2000"
	assert_equal "$(server_lines)" 2000
}

# --- the formats ---

@test "okbench: --format json is one object with the counts and the latency percentiles in order" {
	start_okserver
	run --separate-stderr timeout 20 "$OKBENCH" -c 3 -P 2 -n 600 --warmup 0 --format json \
		127.0.0.1 "$SERVER_PORT"
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_equal "$(json_field "$output" 'keys_unsorted | join(" ")')" \
		"target connections depth rate warmup_s replies replies_per_s errors lost unsent failed_connections duration_s latency_us"
	assert_equal "$(json_field "$output" '.latency_us | keys_unsorted | join(" ")')" \
		"min p50 p90 p99 p99.9 p99.99 max"
	assert_equal "$(json_field "$output" '[.target, .connections, .depth, .replies] | @tsv')" \
		"127.0.0.1:$SERVER_PORT	3	2	600"
	# Numbers, in order: min <= p50 <= ... <= max, all above zero; the rate is replies / time.
	assert_equal "$(json_field "$output" '.latency_us | [.[]] | (. == sort) and (.[0] > 0)')" true
	assert_equal "$(json_field "$output" '((.replies_per_s - .replies / .duration_s) | fabs) < (.replies_per_s / 100 + 1)')" true
}

@test "okbench: --format csv is one header line and one row of the same fields" {
	start_okserver
	run --separate-stderr timeout 20 "$OKBENCH" -c 2 -n 100 --warmup 0 --format csv \
		127.0.0.1 "$SERVER_PORT"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 "target,connections,depth,rate,warmup_s,replies,replies_per_s,errors,lost,unsent,failed_connections,duration_s,latency_us_min,latency_us_p50,latency_us_p90,latency_us_p99,latency_us_p99.9,latency_us_p99.99,latency_us_max"
	assert_line --index 1 --regexp "^\"127\.0\.0\.1:$SERVER_PORT\",2,1,0,0,100,[0-9.]+,0,0,0,0,[0-9.]+(,[0-9]+\.[0-9]{3}){7}\$"
	# A CSV reader agrees: each header names its value.
	run python3 -c 'import csv, sys; r = list(csv.DictReader(sys.stdin)); print(len(r), r[0]["replies"], r[0]["lost"], float(r[0]["latency_us_min"]) <= float(r[0]["latency_us_p99.9"]) <= float(r[0]["latency_us_max"]))' <<<"$output"
	assert_output "1 100 0 True"
}

@test "okbench: text output: the counts, seven latency points, a histogram that sums to the replies" {
	start_okserver
	run --separate-stderr env COLUMNS=100 timeout 20 "$OKBENCH" -c 2 -n 500 --warmup 0 \
		127.0.0.1 "$SERVER_PORT"
	assert_success
	assert_line --index 0 "target       127.0.0.1:$SERVER_PORT"
	assert_line --index 1 "load         2 connections, depth 1, 500 lines"
	assert_line --regexp '^replies +500$'
	assert_line --regexp '^errors +0$'
	assert_line --regexp '^lost +0$'
	assert_line --regexp '^failed +0 connections$'
	local p
	for p in min p50 p90 p99 p99.9 p99.99 max; do
		assert_line --regexp "^  ${p//./\\.} +[0-9]+\.[0-9]\$"
	done
	# Rows "FROM - TO COUNT CUM% ###": counts add up to every reply, the last row is at 100%,
	# and no row is wider than the window (COLUMNS).
	assert_equal "$(awk '/^ *[0-9.]+ - +[0-9.]+ / { n += $4 } END { print n }' <<<"$output")" 500
	assert_equal "$(awk '/^ *[0-9.]+ - +[0-9.]+ / { c = $5 } END { print c }' <<<"$output")" "100.00"
	assert_equal "$(awk '/^ *[0-9.]+ - +[0-9.]+ / && length($0) > 100' <<<"$output")" ""
	assert_line --regexp '#{50,}$' # the biggest row's bar fills the window
}

# --- other families and servers ---

@test "okbench: IPv6 ([::1]:PORT, [::1] PORT) and a Unix socket (-U)" {
	OK_TEST_FAMILY=ipv6 start_okserver
	run --separate-stderr timeout 20 "$OKBENCH" -c 2 -n 50 --warmup 0 --format json "[::1]:$SERVER_PORT"
	assert_success
	assert_equal "$(json_field "$output" '[.target, .replies] | @tsv')" "[::1]:$SERVER_PORT	50"
	run --separate-stderr timeout 20 "$OKBENCH" -6 -c 2 -n 50 --warmup 0 --format json ::1 "$SERVER_PORT"
	assert_success
	restart_okserver_unix
	run --separate-stderr timeout 20 "$OKBENCH" -U "$SERVER_SOCK" -c 3 -n 60 --warmup 0 --format json
	assert_success
	assert_equal "$(json_field "$output" '[.target, .replies] | @tsv')" "unix:$SERVER_SOCK	60"
	assert_equal "$(server_lines)" 60
}

restart_okserver_unix() {
	stop_okserver
	OK_TEST_FAMILY=unix start_okserver
}

@test "okbench: against redis-server, each inline PING's +PONG counts as a reply" {
	command -v redis-server >/dev/null || skip "redis-server is not installed"
	local dir=$BATS_TEST_TMPDIR sock=$BATS_TEST_TMPDIR/redis.sock
	# No TCP at all (port 0): its Unix socket only.
	redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no --dir "$dir" \
		</dev/null >"$dir/redis.out" 2>&1 3>&- &
	REDIS_PID=$!
	wait_until 10 test -S "$sock" || fail "redis-server did not start: $(cat "$dir/redis.out")"
	run --separate-stderr timeout 20 "$OKBENCH" -U "$sock" -c 5 -P 4 -n 400 --warmup 0 --format json
	assert_success
	assert_equal "$(json_field "$output" '[.replies, .errors, .lost] | @tsv')" "400	0	0"
}

# --- TLS ---

@test "okbench --tls: redis-server --tls-port: exactly -n replies, ping-pong and -P 32, verified" {
	require_tls
	make_certs
	start_redis_tls "$CERTS/server.pem" "$CERTS/server.key"
	run --separate-stderr timeout 30 "$OKBENCH" --tls --tls-ca "$CERTS/ca.pem" -c 4 -n 1001 \
		--warmup 0 --format json 127.0.0.1 "$REDIS_PORT"
	echo "# ping-pong: $output" >&3
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(json_field "$output" '[.replies, .errors, .lost, .failed_connections] | @tsv')" \
		"1001	0	0	0"
	assert_regex "$(json_field "$output" .tls)" \
		'^TLSv1\.[23] [A-Z0-9_]+, certificate verified for 127\.0\.0\.1$'
	run --separate-stderr timeout 30 "$OKBENCH" --tls-ca "$CERTS/ca.pem" -c 5 -P 32 -n 16000 \
		--warmup 0 --format json 127.0.0.1 "$REDIS_PORT"
	echo "# -P 32: $output" >&3
	assert_success
	assert_equal "$(json_field "$output" '[.replies, .errors, .lost, .failed_connections, .depth] | @tsv')" \
		"16000	0	0	0	32"
	# More connections than okbench shakes hands with at once (64): each one opened and counted.
	run --separate-stderr timeout 60 "$OKBENCH" --tls-ca "$CERTS/ca.pem" -c 150 -P 2 -n 3000 \
		--warmup 0 --format json 127.0.0.1 "$REDIS_PORT"
	assert_success
	assert_equal "$(json_field "$output" '[.connections, .replies, .lost, .failed_connections] | @tsv')" \
		"150	3000	0	0"
	# By name: SNI and the certificate's DNS name; the text report's tls line.
	run --separate-stderr timeout 30 "$OKBENCH" --tls-ca "$CERTS/ca.pem" -c 2 -P 3 -d 1 \
		--warmup 0 localhost "$REDIS_PORT"
	assert_success
	assert_line --regexp '^tls +TLSv1\.[23] [A-Z0-9_]+, certificate verified for localhost$'
	assert_line --regexp '^lost +0$'
}

@test "okbench --tls: through a TLS terminator (socat) to okserver, replies equal its lines count" {
	require_tls
	make_certs
	start_okserver
	start_tls_terminator
	run --separate-stderr timeout 30 "$OKBENCH" --tls --tls-ca "$CERTS/ca.pem" -c 4 -P 8 -n 1001 \
		--warmup 0 --format json 127.0.0.1 "$SOCAT_PORT"
	echo "# -n 1001 -P 8: $output" >&3
	assert_success
	assert_equal "$(json_field "$output" '[.replies, .errors, .lost, .failed_connections] | @tsv')" \
		"1001	0	0	0"
	assert_equal "$(server_lines)" 1001
	# A timed run, ping-pong and pipelined: every reply counted once, as okserver counts lines.
	run --separate-stderr timeout 30 "$OKBENCH" --tls-ca "$CERTS/ca.pem" -c 3 -d 1 --warmup 0 \
		--format json 127.0.0.1 "$SOCAT_PORT"
	echo "# -d 1: $output" >&3
	assert_success
	assert_equal "$(json_field "$output" '[.lost, .errors] | @tsv')" "0	0"
	assert_equal "$(server_lines)" $((1001 + $(json_field "$output" .replies)))
}

@test "okbench --tls: a server the certificate does not verify: exit 8, the reason, no report" {
	require_tls
	make_certs
	start_redis_tls "$CERTS/selfsigned.pem" "$CERTS/selfsigned.key"
	run --separate-stderr timeout 30 "$OKBENCH" --tls --tls-ca "$CERTS/ca.pem" -c 3 -n 10 \
		127.0.0.1 "$REDIS_PORT"
	assert_equal "$status" 8
	assert_equal "$stderr" "okbench: TLS handshake with 127.0.0.1:$REDIS_PORT: certificate verify failed: self-signed certificate"
	assert_output ""
	stop_pid "$REDIS_PID"
	REDIS_PID=
	# A name the certificate is not for; then --tls-insecure, which says so and goes on.
	start_redis_tls "$CERTS/server.pem" "$CERTS/server.key"
	run --separate-stderr timeout 30 "$OKBENCH" --tls-ca "$CERTS/ca.pem" \
		--tls-servername example.org -n 10 127.0.0.1 "$REDIS_PORT"
	assert_equal "$status" 8
	assert_equal "$stderr" "okbench: TLS handshake with 127.0.0.1:$REDIS_PORT: certificate verify failed: hostname mismatch (example.org)"
	run --separate-stderr timeout 30 "$OKBENCH" --tls-insecure -c 2 -n 10 --warmup 0 \
		--format json 127.0.0.1 "$REDIS_PORT"
	assert_success
	assert_equal "$stderr" "okbench: warning: --tls-insecure: the certificate of 127.0.0.1:$REDIS_PORT is not verified"
	assert_equal "$(json_field "$output" '[.replies, (.tls | endswith("certificate NOT verified (--tls-insecure)"))] | @tsv')" \
		"10	true"
}

@test "okbench --tls: a server that does not speak TLS: exit 8, the handshake named" {
	require_tls
	make_certs
	start_okserver
	run --separate-stderr timeout 30 "$OKBENCH" --tls --tls-ca "$CERTS/ca.pem" -n 10 \
		127.0.0.1 "$SERVER_PORT"
	assert_equal "$status" 8
	assert_regex "$stderr" "^okbench: TLS handshake with 127\.0\.0\.1:$SERVER_PORT: .+\$"
	assert_output ""
}

@test "okbench --tls: handshakes that stall: after 10 s each is a TLS failure, the rest unopened, exit 8" {
	require_tls
	make_certs
	# openssl s_server serves one connection at a time: the first shakes hands, the next 64
	# (as many as okbench has at once) wait in its backlog, and the 66th is never opened.
	openssl s_server -accept 127.0.0.1:0 -rev -cert "$CERTS/server.pem" \
		-cert_chain "$CERTS/inter.pem" -key "$CERTS/server.key" </dev/null \
		>"$BATS_TEST_TMPDIR/s_server.out" 2>&1 3>&- &
	SOCAT_PID=$! # stopped in teardown like the other peers
	local line port
	line=$(wait_for_file_line "$BATS_TEST_TMPDIR/s_server.out" '^ACCEPT ' 10) ||
		fail "no s_server: $(cat "$BATS_TEST_TMPDIR/s_server.out")"
	port=${line##*:}
	run --separate-stderr timeout 60 "$OKBENCH" --tls-ca "$CERTS/ca.pem" -c 66 -d 1 --warmup 0 \
		--format json 127.0.0.1 "$port"
	assert_equal "$status" 8
	assert_equal "$stderr" "okbench: 1 of 66 connections could not be opened: no TLS handshake with 127.0.0.1:$port ended for 10 s
okbench: 64 of 66 connections failed TLS: TLS handshake with 127.0.0.1:$port: timed out (no handshake ended for 10 s)"
	assert_equal "$(json_field "$output" '[.failed_connections, .lost] | @tsv')" "65	0"
}

# --- errors and lost replies ---

@test "okbench: ERR replies are errors, a connection the server closes is failed, and lost: exit 1" {
	start_okserver --max-line 8
	run --separate-stderr timeout 20 "$OKBENCH" -c 3 -n 30 --warmup 0 --format json \
		--line "longer than eight" 127.0.0.1 "$SERVER_PORT"
	assert_equal "$status" 1
	# Each connection: one ERR line answers its first line, then the server closes it; the
	# line sent after the ERR line got no reply.
	assert_equal "$(json_field "$output" '[.replies, .errors, .failed_connections] | @tsv')" "3	3	3"
	assert_equal "$(json_field "$output" '.lost')" 3
}

# --- -R: a fixed schedule, no coordinated omission ---

# bench_bg ARGS...: okbench in the background, its report in $BATS_TEST_TMPDIR/bench.out.
bench_bg() {
	"$OKBENCH" "$@" </dev/null >"$BATS_TEST_TMPDIR/bench.out" 2>"$BATS_TEST_TMPDIR/bench.err" 3>&- &
	BENCH_PID=$!
}

bench_ended() {
	! kill -0 "$BENCH_PID" 2>/dev/null
}

# bench_wait: waits (30 s at most) for it to end; its exit status in BENCH_STATUS.
bench_wait() {
	wait_until 30 bench_ended || fail "okbench did not end"
	BENCH_STATUS=0
	wait "$BENCH_PID" || BENCH_STATUS=$?
	BENCH_PID=
}

@test "okbench: -R 1000 with the server stopped for 1 s: the stall shows in p99.9 (and not without)" {
	start_okserver
	bench_bg -c 10 -R 1000 -d 3 --warmup 0 --format json 127.0.0.1 "$SERVER_PORT"
	sleep 1
	kill -STOP "$SERVER_PID"
	sleep 1
	kill -CONT "$SERVER_PID"
	bench_wait
	local out
	out=$(cat "$BATS_TEST_TMPDIR/bench.out")
	echo "# stalled: $out" >&3
	assert_equal "$BENCH_STATUS" 0
	assert_equal "$(json_field "$out" '[.replies, .lost, .unsent] | @tsv')" "3000	0	0"
	# Every line due while it was stopped waited for it: a second's worth, from its due time.
	assert_equal "$(json_field "$out" '.latency_us["p99.9"] >= 500000')" true
	assert_equal "$(json_field "$out" '.latency_us["p99"] >= 500000')" true
	# The control run, the same load with no stall.
	run --separate-stderr timeout 20 "$OKBENCH" -c 10 -R 1000 -d 2 --warmup 0 --format json \
		127.0.0.1 "$SERVER_PORT"
	echo "# control: $output" >&3
	assert_success
	assert_equal "$(json_field "$output" '[.replies, .lost] | @tsv')" "2000	0"
	assert_equal "$(json_field "$output" '.latency_us["p99.9"] < 500000')" true
}

# --- signals, --idle ---

@test "okbench: SIGINT ends the run early; the replies due are waited for and reported" {
	start_okserver
	bench_bg -c 4 -d 60 --warmup 0 --format json 127.0.0.1 "$SERVER_PORT"
	wait_until 10 server_answered_over 100 || fail "no load reached the server"
	kill -INT "$BENCH_PID"
	bench_wait
	local out
	out=$(cat "$BATS_TEST_TMPDIR/bench.out")
	assert_equal "$BENCH_STATUS" 0
	assert_equal "$(json_field "$out" '[.lost, .errors] | @tsv')" "0	0"
	assert_equal "$(server_lines)" "$(json_field "$out" .replies)"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/bench.err")" ""
}

@test "okbench: a stop just before a wait with no time limit ends the run: lost, exit 1" {
	# With -n, no -R and standard error not a terminal, the loop waits with no time limit for a
	# server that never answers. tests/tools/shim/raise_shim.c raises SIGTERM just before that
	# wait, after the loop's last look at its stop flag: a signal let in all along is missed
	# there, and okbench would wait for a second one.
	local preload=LD_PRELOAD start
	require_binary "$TOOLS/raise_shim.so"
	[ -z "${OK_UNDER_EMULATOR:-}" ] || preload=QEMU_SET_ENV=LD_PRELOAD
	start_fake silent
	start=$SECONDS
	run --separate-stderr timeout 20 env "$preload=$TOOLS/raise_shim.so" OK_TEST_RAISE=15 \
		"$OKBENCH" -c 1 -n 1000000 --warmup 0 --format json 127.0.0.1 "$FAKE_PORT"
	# The line in flight is waited for (5 s, okbench(1)), then reported lost (SPEC 12: exit 1).
	assert_equal "$status" 1
	assert_equal "$(json_field "$output" '[.replies, .lost, .failed_connections] | @tsv')" "0	1	0"
	assert_equal "$stderr" ""
	[ $((SECONDS - start)) -le $((8 * $(tool_slowdown))) ] ||
		fail "okbench took $((SECONDS - start)) s to end"
}

# bench_stopped_at N ARGS...: okbench ARGS, SIGINT raised as its Nth socket is made
# (tests/tools/shim/raise_shim.c): the stop comes while the connections open.
bench_stopped_at() {
	local preload=LD_PRELOAD n=$1
	shift
	require_binary "$TOOLS/raise_shim.so"
	[ -z "${OK_UNDER_EMULATOR:-}" ] || preload=QEMU_SET_ENV=LD_PRELOAD
	run --separate-stderr timeout 20 env "$preload=$TOOLS/raise_shim.so" OK_TEST_RAISE=2 \
		OK_TEST_RAISE_SOCKET="$n" "$OKBENCH" "$@"
}

@test "okbench: a stop while the connections open: those not opened are no failure, no exit 2" {
	start_okserver
	# The 10th connection is made, then the stop ends the opening and the run.
	bench_stopped_at 10 -c 50 -d 60 --warmup 0 --format json 127.0.0.1 "$SERVER_PORT"
	assert_success
	assert_equal "$stderr" "okbench: stopped while opening: 40 of 50 connections not opened"
	assert_equal "$(json_field "$output" '[.replies, .failed_connections, .lost, .errors] | @tsv')" \
		"10	0	0	0"
	assert_equal "$(server_lines)" 10
}

@test "okbench --tls: a stop while the handshakes go on: those cut short are no failure" {
	require_tls
	make_certs
	start_okserver --tls-cert "$CERTS/server.pem" --tls-key "$CERTS/server.key"
	# The first connection shakes hands alone; the stop comes as the 10th is made, so the
	# handshakes of the 2nd to the 10th are cut short (but for those the server has answered
	# by the time each began: then one call finishes it) and the 11th to the 50th never begin.
	bench_stopped_at 10 --tls-ca "$CERTS/ca.pem" -c 50 -d 60 --warmup 0 --format json \
		127.0.0.1 "$SERVER_PORT"
	assert_success
	assert_regex "$stderr" '^okbench: stopped while opening: [0-9]+ of 50 connections not opened$'
	local skipped=${stderr#okbench: stopped while opening: }
	skipped=${skipped%% *}
	echo "# not opened: $skipped" >&3
	[ "$skipped" -ge 40 ] || fail "only $skipped of 50 connections not opened"
	# Each connection whose handshake was done sent one line, answered.
	assert_equal "$(json_field "$output" '[.replies, .failed_connections, .lost, .errors] | @tsv')" \
		"$((50 - skipped))	0	0	0"
}

@test "okbench: --idle: one line on each connection, then all held open until -d or a signal" {
	start_okserver
	bench_bg --idle -c 20 -d 60 --format json 127.0.0.1 "$SERVER_PORT"
	wait_for_file_line "$BATS_TEST_TMPDIR/bench.err" '^okbench: holding 20 connections$' 10 ||
		fail "not held: $(cat "$BATS_TEST_TMPDIR/bench.err")"
	kill -USR1 "$SERVER_PID"
	wait_until 5 grep -q 'stats:' "$SERVER_ERR"
	run grep 'stats:' "$SERVER_ERR"
	assert_output --regexp ' open=20 accepted=20 refused=0 lines=20 '
	kill -TERM "$BENCH_PID"
	bench_wait
	assert_equal "$BENCH_STATUS" 0
	assert_equal "$(json_field "$(cat "$BATS_TEST_TMPDIR/bench.out")" '[.replies, .lost] | @tsv')" "20	0"
}

# --- the status line ---

@test "okbench: stderr not a terminal: nothing on it during the run" {
	start_okserver
	run --separate-stderr timeout 20 "$OKBENCH" -c 2 -d 2 --warmup 1 127.0.0.1 "$SERVER_PORT"
	assert_success
	assert_equal "$stderr" ""
}

@test "okbench: stderr a terminal (tmux): a status line about once a second, cleared at the end" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	start_okserver
	TTY_SOCKET=$BATS_TEST_TMPDIR/tmux.sock
	[ "${#TTY_SOCKET}" -lt 100 ] ||
		TTY_SOCKET=/tmp/okbench-tmux-$(printf '%s' "$BATS_TEST_TMPDIR" | cksum | tr ' ' -)
	local out=$BATS_TEST_TMPDIR/report done=$BATS_TEST_TMPDIR/done
	tmux -S "$TTY_SOCKET" -f /dev/null new-session -d -x 80 -y 24 \
		"$(printf '%q ' "$OKBENCH" -c 2 -d 3 --warmup 1 127.0.0.1 "$SERVER_PORT") >$(printf '%q' "$out"); echo \$? >$(printf '%q' "$done"); sleep 60" ||
		fail "tmux did not start"
	# (µ may reach the screen as one or two characters, whatever the locale.)
	local re='^okbench: [0-9]+ s, [0-9]+ replies/s, p99 [0-9]+\.[0-9] .{1,2}s$'
	wait_until 10 screen_shows "$re" || {
		tmux -S "$TTY_SOCKET" capture-pane -p >&2
		fail "no status line on the terminal"
	}
	wait_until 15 test -s "$done" || fail "okbench did not end"
	assert_equal "$(cat "$done")" 0
	# Cleared at the end: the screen holds no status line, the report went to the file.
	run tmux -S "$TTY_SOCKET" capture-pane -p
	refute_output --partial 'okbench:'
	run cat "$out"
	assert_line --regexp '^replies +[0-9]+$'
}
