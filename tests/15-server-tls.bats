#!/usr/bin/env bats
# 15-server-tls.bats - okserver over TLS (SPEC section 10, okserver(1)): the tools people have
# (openssl s_client, socat, ncat, Python's ssl) against --tls-cert/--tls-key/--tls-ca; the
# handshake's deadline and place in --max-clients, close_notify both ways, SIGHUP reloads,
# tls_failed, idle memory, the build without TLS.

load helpers
load server_helpers
bats_require_minimum_version 1.5.0

# OpenSSL's start (its configuration, its providers) takes seconds under valgrind on a busy
# machine: the ready line may take that long.
if [ -n "${OK_UNDER_VALGRIND:-}${OK_UNDER_SANITIZER:-}" ]; then
	# shellcheck disable=SC2034 # start_okserver (helpers.bash) reads it
	READY_SECONDS=30
fi

# The certificates are made once for the file, never committed (tests/tls-certs.sh), plus a
# second server certificate for the reload tests: the same names, serial 2002 (07D2) where the
# first has 2001 (07D1), "O = okchat reloaded" in its subject.
setup_file() {
	export CERTS=$BATS_FILE_TMPDIR/certs
	"$TOP/tests/tls-certs.sh" "$CERTS" || return 1
	make_reload_cert "$CERTS" || return 1
	# Has the okserver under test TLS? A build without it refuses --tls-cert (64).
	local rc=0
	"$OKSERVER" --tls-cert /nonexistent --tls-key /nonexistent -p 0 >/dev/null 2>&1 </dev/null ||
		rc=$?
	export OK_TLS_BUILD=$((rc != 64))
}

make_reload_cert() (
	cd "$1" || exit 1
	umask 077
	printf '[s]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1\n' >ext.cnf
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out reload.key 2>/dev/null &&
		openssl req -new -key reload.key -subj "/CN=localhost/O=okchat reloaded" \
			-out reload.csr 2>/dev/null &&
		openssl x509 -req -in reload.csr -CA inter.pem -CAkey inter.key -set_serial 2002 \
			-days 3650 -extfile ext.cnf -extensions s -out reload.pem 2>/dev/null &&
		cat inter.pem >>reload.pem && rm -f reload.csr ext.cnf
)

# Every test but the last needs TLS in the okserver under test; the last tests the build
# without it.
setup() {
	require_binary "$OKSERVER"
	if [ "$OK_TLS_BUILD" != 1 ] && [[ $BATS_TEST_DESCRIPTION != *"without TLS"* ]]; then
		skip "this okserver is built without TLS (make TLS=0)"
	fi
}

# start_tls [ARGS...]: start_okserver with the test certificate (its chain) and key.
start_tls() {
	start_okserver --tls-cert "$CERTS/server.pem" --tls-key "$CERTS/server.key" "$@"
}

# s_client [ARGS...]: openssl s_client to the server, which must prove itself (chain to ca.pem,
# name localhost) or the handshake fails. -quiet (which implies -ign_eof): stdout is the
# replies alone, and the input's end is not the connection's end: it ends when the server
# closes.
s_client() {
	timeout 10 openssl s_client -connect "127.0.0.1:$SERVER_PORT" -CAfile "$CERTS/ca.pem" \
		-verify_return_error -verify_hostname localhost "$@"
}

# tls_talk FORMAT [CAFILE]: talk through socat's OPENSSL address, verifying the server against
# CAFILE (default the test CA); socat ends its input with close_notify and reads on until the
# server's.
tls_talk() {
	# shellcheck disable=SC2059 # a printf format by contract, as for talk
	printf "$1" | timeout 10 socat -t 5 - \
		"OPENSSL:127.0.0.1:$SERVER_PORT,cafile=${2:-$CERTS/ca.pem}" 2>/dev/null | cat -A
}

# open_tls_peer NAME: open_peer (server_helpers.bash) over TLS: a socat OPENSSL connection fed
# through a fifo, verifying the server; peer_send, peer_out, peer_close as for open_peer.
open_tls_peer() {
	local name=$1 fifo=$BATS_TEST_TMPDIR/$1.in fd
	mkfifo "$fifo"
	socat -t 1 - "OPENSSL:127.0.0.1:$SERVER_PORT,cafile=$CERTS/ca.pem" <"$fifo" \
		>"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- &
	BG_PIDS+=("$!")
	printf -v "PEER_PID_$name" %s "$!"
	exec {fd}>"$fifo"
	printf -v "PEER_FD_$name" %s "$fd"
	PEER_FDS+=("$fd")
}

# stats_more_than N: the server's stderr has more than N stats lines.
stats_more_than() {
	[ "$(grep -c 'stats:' "$SERVER_ERR")" -gt "$1" ]
}

# stats_line: asks for the stats line (SIGUSR1), waits for it, prints it without the prefix
# and the uptime.
stats_line() {
	local before
	before=$(grep -c 'stats:' "$SERVER_ERR" || true)
	kill -USR1 "$SERVER_PID"
	wait_until 5 stats_more_than "$before"
	grep 'stats:' "$SERVER_ERR" | tail -1 | sed 's/^okserver: stats: uptime_s=[0-9]* //'
}

# served_serial: the serial number of the certificate a new connection is served (the first
# one s_client shows).
served_serial() {
	s_client -showcerts </dev/null 2>/dev/null | openssl x509 -noout -serial
}

# --- the tools people have ---

@test "tls: openssl s_client, TLS 1.3: the chain verifies, lines answered as in plain TCP" {
	start_tls -v
	run --separate-stderr s_client -quiet < <(printf 'hello\r\nx\n\nQuit\nafter\n')
	assert_success
	assert_equal "$output" "$(printf 'OK\r\nOK\nOK\nQuit')"
	wait_until 5 grep -q ' closed ' "$SERVER_ERR"
	run cat "$SERVER_ERR"
	assert_line --index 0 --regexp '^okserver: started, version [0-9.]+, pid [0-9]+, listening on 127\.0\.0\.1:[0-9]+$'
	assert_line --index 1 --regexp '^okserver: 127\.0\.0\.1:[0-9]+ connected$'
	assert_line --index 2 --regexp '^okserver: 127\.0\.0\.1:[0-9]+ TLS: TLSv1\.3 TLS_AES_256_GCM_SHA384$'
	assert_line --index 3 --regexp '^okserver: 127\.0\.0\.1:[0-9]+ closed \(quit\), 4 lines answered$'
	# The ready line is as without TLS.
	assert_equal "$(cat "$SERVER_OUT")" "listening on 127.0.0.1:$SERVER_PORT"
}

@test "tls: TLS 1.3 resumption: one ticket a connection, and the next connection resumes from it" {
	start_tls
	local sess=$BATS_TEST_TMPDIR/session.pem
	# -ign_eof: s_client reads on after its input, until the server closes after the Q echo,
	# so the tickets that come after the handshake are read (and the last one saved).
	run --separate-stderr s_client -ign_eof -sess_out "$sess" < <(printf 'PING\nQuit\n')
	assert_success
	assert_line 'New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384'
	assert_equal "$(grep -c '^Post-Handshake New Session Ticket arrived:' <<<"$output")" 1
	assert_equal "$(grep -E '^(OK|Quit)$' <<<"$output")" $'OK\nQuit'
	run --separate-stderr s_client -ign_eof -sess_in "$sess" < <(printf 'PING\nQuit\n')
	assert_success
	assert_line 'Reused, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384'
	assert_equal "$(grep -c '^Post-Handshake New Session Ticket arrived:' <<<"$output")" 1
	assert_equal "$(grep -E '^(OK|Quit)$' <<<"$output")" $'OK\nQuit'
}

@test "tls: openssl s_client -tls1_2 is served; -tls1_1 and -tls1 are refused" {
	start_tls -v
	run --separate-stderr s_client -quiet -tls1_2 < <(printf 'a\nQuit\n')
	assert_success
	assert_equal "$output" 'OK
Quit'
	wait_until 5 grep -q 'TLS: TLSv1\.2 ' "$SERVER_ERR"
	grep -E -q '127\.0\.0\.1:[0-9]+ TLS: TLSv1\.2 ECDHE-ECDSA-AES256-GCM-SHA384$' "$SERVER_ERR"
	# @SECLEVEL=0: the client offers the old protocol whatever the system's policy; the server
	# must be the one that refuses it.
	local old
	for old in -tls1_1 -tls1; do
		run --separate-stderr s_client -quiet "$old" -cipher 'DEFAULT:@SECLEVEL=0' </dev/null
		assert_failure
		assert_equal "$output" ""
		assert_regex "$stderr" 'alert protocol version'
	done
	wait_until 5 log_count_is 2 'closed (TLS handshake failed: unsupported protocol), 0 lines'
}

@test "tls: socat OPENSSL: verifies the server; close_notify ends the input, every line answered" {
	start_tls -v
	# No LF after the last line: the client's close_notify ends it, as a half-close does.
	run tls_talk 'a\r\nb\n\nc'
	assert_output 'OK^M$
OK$
OK$
OK$'
	wait_until 5 grep -q ' closed ' "$SERVER_ERR"
	grep -E -q '127\.0\.0\.1:[0-9]+ closed \(eof\), 4 lines answered$' "$SERVER_ERR"
	# A client that does not trust the server's chain refuses it.
	run tls_talk 'a\n' "$CERTS/selfsigned.pem"
	assert_output ''
	wait_until 5 grep -q 'closed (TLS handshake failed: tlsv1 alert unknown ca)' "$SERVER_ERR"
}

@test "tls: after the client's close_notify the server answers, then ends with its own" {
	start_tls
	# socat's debug log shows each SSL_read's result: 0 is the server's close_notify (a TCP
	# close without one would be an error, -1).
	run bash -c "printf 'a\nb' | timeout 10 socat -d -d -d -d -t 5 - \
		OPENSSL:127.0.0.1:$SERVER_PORT,cafile=$CERTS/ca.pem 2>&1"
	assert_success
	assert_line 'OK'
	assert_equal "$(grep -c '^OK$' <<<"$output")" 2
	assert_line --regexp 'SSL_read\(\) -> 0$'
	refute_output --partial 'unexpected eof'
}

@test "tls: ncat --ssl with --ssl-verify is answered" {
	command -v ncat >/dev/null || skip "ncat is not installed: run 'make deps'"
	start_tls -v
	# ncat checks DNS names only (not an address's SAN): it connects as localhost. At the end
	# of its input it closes without close_notify, so the conversation ends with Q.
	run bash -c "printf 'a\r\nb\nQuit\n' | timeout 10 ncat --ssl --ssl-verify \
		--ssl-trustfile '$CERTS/ca.pem' localhost '$SERVER_PORT' | cat -A"
	assert_success
	assert_output 'OK^M$
OK$
Quit$'
	run --separate-stderr bash -c "printf 'a\n' | timeout 10 ncat --ssl --ssl-verify \
		--ssl-trustfile '$CERTS/selfsigned.pem' localhost '$SERVER_PORT'"
	assert_failure
	assert_equal "$output" ''
	wait_until 5 grep -q 'closed (TLS handshake failed: tlsv1 alert unknown ca)' "$SERVER_ERR"
}

@test "tls: Python's ssl module: verified, answered, and the server ends with close_notify" {
	command -v python3 >/dev/null || skip "python3 is not installed: run 'make deps'"
	start_tls
	# suppress_ragged_eofs=False: a TCP close without close_notify raises SSLEOFError instead
	# of reading as the end.
	run timeout 10 python3 - "$SERVER_PORT" "$CERTS/ca.pem" <<'EOF'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost", suppress_ragged_eofs=False) as s:
        print(s.version(), s.cipher()[0])
        s.sendall(b"one\r\ntwo\nQuit\n")
        got = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        print(repr(got))
        print("close_notify")
EOF
	assert_success
	assert_output "TLSv1.3 TLS_AES_256_GCM_SHA384
b'OK\\r\\nOK\\nQuit\\n'
close_notify"
}

@test "tls: a record and half the next in one segment: the first answered, no spin on the half, the rest completes it" {
	command -v python3 >/dev/null || skip "python3 is not installed: run 'make deps'"
	start_tls
	# A hostile client with its own record layer (Python's ssl over memory buffers): it sends
	# one record and half of the next at once, then holds the rest for a second, while another
	# client is served. The server reads ahead (both in one read): it must answer the first,
	# wait for the socket without spinning on the half (its CPU is measured), then finish it.
	run timeout 20 python3 - "$SERVER_PORT" "$CERTS/ca.pem" "$SERVER_PID" <<'EOF'
import os, socket, ssl, sys, time
port, ca, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
raw = socket.create_connection(("127.0.0.1", port), timeout=5)
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ctx.wrap_bio(inc, out, server_hostname="localhost")

def flush():
    data = out.read()
    if data:
        raw.sendall(data)

def feed():
    data = raw.recv(65536)
    if not data:
        raise SystemExit("closed")
    inc.write(data)

while True:
    try:
        tls.do_handshake()
        break
    except ssl.SSLWantReadError:
        flush()
        feed()
flush()

def reply():
    while True:
        try:
            return tls.read(4096)
        except ssl.SSLWantReadError:
            feed()

def cpu_ticks():
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])

tls.write(b"first\n")
first = out.read()
tls.write(b"second\n")
second = out.read()
half = len(second) // 2
raw.sendall(first + second[:half])
print(reply())
with socket.create_connection(("127.0.0.1", port), timeout=5) as r2:
    with ctx.wrap_socket(r2, server_hostname="localhost") as other:
        other.sendall(b"other\n")
        print("other", other.recv(64))
# Nothing is left to do but wait for the rest: a second of it costs (almost) no CPU, even
# under valgrind; a loop reading the half again would take the whole second.
before = cpu_ticks()
time.sleep(1)
spent = cpu_ticks() - before
print("spin" if spent > 20 else "no spin", file=sys.stderr if spent > 20 else sys.stdout)
raw.sendall(second[half:])
print(reply())
tls.write(b"Quit\n")
flush()
print(reply())
EOF
	assert_success
	assert_output "b'OK\\n'
other b'OK\\n'
no spin
b'OK\\n'
b'Quit\\n'"
}

@test "tls: the ERR lines and the greeting inside TLS, each end followed by close_notify" {
	start_tls --max-line 4 --idle-timeout 1 --greeting hi
	run --separate-stderr s_client -quiet < <(printf 'abcd\r\nabcde\r\nnot read\n')
	assert_success
	assert_equal "$output" "$(printf 'hi\nOK\r\nERR line too long\r')"
	# No input: after a second of silence, the idle timeout.
	run --separate-stderr s_client -quiet < <(sleep 3)
	assert_success
	assert_equal "$output" 'hi
ERR idle timeout'
	# s_client prints "closed" when a close_notify, not a bare TCP close, ends the connection.
	run --separate-stderr s_client -ign_eof < <(printf 'x\n'; sleep 3)
	assert_success
	assert_line 'ERR idle timeout'
	assert_equal "${lines[-1]}" 'closed'
	restart_okserver --tls-cert "$CERTS/server.pem" --tls-key "$CERTS/server.key"
	open_tls_peer p
	peer_send p 'x\r\n'
	wait_until 5 has_lines "$BATS_TEST_TMPDIR/p.out" 1
	kill -TERM "$SERVER_PID"
	wait_gone "$PEER_PID_p" 10
	assert_equal "$(peer_out p)" 'OK^M$
ERR server shutting down^M$'
}

@test "tls: a client sending 50 MB without reading: bounded memory, every reply arrives" {
	start_tls
	local base rss
	run tls_talk 'warm up\n'
	base=$(rss_kb "$SERVER_PID")
	start_bg flood "$TOOLS/tls_flood" "$SERVER_PORT" 50 10 "$BATS_TEST_TMPDIR/go" \
		"$CERTS/ca.pem"
	wait_until 30 grep -q stalled "$BATS_TEST_TMPDIR/flood.out"
	rss=$(rss_kb "$SERVER_PID")
	touch "$BATS_TEST_TMPDIR/go"
	wait_gone "$LAST_PID" 60
	run cat "$BATS_TEST_TMPDIR/flood.out"
	assert_line --index 1 "lines 5242880 replies 5242880 bad 0"
	echo "# rss before ${base} kB, while stalled ${rss} kB" >&3
	under_tool "RSS growth under 4 MB" || [ $((rss - base)) -lt 4096 ]
}

# --- mutual TLS ---

@test "tls: --tls-ca: a client certificate that verifies is let in, -v says so" {
	start_tls -v --tls-ca "$CERTS/ca.pem"
	run --separate-stderr s_client -quiet -cert "$CERTS/client.pem" -key "$CERTS/client.key" \
		< <(printf 'x\nQuit\n')
	assert_success
	assert_equal "$output" 'OK
Quit'
	wait_until 5 grep -q ' closed ' "$SERVER_ERR"
	grep -E -q '127\.0\.0\.1:[0-9]+ TLS: TLSv1\.3 TLS_AES_256_GCM_SHA384, client certificate verified$' \
		"$SERVER_ERR"
}

@test "tls: --tls-ca: no client certificate, or one that does not verify: closed, -v says why" {
	start_tls -v --tls-ca "$CERTS/ca.pem"
	# TLS 1.3: the client hears of the refusal at its first read, after its handshake.
	run --separate-stderr s_client -quiet < <(printf 'x\n')
	assert_failure
	assert_equal "$output" ""
	assert_regex "$stderr" 'alert certificate required'
	run --separate-stderr s_client -quiet -cert "$CERTS/selfsigned.pem" \
		-key "$CERTS/selfsigned.key" < <(printf 'x\n')
	assert_failure
	assert_equal "$output" ""
	assert_regex "$stderr" 'alert unknown ca'
	wait_until 5 log_count_is 2 ' closed '
	run grep ' closed ' "$SERVER_ERR"
	assert_line --index 0 --regexp '^okserver: 127\.0\.0\.1:[0-9]+ closed \(TLS handshake failed: peer did not return a certificate\), 0 lines answered$'
	assert_line --index 1 --regexp '^okserver: 127\.0\.0\.1:[0-9]+ closed \(TLS handshake failed: certificate verify failed: self-signed certificate\), 0 lines answered$'
	refute_line --partial ' TLS: TLSv'
}

# --- the handshake: its deadline, its place among the clients ---

@test "tls: a stalled handshake never delays a busy client, and is closed silently at the deadline" {
	start_tls -v --idle-timeout 2
	local t0=$SECONDS
	open_peer stall # TCP, and not a byte sent
	wait_until 5 log_count_is 1 ' connected$'
	# Meanwhile a TLS client is served: a hundred lines and Q, all answered at once.
	local input
	input=$(printf 'line %d\n' $(seq 100))
	run --separate-stderr s_client -quiet < <(printf '%s\nQuit\n' "$input")
	assert_success
	assert_equal "$(grep -c '^OK$' <<<"$output")" 100
	assert_line --index 100 'Quit'
	kill -0 "$PEER_PID_stall" # the stalled one is still waiting
	wait_gone "$PEER_PID_stall" 10
	assert_equal "$(peer_out stall)" '' # closed without a reply
	[ $((SECONDS - t0)) -ge 2 ]
	grep -E -q '127\.0\.0\.1:[0-9]+ closed \(TLS handshake too slow\), 0 lines answered$' \
		"$SERVER_ERR"
	run stats_line
	assert_output 'open=0 accepted=2 refused=0 lines=101 bytes_in=797 bytes_out=305 tls_failed=1 denied=0'
}

@test "tls: the handshake deadline is 10 s even when --idle-timeout is longer" {
	start_tls -v --idle-timeout 30
	local t0=$SECONDS
	open_peer stall
	wait_gone "$PEER_PID_stall" 20
	local took=$((SECONDS - t0))
	[ "$took" -ge 9 ] && [ "$took" -le 13 ] || fail "closed after ${took} s, not 10"
	grep -q 'closed (TLS handshake too slow), 0 lines answered' "$SERVER_ERR"
}

@test "tls: a handshake counts in --max-clients; one refused hears ERR server full inside TLS" {
	start_tls -v --max-clients 1 --idle-timeout 3
	open_peer stall # takes the one place while in its handshake
	wait_until 5 log_count_is 1 ' connected$'
	run --separate-stderr s_client -quiet </dev/null
	assert_success
	assert_equal "$output" 'ERR server full'
	# One that is refused and fails its handshake as well is just closed.
	run talk 'not TLS\n'
	assert_output ''
	wait_gone "$PEER_PID_stall" 10
	wait_until 5 log_count_is 3 ' closed '
	run grep ' closed ' "$SERVER_ERR"
	assert_line --regexp 'closed \(full\), 0 lines answered$'
	assert_line --regexp 'closed \(TLS handshake failed: [a-z ]+\), 0 lines answered$'
	assert_line --regexp 'closed \(TLS handshake too slow\), 0 lines answered$'
	# The place is free again.
	run tls_talk 'x\n'
	assert_output 'OK$'
	run stats_line
	assert_output 'open=0 accepted=4 refused=1 lines=1 bytes_in=2 bytes_out=19 tls_failed=2 denied=0'
}

@test "tls: a client closing TCP without close_notify: logged and closed, others unharmed" {
	start_tls -v
	open_tls_peer cut
	peer_send cut 'x\ny'
	wait_until 5 has_lines "$BATS_TEST_TMPDIR/cut.out" 1
	kill -KILL "$PEER_PID_cut" # the kernel closes its socket: a FIN, no close_notify
	wait_until 5 grep -q ' closed ' "$SERVER_ERR"
	# "y" is not a line: a truncation is not an end of input.
	grep -E -q '127\.0\.0\.1:[0-9]+ closed \(error: connection closed without close_notify\), 1 lines answered$' \
		"$SERVER_ERR"
	run tls_talk 'z\n'
	assert_output 'OK$'
	run stats_line
	assert_output 'open=0 accepted=2 refused=0 lines=2 bytes_in=5 bytes_out=6 tls_failed=0 denied=0'
}

# --- SIGHUP ---

@test "tls: SIGHUP reloads the certificate for new connections; an open one goes on" {
	local dir=$BATS_TEST_TMPDIR
	cp "$CERTS/server.pem" "$dir/cert.pem"
	cp "$CERTS/server.key" "$dir/key.pem"
	start_okserver -v --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem"
	assert_equal "$(served_serial)" 'serial=07D1'
	open_tls_peer old
	peer_send old 'before\n'
	wait_until 5 has_lines "$dir/old.out" 1
	cp "$CERTS/reload.pem" "$dir/cert.pem"
	cp "$CERTS/reload.key" "$dir/key.pem"
	kill -HUP "$SERVER_PID"
	wait_until 5 grep -q 'TLS reloaded' "$SERVER_ERR"
	assert_equal "$(served_serial)" 'serial=07D2'
	run bash -c "timeout 10 openssl s_client -connect 127.0.0.1:$SERVER_PORT \
		-CAfile '$CERTS/ca.pem' </dev/null 2>/dev/null | openssl x509 -noout -subject"
	assert_output 'subject=CN = localhost, O = okchat reloaded'
	# The open connection keeps its session, and the server was not stopped (TLS: foreground
	# SIGHUP reloads).
	peer_send old 'after\n'
	wait_until 5 has_lines "$dir/old.out" 2
	assert_equal "$(peer_out old)" 'OK$
OK$'
	kill -0 "$SERVER_PID"
	assert_equal "$(grep -c 'TLS reloaded' "$SERVER_ERR")" 1
}

@test "tls: a reload that fails keeps the old certificate and says why" {
	local dir=$BATS_TEST_TMPDIR
	cp "$CERTS/server.pem" "$dir/cert.pem"
	cp "$CERTS/server.key" "$dir/key.pem"
	start_okserver --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem"
	cp "$CERTS/other.key" "$dir/key.pem" # matches no certificate
	kill -HUP "$SERVER_PID"
	wait_until 5 grep -q 'TLS reload failed' "$SERVER_ERR"
	run cat "$SERVER_ERR"
	assert_output "okserver: TLS reload failed, the previous certificate stays: TLS key $dir/key.pem: does not match the certificate $dir/cert.pem"
	assert_equal "$(served_serial)" 'serial=07D1'
	rm "$dir/cert.pem"
	kill -HUP "$SERVER_PID"
	wait_until 5 log_count_is 2 'TLS reload failed'
	run tail -1 "$SERVER_ERR"
	assert_output "okserver: TLS reload failed, the previous certificate stays: TLS certificate $dir/cert.pem: No such file or directory"
	run tls_talk 'x\n'
	assert_output 'OK$'
}

@test "tls: SIGHUP with --log and TLS reopens the log and reloads both" {
	local dir=$BATS_TEST_TMPDIR
	start_tls --log "$dir/ok.log"
	mv "$dir/ok.log" "$dir/ok.log.1"
	kill -HUP "$SERVER_PID"
	wait_until 5 grep -q 'TLS reloaded' "$dir/ok.log"
	kill -0 "$SERVER_PID"
	run tls_talk 'x\n'
	assert_output 'OK$'
}

# --- counting, listeners, memory ---

@test "tls: the stats line counts each kind of failed handshake in tls_failed" {
	start_tls -v --idle-timeout 1
	run tls_talk 'x\n' # one that succeeds
	assert_output 'OK$'
	run talk 'hello\n' # not TLS at all
	assert_output ''
	run s_client -quiet -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null # refused by TLS
	assert_failure
	open_peer stall # past the deadline
	wait_gone "$PEER_PID_stall" 10
	wait_until 5 log_count_is 4 ' closed '
	run stats_line
	assert_output 'open=0 accepted=4 refused=0 lines=1 bytes_in=2 bytes_out=3 tls_failed=3 denied=0'
}

@test "tls: the stats line of a TLS build has tls_failed=0 without TLS in use" {
	start_okserver
	run talk 'x\n'
	run stats_line
	assert_output 'open=0 accepted=1 refused=0 lines=1 bytes_in=2 bytes_out=3 tls_failed=0 denied=0'
}

@test "tls: a Unix-socket listener stays plain beside a TLS TCP one" {
	start_tls -U "$BATS_TEST_TMPDIR/ok.sock"
	run cat "$SERVER_OUT"
	assert_output "listening on 127.0.0.1:$SERVER_PORT
listening on unix:$BATS_TEST_TMPDIR/ok.sock"
	run bash -c "printf 'x\r\nQuit\n' | timeout 10 nc -N -U '$BATS_TEST_TMPDIR/ok.sock' | cat -A"
	assert_output 'OK^M$
Quit$'
	run tls_talk 'y\n'
	assert_output 'OK$'
	run talk 'plain on TLS\n'
	assert_output ''
}

@test "tls: socket activation: the passed TCP listener speaks TLS, the Unix one stays plain" {
	command -v systemd-socket-activate >/dev/null || skip "systemd-socket-activate is not installed"
	local sock=$BATS_TEST_TMPDIR/sa.sock port
	start_okserver # only to find a free port: systemd-socket-activate will not take port 0
	port=$SERVER_PORT
	stop_okserver
	start_bg sa systemd-socket-activate -l "$sock" -l "127.0.0.1:$port" "$OKSERVER" \
		--tls-cert "$CERTS/server.pem" --tls-key "$CERTS/server.key"
	SERVER_PID=$LAST_PID SERVER_PORT=$port
	wait_until 5 eval "ss -Htln 'sport = :$port' | grep -q LISTEN"
	run tls_talk 'x\r\n'
	assert_output 'OK^M$'
	run bash -c "printf 'y\n' | timeout 10 socat -t 5 - 'UNIX-CONNECT:$sock' | cat -A"
	assert_output 'OK$'
	run talk 'plain on TLS\n'
	assert_output ''
	assert_equal "$(grep '^listening on ' "$BATS_TEST_TMPDIR/sa.out")" "listening on unix:$sock
listening on 127.0.0.1:$port"
}

@test "tls: an idle TLS connection holds at most 16 KiB of the server" {
	start_tls --max-clients 2000
	local n=1000 base rss
	under_tool "memory per connection" && n=50
	start_bg warm "$TOOLS/tls_idle" "$SERVER_PORT" 20 0 "$BATS_TEST_TMPDIR/end" "$CERTS/ca.pem"
	wait_until 30 grep -q '^idle 20$' "$BATS_TEST_TMPDIR/warm.out"
	base=$(rss_kb "$SERVER_PID")
	# Ten handshakes at a time: clients arriving, not one burst (see okserver(1)).
	start_bg idle "$TOOLS/tls_idle" "$SERVER_PORT" "$n" 10 "$BATS_TEST_TMPDIR/end" \
		"$CERTS/ca.pem"
	wait_until 120 grep -q "^idle $n\$" "$BATS_TEST_TMPDIR/idle.out" ||
		fail "$(cat "$BATS_TEST_TMPDIR/idle.out")"
	rss=$(rss_kb "$SERVER_PID")
	echo "# $n idle TLS connections: $(((rss - base) * 1024 / n)) bytes each" >&3
	under_tool "16 KiB per idle TLS connection" || [ $(((rss - base) * 1024 / n)) -le 16384 ]
	touch "$BATS_TEST_TMPDIR/end"
	wait_until 30 grep -q '^done$' "$BATS_TEST_TMPDIR/idle.out"
}

@test "tls: 1000 idle mutual-TLS connections are served; their memory is measured" {
	start_tls --max-clients 2000 --tls-ca "$CERTS/ca.pem"
	local n=1000 base rss
	under_tool "memory per connection" && n=50
	start_bg warm "$TOOLS/tls_idle" "$SERVER_PORT" 20 0 "$BATS_TEST_TMPDIR/end" \
		"$CERTS/ca.pem" "$CERTS/client.pem" "$CERTS/client.key"
	wait_until 30 grep -q '^idle 20$' "$BATS_TEST_TMPDIR/warm.out"
	base=$(rss_kb "$SERVER_PID")
	start_bg idle "$TOOLS/tls_idle" "$SERVER_PORT" "$n" 10 "$BATS_TEST_TMPDIR/end" \
		"$CERTS/ca.pem" "$CERTS/client.pem" "$CERTS/client.key"
	wait_until 120 grep -q "^idle $n\$" "$BATS_TEST_TMPDIR/idle.out" ||
		fail "$(cat "$BATS_TEST_TMPDIR/idle.out")"
	rss=$(rss_kb "$SERVER_PID")
	# Not bounded by the 16 KiB of plain TLS: OpenSSL keeps each client's certificate with its
	# session, about 10 KiB more (okserver(1) says so).
	echo "# $n idle mutual-TLS connections: $(((rss - base) * 1024 / n)) bytes each" >&3
	touch "$BATS_TEST_TMPDIR/end"
	wait_until 30 grep -q '^done$' "$BATS_TEST_TMPDIR/idle.out"
}

# --- options and files ---

@test "tls: --tls-cert and --tls-key go together; --tls-ca needs them" {
	run --separate-stderr "$OKSERVER" --tls-cert "$CERTS/server.pem"
	assert_equal "$status" 64
	assert_equal "$stderr" "okserver: --tls-cert needs --tls-key: $CERTS/server.pem
$HINT"
	run --separate-stderr "$OKSERVER" --tls-key "$CERTS/server.key"
	assert_equal "$status" 64
	assert_equal "$stderr" "okserver: --tls-key needs --tls-cert: $CERTS/server.key
$HINT"
	run --separate-stderr "$OKSERVER" --tls-ca "$CERTS/ca.pem"
	assert_equal "$status" 64
	assert_equal "$stderr" "okserver: --tls-ca needs --tls-cert and --tls-key: $CERTS/ca.pem
$HINT"
	run --separate-stderr "$OKSERVER" --tls-cert '' --tls-key x
	assert_equal "$status" 64
	assert_equal "$stderr" "okserver: --tls-cert file name is empty: ''
$HINT"
}

@test "tls: a file that cannot be used: exit 4 naming it and why, nothing listens" {
	local missing=$BATS_TEST_TMPDIR/missing.pem
	run --separate-stderr timeout 10 "$OKSERVER" -p 0 --tls-cert "$missing" \
		--tls-key "$CERTS/server.key"
	assert_equal "$status" 4
	assert_equal "$output" ''
	assert_equal "$stderr" "okserver: TLS certificate $missing: No such file or directory"
	run --separate-stderr timeout 10 "$OKSERVER" -p 0 --tls-cert "$CERTS/server.pem" \
		--tls-key "$CERTS/other.key"
	assert_equal "$status" 4
	assert_equal "$output" ''
	assert_equal "$stderr" "okserver: TLS key $CERTS/other.key: does not match the certificate $CERTS/server.pem"
	run --separate-stderr timeout 10 "$OKSERVER" -p 0 --tls-cert "$CERTS/server.pem" \
		--tls-key "$CERTS/server.key" --tls-ca "$CERTS/server.key"
	assert_equal "$status" 4
	assert_equal "$output" ''
	assert_equal "$stderr" "okserver: TLS CA file $CERTS/server.key: no certificate or crl found"
}

# notls_okserver: the okserver without TLS: the one under test if it is such a build, else the
# one make test-build makes beside it ($(B)/notls/bin/okserver), run the way OKSERVER is: a
# wrapper script (valgrind, an emulator) gets a copy that runs that server instead. Fails,
# naming it, when it is not built.
notls_okserver() {
	local real=$OKSERVER build
	if [ "$OK_TLS_BUILD" != 1 ]; then
		echo "$OKSERVER"
		return 0
	fi
	if head -c 2 "$OKSERVER" | grep -q '#!'; then
		real=$(sed -n 's/.* \([^ ]*\/okserver\) "\$@"$/\1/p' "$OKSERVER")
	fi
	case $real in
	"$TOP/bin/okserver") build=$TOP/build ;;
	*) build=$(cd "$(dirname "$real")/.." && pwd) ;;
	esac
	[ -x "$build/notls/bin/okserver" ] ||
		fail "$build/notls/bin/okserver is not built: run 'make test-build'"
	if [ "$real" = "$OKSERVER" ]; then
		echo "$build/notls/bin/okserver"
	else
		sed "s|$real|$build/notls/bin/okserver|" "$OKSERVER" >"$BATS_TEST_TMPDIR/okserver-notls"
		chmod +x "$BATS_TEST_TMPDIR/okserver-notls"
		echo "$BATS_TEST_TMPDIR/okserver-notls"
	fi
}

@test "tls: a build without TLS (make TLS=0) refuses every TLS option, 64" {
	local notls opt
	notls=$(notls_okserver)
	for opt in --tls-cert --tls-key --tls-ca; do
		run --separate-stderr timeout 10 "$notls" -p 0 "$opt" "$CERTS/server.pem"
		assert_equal "$status" 64
		assert_equal "$output" ''
		assert_equal "$stderr" "okserver: this build has no TLS (it was made with TLS=0): $opt
$HINT"
	done
	# Its stats line has no tls_failed.
	SERVER_OUT=$BATS_TEST_TMPDIR/server.out SERVER_ERR=$BATS_TEST_TMPDIR/server.err
	"$notls" -p 0 </dev/null >"$SERVER_OUT" 2>"$SERVER_ERR" 3>&- &
	SERVER_PID=$!
	SERVER_PORT=$(wait_for_file_line "$SERVER_OUT" '^listening on ' 5) || fail "no ready line"
	SERVER_PORT=${SERVER_PORT##*:}
	run stats_line
	assert_output 'open=0 accepted=0 refused=0 lines=0 bytes_in=0 bytes_out=0 denied=0'
}

# --- TLS behind a balancer (SPEC 11: the PROXY header before the TLS handshake) ---

# proxied_tls HEADER: over one connection, the plain bytes HEADER (printf format), then TLS
# verified as localhost, one line "x", the replies until the server's close_notify.
proxied_tls() {
	timeout 10 python3 - "$SERVER_PORT" "$CERTS/ca.pem" "$1" <<'PY'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5) as raw:
    raw.sendall(sys.argv[3].encode().decode("unicode_escape").encode("latin-1"))
    with ctx.wrap_socket(raw, server_hostname="localhost", suppress_ragged_eofs=False) as s:
        s.sendall(b"x\nQuit\n")
        got = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        print(repr(got))
PY
}

@test "tls: a --proxy-from peer's PROXY header comes before the handshake; its client is the peer" {
	command -v python3 >/dev/null || skip "python3 is not installed: run 'make deps'"
	start_tls -v --proxy-from 127.0.0.1 --deny 192.0.2.66
	run proxied_tls 'PROXY TCP4 198.51.100.7 127.0.0.1 40001 4242\r\n'
	assert_success
	assert_output "b'OK\\nQuit\\n'"
	wait_until 5 grep -q 'closed (quit)' "$SERVER_ERR"
	run grep -E '198\.51\.100\.7' "$SERVER_ERR"
	assert_line --index 0 --regexp '^okserver: 198\.51\.100\.7:40001 connected \(PROXY v1 from 127\.0\.0\.1:[0-9]+\)$'
	assert_line --index 1 --regexp '^okserver: 198\.51\.100\.7:40001 TLS: TLSv1\.3 TLS_AES_256_GCM_SHA384$'
	assert_line --index 2 --regexp '^okserver: 198\.51\.100\.7:40001 closed \(quit\), 2 lines answered$'
	# A header naming a denied client: closed before any TLS, nothing sent.
	run proxied_tls 'PROXY TCP4 192.0.2.66 127.0.0.1 40002 4242\r\n'
	assert_failure
	wait_until 5 grep -q 'denied 192\.0\.2\.66:40002' "$SERVER_ERR"
	kill -USR1 "$SERVER_PID"
	wait_until 5 grep -q 'stats:' "$SERVER_ERR"
	run grep -o 'tls_failed=[0-9]* denied=[0-9]*' "$SERVER_ERR"
	assert_output 'tls_failed=0 denied=1'
}
