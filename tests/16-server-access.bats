#!/usr/bin/env bats
# 16-server-access.bats - who may connect (SPEC 11): --allow, --deny, --access-file and SIGHUP,
# --max-per-address, --proxy-from behind a real HAProxy; clients bound to 127.0.0.2, 127.0.0.3.

load helpers
load server_helpers
bats_require_minimum_version 1.5.0

setup() {
	require_binary "$OKSERVER"
	command -v socat >/dev/null || skip "socat is not installed: run 'make deps'"
}

teardown() {
	close_peers
	kill_bg
	stop_pid "${HAPROXY_PID:-}"
	HAPROXY_PID=
}

# from ADDR FORMAT: printf FORMAT to the server from source address ADDR (IPv4, or ::1 for
# IPv6 to [::1]), half-closes, prints the replies through cat -A.
from() {
	local to=(127.0.0.1 "$SERVER_PORT")
	[ "$1" = ::1 ] && to=(-6 ::1 "$SERVER_PORT")
	# shellcheck disable=SC2059 # a printf format by contract, as for talk
	printf "$2" | timeout 10 nc -N -s "$1" "${to[@]}" | cat -A
}

# listen_from ADDR [PORT]: connects from ADDR and only reads (sending nothing, not even a FIN)
# until the server closes; prints what came, through cat -A. A denied peer: nothing, at once.
listen_from() {
	timeout 20 socat -u "TCP:127.0.0.1:${2:-$SERVER_PORT},bind=$1" - | cat -A
}

# hold NAME SOCAT_ADDRESS: a connection kept open, fed through a fifo (peer_send NAME FORMAT,
# peer_close NAME), its replies in $BATS_TEST_TMPDIR/NAME.out (peer_out NAME), as open_peer.
hold() {
	local name=$1 fifo=$BATS_TEST_TMPDIR/$1.in fd
	mkfifo "$fifo"
	socat -t 1 - "$2" <"$fifo" >"$BATS_TEST_TMPDIR/$name.out" 2>&1 3>&- &
	BG_PIDS+=("$!")
	exec {fd}>"$fifo"
	printf -v "PEER_FD_$name" %s "$fd"
	PEER_FDS+=("$fd")
}

# hold_from NAME ADDR: hold a connection to the server from ADDR (IPv4, or ::1).
hold_from() {
	if [ "$2" = ::1 ]; then
		hold "$1" "TCP6:[::1]:$SERVER_PORT,bind=[::1]"
	else
		hold "$1" "TCP:127.0.0.1:$SERVER_PORT,bind=$2"
	fi
}

# got NAME TEXT: waits until peer NAME has received TEXT (a grep -F pattern).
got() {
	wait_until 5 grep -q -F -- "$2" "$BATS_TEST_TMPDIR/$1.out" ||
		fail "$1 got no '$2': $(peer_out "$1")"
}

# count_is N PATTERN: the server's stderr has exactly N lines matching PATTERN (grep -E).
count_is() {
	[ "$(grep -c -E -- "$2" "$SERVER_ERR")" -eq "$1" ]
}

# logged N PATTERN: waits until the server's stderr has N lines matching PATTERN (grep -E).
logged() {
	wait_until 5 count_is "$1" "$2" || fail "not $1 lines '$2' in the log: $(cat "$SERVER_ERR")"
}

# stats_line: asks for the stats line (SIGUSR1), prints it without the uptime.
stats_line() {
	local n
	n=$(grep -c 'stats:' "$SERVER_ERR")
	kill -USR1 "$SERVER_PID"
	logged $((n + 1)) 'stats:'
	grep 'stats:' "$SERVER_ERR" | tail -1 | sed 's/uptime_s=[0-9]* //'
}

# free_port: a TCP port nobody on this machine uses now, below the ephemeral range (the caller
# still retries if it is taken in between).
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		ss -Htan "sport = :$p" | grep -q . || break
	done
	echo "$p"
}

# haproxy_up: HAProxy listens on both its ports, or it has died (then haproxy_alive fails).
haproxy_up() {
	! kill -0 "$HAPROXY_PID" 2>/dev/null ||
		{ ss -Htln "sport = :$HAPROXY_V1" | grep -q . && ss -Htln "sport = :$HAPROXY_V2" | grep -q .; }
}

# start_haproxy [V1_OPTIONS [V2_OPTIONS]]: HAProxy (-db, in the foreground, killed by pid) in
# front of the server: clients of 127.0.0.1:HAPROXY_V1 are relayed with send-proxy, those of
# HAPROXY_V2 with send-proxy-v2; HAProxy's own connections come from 127.0.0.9, so
# --proxy-from 127.0.0.9 names it. The options go on the server line of each.
start_haproxy() {
	command -v haproxy >/dev/null || skip "haproxy is not installed: run 'make deps'"
	local cfg=$BATS_TEST_TMPDIR/haproxy.cfg
	for _ in 1 2 3 4 5; do
		HAPROXY_V1=$(free_port)
		HAPROXY_V2=$(free_port)
		cat >"$cfg" <<END
global
    maxconn 200
defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend relay_v1
    bind 127.0.0.1:$HAPROXY_V1
    default_backend okserver_v1
frontend relay_v2
    bind 127.0.0.1:$HAPROXY_V2
    default_backend okserver_v2
backend okserver_v1
    server ok 127.0.0.1:$SERVER_PORT send-proxy source 127.0.0.9 ${1:-}
backend okserver_v2
    server ok 127.0.0.1:$SERVER_PORT send-proxy-v2 source 127.0.0.9 ${2:-}
END
		haproxy -f "$cfg" -db </dev/null >"$BATS_TEST_TMPDIR/haproxy.log" 2>&1 3>&- &
		HAPROXY_PID=$!
		wait_until 10 haproxy_up
		kill -0 "$HAPROXY_PID" 2>/dev/null && return 0
		wait "$HAPROXY_PID" 2>/dev/null || true # a port taken meanwhile: try others
	done
	fail "haproxy did not start: $(cat "$cfg" "$BATS_TEST_TMPDIR/haproxy.log")"
}

# via VERSION ADDR FORMAT: as from, but through HAProxy's send-proxy (1) or send-proxy-v2 (2)
# frontend, from source address ADDR.
via() {
	local port=$HAPROXY_V1
	[ "$1" = 2 ] && port=$HAPROXY_V2
	# shellcheck disable=SC2059 # a printf format by contract, as for talk
	printf "$3" | timeout 10 socat -t 5 - "TCP:127.0.0.1:$port,bind=$2" | cat -A
}

# usage_error EXPECTED ARGS...: okserver ARGS exits 64 with exactly EXPECTED and the hint.
usage_error() {
	local want=$1
	shift
	run --separate-stderr timeout 10 "$OKSERVER" "$@"
	assert_equal "$status" 64
	assert_equal "$output" ""
	assert_equal "$stderr" "$want
$HINT"
}

# --- the options ---

@test "access: a network that is not valid is a usage error naming it" {
	usage_error "okserver: --allow: 10.0.0.1/8: bits set beyond the /8 prefix" --allow 10.0.0.1/8
	usage_error "okserver: --deny: 127.1: not an IPv4 address (four decimal parts of 0-255)" \
	    --deny 127.1
	usage_error "okserver: --deny: ::1/129: prefix length over 128" --deny ::1/129
	usage_error "okserver: --allow: [::1]: not an IPv6 address" --allow 10.0.0.0/8 --allow '[::1]'
	usage_error "okserver: --proxy-from: 10.0.0.0/33: prefix length over 32" \
	    --proxy-from 10.0.0.0/33
	usage_error "okserver: --proxy-from: fe80::1%lo: not an IPv6 address" --proxy-from 'fe80::1%lo'
	usage_error "okserver: max-per-address not a number: x" --max-per-address x
	usage_error "okserver: max-per-address too large: 1000001" --max-per-address 1000001
	usage_error "okserver: only one --access-file: b" --access-file a --access-file b
	usage_error "okserver: access file name is empty: ''" --access-file ''
	usage_error "okserver: access file /nonexistent/rules: No such file or directory" \
	    --access-file /nonexistent/rules
	usage_error "okserver: access file $BATS_TEST_TMPDIR: not a regular file" \
	    --access-file "$BATS_TEST_TMPDIR"
}

@test "access: --help names every option of section 11" {
	run "$OKSERVER" --help
	assert_success
	local opt
	for opt in '--allow CIDR' '--deny CIDR' '--access-file FILE' '--max-per-address N' \
	    '--proxy-from CIDR' 'ERR too many connections'; do
		assert_output --partial "$opt"
	done
}

# --- --allow and --deny ---

@test "access: --deny closes that peer at once with nothing sent, no greeting; others are served" {
	start_okserver -v --deny 127.0.0.2 --greeting hello
	run listen_from 127.0.0.2
	assert_success
	assert_output ""
	run from 127.0.0.2 'x\n'
	assert_output ""
	run from 127.0.0.3 'x\n'
	assert_output 'hello$
OK$'
	run from 127.0.0.1 'x\n'
	assert_output 'hello$
OK$'
	logged 2 '^okserver: denied 127\.0\.0\.2:[0-9]+$'
	# Denied: no "connected" or "closed" line, only the two that were served have them.
	logged 2 ' connected$'
	logged 0 '127\.0\.0\.2:[0-9]+ (connected|closed)'
}

@test "access: with --allow only the peers allowed come in; a deny wins over an allow" {
	start_okserver -v --allow 127.0.0.0/30 --allow 127.0.0.3 --deny 127.0.0.2
	run from 127.0.0.1 'x\n'
	assert_output 'OK$'
	run from 127.0.0.3 'x\n'
	assert_output 'OK$'
	run from 127.0.0.2 'x\n'
	assert_output ''
	run from 127.0.0.4 'x\n'
	assert_output ''
	logged 1 '^okserver: denied 127\.0\.0\.2:[0-9]+$'
	logged 1 '^okserver: denied 127\.0\.0\.4:[0-9]+$'
	logged 2 ' closed '
	run stats_line
	assert_output "okserver: stats: open=0 accepted=4 refused=0 lines=2 bytes_in=4 bytes_out=6$(tls_tail) denied=2"
}

@test "access: IPv6 rules; -v names a denied IPv6 peer in brackets" {
	start_okserver -v -b ::1 -b 127.0.0.1 --deny ::1
	run from ::1 'x\n'
	assert_output ''
	logged 1 '^okserver: denied \[::1\]:[0-9]+$'
	run from 127.0.0.1 'x\n'
	assert_output 'OK$'
	restart_okserver -v -b ::1 --allow ::1/128
	run from ::1 'x\n'
	assert_output 'OK$'
	restart_okserver -v -b ::1 --allow 2001:db8::/32 --allow 127.0.0.0/8
	run from ::1 'x\n'
	assert_output ''
	logged 1 '^okserver: denied \[::1\]:[0-9]+$'
}

@test "access: a dual-stack listener (-b ::) matches an IPv4 peer as IPv4, and names it so" {
	start_okserver -v -b :: --deny 127.0.0.2 --deny ::ffff:127.0.0.3
	run from 127.0.0.2 'x\n'
	assert_output ''
	run from 127.0.0.3 'x\n'
	assert_output ''
	run from 127.0.0.1 'x\n'
	assert_output 'OK$'
	run from ::1 'x\n'
	assert_output 'OK$'
	logged 1 '^okserver: denied 127\.0\.0\.2:[0-9]+$'
	logged 1 '^okserver: denied 127\.0\.0\.3:[0-9]+$'
	logged 1 '^okserver: 127\.0\.0\.1:[0-9]+ connected$'
	# An IPv4 rule holds no IPv6 peer: with an allow list of IPv4 only, ::1 is out.
	restart_okserver -v -b :: --allow 127.0.0.0/8
	run from 127.0.0.2 'x\n'
	assert_output 'OK$'
	run from ::1 'x\n'
	assert_output ''
	logged 1 '^okserver: denied \[::1\]:[0-9]+$'
}

@test "access: Unix-socket peers are not filtered" {
	local sock=$BATS_TEST_TMPDIR/ok.sock
	start_okserver -v -U "$sock" --allow 10.0.0.0/8 --deny 0.0.0.0/0 --deny ::/0
	run from 127.0.0.1 'x\n'
	assert_output ''
	run bash -c "printf 'x\n' | timeout 10 nc -N -U '$sock' | cat -A"
	assert_output 'OK$'
	logged 1 '^okserver: denied 127\.0\.0\.1:[0-9]+$'
	logged 1 '^okserver: unix closed \(eof\), 1 lines answered$'
}

# --- --access-file and SIGHUP ---

@test "access: --access-file rules, comments and blank lines, together with the options" {
	local rules=$BATS_TEST_TMPDIR/rules
	printf '# who may come in\n\nallow 127.0.0.0/24   # the loopback\n\tdeny 127.0.0.2\r\n' >"$rules"
	start_okserver -v --access-file "$rules" --deny 127.0.0.3
	run from 127.0.0.1 'x\n'
	assert_output 'OK$'
	run from 127.0.0.2 'x\n'
	assert_output ''
	run from 127.0.0.3 'x\n'
	assert_output ''
	run from 127.0.1.1 'x\n'
	assert_output ''
	logged 1 ' closed '
	run stats_line
	assert_output "okserver: stats: open=0 accepted=4 refused=0 lines=1 bytes_in=2 bytes_out=3$(tls_tail) denied=3"
}

@test "access: an access file with a faulty line at start: exit 64 naming FILE:LINE" {
	local rules=$BATS_TEST_TMPDIR/rules
	printf 'allow 127.0.0.0/8\n# fine so far\npermit 127.0.0.2\n' >"$rules"
	usage_error "okserver: $rules:3: a rule starts with allow or deny" -p 0 --access-file "$rules"
	printf 'allow 127.0.0.0/8\n\ndeny 127.0.0.1/8\n' >"$rules"
	usage_error "okserver: $rules:3: 127.0.0.1/8: bits set beyond the /8 prefix" \
	    -p 0 --access-file "$rules"
	printf 'deny 127.0.0.2 127.0.0.3\n' >"$rules"
	usage_error "okserver: $rules:1: more than one network on the line" -p 0 --access-file "$rules"
	# Relative, it is named as given.
	printf 'allow\n' >"$rules"
	cd "$BATS_TEST_TMPDIR"
	usage_error "okserver: rules:1: allow without a network" -p 0 --access-file rules
}

@test "access: SIGHUP reads the access file again and goes on; a faulty one keeps the old rules" {
	local rules=$BATS_TEST_TMPDIR/rules
	printf 'deny 127.0.0.2\n' >"$rules"
	start_okserver -v --access-file "$rules"
	run from 127.0.0.2 'x\n'
	assert_output ''
	run from 127.0.0.3 'x\n'
	assert_output 'OK$'
	# New rules: for new connections; a connection open meanwhile goes on.
	hold_from held 127.0.0.3
	peer_send held 'a\n'
	got held 'OK'
	printf 'allow 127.0.0.0/8\ndeny 127.0.0.3\n' >"$rules"
	kill -HUP "$SERVER_PID"
	logged 1 "^okserver: access rules read again from $rules: 1 allow, 1 deny\$"
	run from 127.0.0.2 'x\n'
	assert_output 'OK$'
	run from 127.0.0.3 'x\n'
	assert_output ''
	peer_send held 'Qbye\n'
	got held 'Qbye'
	# A faulty file: logged with FILE:LINE, the rules read last stay.
	printf 'deny 127.0.0.2\n\nallow 10.0.0.1/8\n' >"$rules"
	kill -HUP "$SERVER_PID"
	logged 1 "^okserver: $rules:3: 10\\.0\\.0\\.1/8: bits set beyond the /8 prefix; the access rules stay as they were\$"
	run from 127.0.0.2 'x\n'
	assert_output 'OK$'
	run from 127.0.0.3 'x\n'
	assert_output ''
	rm "$rules"
	kill -HUP "$SERVER_PID"
	logged 1 "^okserver: access file $rules: No such file or directory; the access rules stay as they were\$"
	run from 127.0.0.3 'x\n'
	assert_output ''
	kill -0 "$SERVER_PID"
	logged 4 ' closed '
	run stats_line
	assert_output "okserver: stats: open=0 accepted=8 refused=0 lines=5 bytes_in=13 bytes_out=17$(tls_tail) denied=4"
}

@test "access: -d, a relative access file: SIGHUP still finds it after the chdir" {
	local pidfile=$BATS_TEST_TMPDIR/ok.pid log=$BATS_TEST_TMPDIR/ok.log out
	cd "$BATS_TEST_TMPDIR"
	printf 'deny 127.0.0.2\n' >rules
	out=$(timeout 5 "$OKSERVER" -d -v -p 0 --pidfile "$pidfile" --log "$log" --access-file rules)
	SERVER_PID=$(cat "$pidfile")
	SERVER_PORT=${out##*:}
	run from 127.0.0.2 'x\n'
	assert_output ''
	printf 'deny 127.0.0.3\n' >rules
	kill -HUP "$SERVER_PID"
	wait_until 5 grep -q 'access rules read again from rules: 0 allow, 1 deny$' "$log" ||
		fail "$(cat "$log")"
	run from 127.0.0.2 'x\n'
	assert_output 'OK$'
	run from 127.0.0.3 'x\n'
	assert_output ''
}

# --- --max-per-address ---

@test "access: --max-per-address N: the next from that address gets ERR too many connections" {
	start_okserver -v --max-per-address 2
	hold_from a 127.0.0.2
	hold_from b 127.0.0.2
	peer_send a 'a\n'
	peer_send b 'b\n'
	got a OK
	got b OK
	run from 127.0.0.2 'x\n'
	assert_output 'ERR too many connections$'
	run listen_from 127.0.0.2
	assert_output 'ERR too many connections$'
	logged 2 '^okserver: 127\.0\.0\.2:[0-9]+ closed \(too many\), 0 lines answered$'
	run from 127.0.0.3 'x\n'
	assert_output 'OK$'
	# One ends: its address may have one more.
	peer_send a 'Qa\n'
	got a Qa
	logged 1 'closed \(quit\)'
	run from 127.0.0.2 'x\n'
	assert_output 'OK$'
	logged 5 ' closed '
	# In: a b x Qa x (the refused one's line too, read while it lingers). Out: 4 OK, Qa, 2 ERR.
	run stats_line
	assert_output "okserver: stats: open=1 accepted=6 refused=2 lines=5 bytes_in=13 bytes_out=65$(tls_tail) denied=0"
}

@test "access: --max-per-address counts an IPv6 peer by its /64; Unix peers are not counted" {
	local sock=$BATS_TEST_TMPDIR/ok.sock
	start_okserver -v -b ::1 -U "$sock" --max-per-address 1
	hold_from a ::1
	peer_send a 'a\n'
	got a OK
	run from ::1 'x\n'
	assert_output 'ERR too many connections$'
	hold u1 "UNIX-CONNECT:$sock"
	hold u2 "UNIX-CONNECT:$sock"
	peer_send u1 'a\n'
	peer_send u2 'b\n'
	got u1 OK
	got u2 OK
	# Addresses of one /64, relayed by PROXY headers, count as one; the next /64 is another.
	restart_okserver -v --max-per-address 1 --proxy-from 127.0.0.9
	hold_from p1 127.0.0.9
	peer_send p1 'PROXY TCP6 2001:db8::1 ::1 40000 4242\r\nx\n'
	got p1 OK
	run from 127.0.0.9 'PROXY TCP6 2001:db8::ffff:2 ::1 40001 4242\r\nx\n'
	assert_output 'ERR too many connections$'
	run from 127.0.0.9 'PROXY TCP6 2001:db8:0:1::1 ::1 40002 4242\r\nx\n'
	assert_output 'OK$'
	logged 1 '^okserver: \[2001:db8::ffff:2\]:40001 closed \(too many\)'
}

@test "access: the per-address count follows every way a connection ends" {
	start_okserver -v --max-per-address 1 --idle-timeout 1 --max-line 8
	local n=0
	# ended_then_next K: once K more connections are closed, a new one from 127.0.0.1 is served
	# (so none is counted any more), and closes.
	ended_then_next() {
		n=$((n + $1))
		logged "$n" ' closed '
		run from 127.0.0.1 'x\n'
		assert_output 'OK$'
		n=$((n + 1))
		logged "$n" ' closed '
	}
	run from 127.0.0.1 'Qbye\n' # Q
	assert_output 'Qbye$'
	ended_then_next 1
	run from 127.0.0.1 'a\n' # EOF: the client half-closed
	assert_output 'OK$'
	ended_then_next 1
	run listen_from 127.0.0.1 # idle timeout
	assert_output 'ERR idle timeout$'
	ended_then_next 1
	run from 127.0.0.1 'a line far too long\n' # line too long
	assert_output 'ERR line too long$'
	ended_then_next 1
	run timeout 10 "$TOOLS/client_rude" "$SERVER_PORT" 1 1 reset # reset
	assert_output 'done 1'
	ended_then_next 1
	logged 1 'closed \(error: Connection reset by peer\)'
	hold_from a 127.0.0.1 # refused as too many
	peer_send a 'a\n'
	got a OK
	run from 127.0.0.1 'x\n'
	assert_output 'ERR too many connections$'
	peer_close a
	ended_then_next 2
	logged 1 'closed \(too many\)'
	# Refused as full: not counted either.
	restart_okserver -v --max-per-address 1 --max-clients 1
	n=0
	hold_from b 127.0.0.1
	peer_send b 'a\n'
	got b OK
	run from 127.0.0.1 'x\n'
	assert_output 'ERR server full$'
	peer_close b
	ended_then_next 2
	logged 1 'closed \(full\)'
	# In: a, the refused one's x (read while it lingers), x. Out: 2 OK, "ERR server full".
	run stats_line
	assert_output "okserver: stats: open=0 accepted=3 refused=1 lines=2 bytes_in=6 bytes_out=22$(tls_tail) denied=0"
}

# --- --proxy-from: the PROXY protocol, with HAProxy ---

@test "access: behind HAProxy (send-proxy, send-proxy-v2), -v names the real client" {
	start_okserver -v --proxy-from 127.0.0.9
	start_haproxy
	run via 1 127.0.0.2 'hello\nQbye\n'
	assert_output 'OK$
Qbye$'
	run via 2 127.0.0.3 'hello\r\nQbye\r\n'
	assert_output 'OK^M$
Qbye^M$'
	logged 1 '^okserver: 127\.0\.0\.2:[0-9]+ connected \(PROXY v1 from 127\.0\.0\.9:[0-9]+\)$'
	logged 1 '^okserver: 127\.0\.0\.2:[0-9]+ closed \(quit\), 2 lines answered$'
	logged 1 '^okserver: 127\.0\.0\.3:[0-9]+ connected \(PROXY v2 from 127\.0\.0\.9:[0-9]+\)$'
	logged 1 '^okserver: 127\.0\.0\.3:[0-9]+ closed \(quit\), 2 lines answered$'
	# The port is the client's own.
	local port
	port=$(free_port)
	run timeout 10 socat -t 5 - "TCP:127.0.0.1:$HAPROXY_V1,bind=127.0.0.2:$port" <<<'Qport'
	assert_output 'Qport'
	logged 1 "^okserver: 127\\.0\\.0\\.2:$port connected \\(PROXY v1 from 127\\.0\\.0\\.9:[0-9]+\\)\$"
}

@test "access: behind HAProxy, the access rules judge the client, and HAProxy is let in by --proxy-from" {
	start_okserver -v --proxy-from 127.0.0.9 --allow 127.0.0.0/30 --deny 127.0.0.2
	start_haproxy
	run via 1 127.0.0.2 'x\n'
	assert_output ''
	run via 2 127.0.0.2 'x\n'
	assert_output ''
	run via 1 127.0.0.3 'x\n'
	assert_output 'OK$'
	run via 2 127.0.0.3 'x\n'
	assert_output 'OK$'
	logged 2 '^okserver: denied 127\.0\.0\.2:[0-9]+$'
	logged 0 'denied 127\.0\.0\.9'
	# Directly, 127.0.0.9 would be denied (not in the allow list), but it must send a header.
	run from 127.0.0.9 'x\n'
	assert_output ''
	logged 1 '^okserver: 127\.0\.0\.9:[0-9]+ closed \(PROXY header: not a PROXY protocol header\)$'
	logged 2 ' closed \(eof\)'
	run stats_line
	assert_output --regexp "^okserver: stats: open=0 accepted=5 refused=0 lines=2 bytes_in=[0-9]+ bytes_out=6$(tls_tail) denied=2\$"
}

@test "access: behind HAProxy, --max-per-address counts the client's address" {
	start_okserver -v --proxy-from 127.0.0.9 --max-per-address 1
	start_haproxy
	hold a "TCP:127.0.0.1:$HAPROXY_V1,bind=127.0.0.2"
	peer_send a 'a\n'
	got a OK
	run via 2 127.0.0.2 'x\n'
	assert_output 'ERR too many connections$'
	run via 1 127.0.0.3 'x\n'
	assert_output 'OK$'
	logged 1 '^okserver: 127\.0\.0\.2:[0-9]+ closed \(too many\), 0 lines answered$'
}

@test "access: HAProxy's health checks (v2 LOCAL) keep the real peer" {
	start_okserver -v --proxy-from 127.0.0.9 --deny 127.0.0.9
	start_haproxy '' 'check check-send-proxy inter 200ms'
	# send-proxy-v2's checks say LOCAL: the peer stays HAProxy's own address, let in by
	# --proxy-from though a rule denies it.
	wait_until 5 grep -q -E '^okserver: 127\.0\.0\.9:[0-9]+ connected \(PROXY v2, no client named\)$' \
	    "$SERVER_ERR" || fail "no LOCAL health check: $(cat "$SERVER_ERR")"
	run grep -c 'denied' "$SERVER_ERR"
	assert_output 0
}

# --- --proxy-from: the header itself ---

@test "access: PROXY UNKNOWN (v1) and LOCAL (v2) keep the real peer" {
	start_okserver -v --proxy-from 127.0.0.9
	run from 127.0.0.9 'PROXY UNKNOWN\r\nx\n'
	assert_output 'OK$'
	run from 127.0.0.9 'PROXY UNKNOWN ffff::1 ffff::2 1 2\r\nx\n'
	assert_output 'OK$'
	# v2 LOCAL, no address block, then a line.
	run from 127.0.0.9 '\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00x\n'
	assert_output 'OK$'
	# v2 LOCAL whose (ignored) block says IPv4.
	run from 127.0.0.9 '\r\n\r\n\0\r\nQUIT\n\x20\x11\x00\x0c\x01\x02\x03\x04\x05\x06\x07\x08\x00\x01\x00\x02x\n'
	assert_output 'OK$'
	logged 2 '^okserver: 127\.0\.0\.9:[0-9]+ connected \(PROXY v1, no client named\)$'
	logged 2 '^okserver: 127\.0\.0\.9:[0-9]+ connected \(PROXY v2, no client named\)$'
	logged 4 '^okserver: 127\.0\.0\.9:[0-9]+ closed \(eof\), 1 lines answered$'
	# The real peer is counted: one at a time from 127.0.0.9.
	restart_okserver -v --proxy-from 127.0.0.9 --max-per-address 1
	hold_from a 127.0.0.9
	peer_send a 'PROXY UNKNOWN\r\na\n'
	got a OK
	run from 127.0.0.9 'PROXY UNKNOWN\r\nx\n'
	assert_output 'ERR too many connections$'
	# A v2 PROXY relaying an IPv4 client: that client.
	run from 127.0.0.9 '\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\x0a\x01\x02\x03\x7f\x00\x00\x01\x9c\x40\x10\x92x\n'
	assert_output 'OK$'
	logged 1 '^okserver: 10\.1\.2\.3:40000 connected \(PROXY v2 from 127\.0\.0\.9:[0-9]+\)$'
}

@test "access: a --proxy-from peer without a header is closed at the deadline, nothing sent" {
	start_okserver -v --proxy-from 127.0.0.9 --idle-timeout 1
	local t0=$SECONDS
	run listen_from 127.0.0.9
	assert_success
	assert_output ''
	[ $((SECONDS - t0)) -le 4 ]
	logged 1 '^okserver: 127\.0\.0\.9:[0-9]+ closed \(PROXY header: not whole within 1 s\)$'
	# A header trickling in does not move the deadline.
	hold_from slow 127.0.0.9
	peer_send slow 'PROXY'
	sleep 0.5
	peer_send slow ' TCP4'
	logged 2 'closed \(PROXY header: not whole within 1 s\)$'
	# Others are served meanwhile, and the idle timeout is still 1 s for them.
	run from 127.0.0.1 'x\n'
	assert_output 'OK$'
	logged 0 'connected \(PROXY'
}

@test "access: without a smaller --idle-timeout, the header's deadline is 10 seconds" {
	start_okserver -v --proxy-from 127.0.0.9 --idle-timeout 30
	local t0=$SECONDS
	run listen_from 127.0.0.9
	assert_output ''
	[ $((SECONDS - t0)) -ge 9 ] || fail "closed after $((SECONDS - t0)) s"
	[ $((SECONDS - t0)) -le 12 ] || fail "closed after $((SECONDS - t0)) s"
	logged 1 '^okserver: 127\.0\.0\.9:[0-9]+ closed \(PROXY header: not whole within 10 s\)$'
}

@test "access: a malformed or cut-short header from a --proxy-from peer is closed and logged" {
	start_okserver --proxy-from 127.0.0.9
	run from 127.0.0.9 'hello\n'
	assert_output ''
	run from 127.0.0.9 'PROXY TCP4 10.0.0.1 10.0.0.2 99999 80\r\nx\n'
	assert_output ''
	run from 127.0.0.9 'PROXY TCP4 10.0.0.1 10.0.0.2 1 80\nx\n'
	assert_output ''
	run from 127.0.0.9 '\r\n\r\n\0\r\nQUIT\n\x31\x11\x00\x0c'
	assert_output ''
	run from 127.0.0.9 'PROXY TCP4 10.0.0.1'
	assert_output ''
	logged 5 '^okserver: 127\.0\.0\.9:[0-9]+ closed \(PROXY header: .+\)$'
	logged 1 'closed \(PROXY header: not a PROXY protocol header\)$'
	logged 1 'closed \(PROXY header: PROXY v2: version is not 2\)$'
	logged 1 'closed \(PROXY header: the input ended before it was whole\)$'
	run stats_line
	assert_output --regexp "^okserver: stats: open=0 accepted=5 refused=0 lines=0 bytes_in=[0-9]+ bytes_out=0$(tls_tail) denied=0\$"
}

@test "access: from any other peer a PROXY header is just a line" {
	start_okserver -v --proxy-from 127.0.0.9
	run from 127.0.0.1 'PROXY TCP4 10.0.0.1 127.0.0.1 1 2\r\nx\n'
	assert_output 'OK^M$
OK$'
	logged 1 '^okserver: 127\.0\.0\.1:[0-9]+ connected$'
	logged 0 '10\.0\.0\.1'
}

@test "access: the header's address is judged by the access rules, and -v names it" {
	start_okserver -v --proxy-from 127.0.0.9 --deny 10.0.0.0/8 --deny 2001:db8::/32
	run from 127.0.0.9 'PROXY TCP4 10.1.2.3 127.0.0.1 5555 4242\r\nx\n'
	assert_output ''
	run from 127.0.0.9 'PROXY TCP6 2001:db8::7 ::1 5556 4242\r\nx\n'
	assert_output ''
	run from 127.0.0.9 'PROXY TCP6 ::ffff:10.9.9.9 ::1 5557 4242\r\nx\n'
	assert_output ''
	run from 127.0.0.9 'PROXY TCP4 192.0.2.1 127.0.0.1 5558 4242\r\nx\n'
	assert_output 'OK$'
	logged 1 '^okserver: denied 10\.1\.2\.3:5555$'
	logged 1 '^okserver: denied \[2001:db8::7\]:5556$'
	logged 1 '^okserver: denied 10\.9\.9\.9:5557$'
	logged 1 '^okserver: 192\.0\.2\.1:5558 connected \(PROXY v1 from 127\.0\.0\.9:[0-9]+\)$'
	logged 1 '^okserver: 192\.0\.2\.1:5558 closed \(eof\), 1 lines answered$'
	run stats_line
	assert_output --regexp "^okserver: stats: open=0 accepted=4 refused=0 lines=1 bytes_in=[0-9]+ bytes_out=3$(tls_tail) denied=3\$"
}

@test "access: SIGHUP with nothing to reload still stops a foreground server" {
	start_okserver --deny 127.0.0.2 --max-per-address 1 --proxy-from 127.0.0.9
	kill -HUP "$SERVER_PID"
	wait_gone "$SERVER_PID" 5
}
