#!/usr/bin/env bats
# 35-client-tls.bats - okclient --tls against the TLS servers people have: openssl s_server,
# socat OPENSSL-LISTEN (in front of a plain okserver), redis-server --tls-port; verification,
# exit 8, -t over the handshake, streaming, truncation, the interactive TLS line.
# shellcheck disable=SC2154 # $stderr is set by bats: run --separate-stderr

bats_require_minimum_version 1.5.0
load helpers
load client_helpers

# The certificates (tests/tls-certs.sh), made once for the file, and one more: example.pem, for
# DNS:example.com only, signed by the root CA (a server whose certificate is for another name).
setup_file() {
	CERTS=$BATS_FILE_TMPDIR/certs
	export CERTS
	"$BATS_TEST_DIRNAME/tls-certs.sh" "$CERTS"
	(
		cd "$CERTS" || exit 1
		printf 'subjectAltName = DNS:example.com\nextendedKeyUsage = serverAuth\n' >example.ext
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out example.key &&
			openssl req -new -key example.key -subj /CN=example.com -out example.csr &&
			openssl x509 -req -in example.csr -CA ca.pem -CAkey ca.key -set_serial 3001 \
				-days 30 -extfile example.ext -out example.pem
	) >"$BATS_FILE_TMPDIR/certs.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/certs.log" >&2
		return 1
	}
}

setup() {
	require_binary "$OKCLIENT"
	"$OKCLIENT" --tls --help >/dev/null 2>&1 || skip "okclient was built without TLS (TLS=0)"
	CA=$CERTS/ca.pem
	# The bound on each client run and each wait for the screen: OpenSSL's start (the system's
	# trust store read whole) is slow under valgrind, which tool_slowdown allows for.
	LIMIT=$((10 * $(tool_slowdown)))
}

teardown() {
	tmux_stop
	stop_pid "${SSRV_PID:-}"
	stop_pid "${SOCAT_PID:-}"
	stop_pid "${REDIS_PID:-}"
	stop_pid "${NCAT_PID:-}"
	stop_pid "${CLIENT_PID:-}"
	stop_pid "${MUTE_PID:-}"
	stop_fake
	stop_okserver
	[ -z "${FEED_FD:-}" ] || exec {FEED_FD}>&-
}

# wait_port FILE REGEX NAME: waits for a line of FILE matching REGEX that ends in ":PORT";
# prints PORT. Fails naming NAME, with FILE shown, when none comes in 10 seconds.
wait_port() {
	local line
	line=$(wait_for_file_line "$1" "$2" 10) || {
		echo "$3 did not start:" >&2
		cat "$1" >&2
		return 1
	}
	echo "${line##*:}"
}

# start_s_server ADDR ARGS...: openssl s_server on ADDR port 0 (127.0.0.1 or [::1]), in -rev
# mode (each line answered with itself reversed, so "KO" gets "OK"; our close_notify answered
# with its own), with ARGS; by default with the server's certificate and its chain. Sets
# SSRV_PID and SSRV_PORT.
start_s_server() {
	local addr=$1 out=$BATS_TEST_TMPDIR/s_server.out
	shift
	[ "$#" -gt 0 ] ||
		set -- -cert "$CERTS/server.pem" -cert_chain "$CERTS/inter.pem" -key "$CERTS/server.key"
	openssl s_server -accept "$addr:0" -rev "$@" </dev/null >"$out" 2>&1 3>&- &
	SSRV_PID=$!
	SSRV_PORT=$(wait_port "$out" '^ACCEPT ' "openssl s_server") || fail "no s_server"
}

# start_socat_tls ADDRESS: socat's OPENSSL-LISTEN on 127.0.0.1 port 0, with the server's
# certificate and chain, relaying one connection to socat ADDRESS (no client certificate asked).
# -t 30: once one side has ended, the other has 30 s to finish, not socat's default 0.5 s.
# Sets SOCAT_PID and SOCAT_PORT.
start_socat_tls() {
	local log=$BATS_TEST_TMPDIR/socat.log
	socat -d -d -t 30 "OPENSSL-LISTEN:0,bind=127.0.0.1,reuseaddr,cert=$CERTS/server.pem,key=$CERTS/server.key,verify=0" \
		"$1" </dev/null >/dev/null 2>"$log" 3>&- &
	SOCAT_PID=$!
	SOCAT_PORT=$(wait_port "$log" ' listening on .*:[0-9]+$' socat) || fail "no socat"
}

# start_redis_tls: redis-server with TLS only (--port 0), on a port a fake server just had
# (redis takes no port 0 for TLS); tried again should another process take it first. Its
# files stay in the test's directory. Sets REDIS_PID and REDIS_PORT.
start_redis_tls() {
	command -v redis-server >/dev/null || skip "redis-server is not installed: run 'make deps'"
	local log=$BATS_TEST_TMPDIR/redis.log try
	for try in 1 2 3 4 5; do
		closed_port
		REDIS_PORT=$CLOSED_PORT
		redis-server --port 0 --tls-port "$REDIS_PORT" --bind 127.0.0.1 \
			--tls-cert-file "$CERTS/server.pem" --tls-key-file "$CERTS/server.key" \
			--tls-ca-cert-file "$CERTS/ca.pem" --tls-auth-clients no \
			--save '' --appendonly no --dir "$BATS_TEST_TMPDIR" \
			</dev/null >"$log" 2>&1 3>&- &
		REDIS_PID=$!
		wait_until_ready "$log" 'Ready to accept connections' && return 0
		stop_pid "$REDIS_PID"
		REDIS_PID=
	done
	cat "$log" >&2
	fail "redis-server did not start (try $try)"
}

# wait_until_ready LOG TEXT: LOG shows TEXT within 10 s, while the process REDIS_PID lives.
wait_until_ready() {
	local deadline=$((SECONDS + 10))
	while [ "$SECONDS" -le "$deadline" ] && kill -0 "$REDIS_PID" 2>/dev/null; do
		grep -q -- "$2" "$1" && return 0
		sleep 0.05
	done
	return 1
}

# --- verification ---

@test "client tls: verified by name (localhost) through --tls-ca, replies as over TCP" {
	start_s_server 127.0.0.1
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" --tls --tls-ca "$CA" localhost "$SSRV_PORT" \
		< <(printf 'KO\r\nabc\n')
	assert_success
	assert_output $'Server: OK\nServer: cba'
	assert_equal "$stderr" ""
}

@test "client tls: verified by address, 127.0.0.1 and 127.1 matched with the IP in the certificate" {
	start_s_server 127.0.0.1
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" 127.0.0.1 "$SSRV_PORT" \
		< <(printf 'KO\n')
	assert_success
	assert_output "OK"
	assert_equal "$stderr" ""
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" 127.1 "$SSRV_PORT" \
		< <(printf 'KO\n')
	assert_success
	assert_output "OK"
	assert_equal "$stderr" ""
}

@test "client tls: verified by address ::1, bare or in brackets" {
	start_s_server '[::1]'
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" ::1 "$SSRV_PORT" \
		< <(printf 'KO\n')
	assert_success
	assert_output "OK"
	assert_equal "$stderr" ""
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" '[::1]' "$SSRV_PORT" \
		< <(printf 'KO\n')
	assert_success
	assert_output "OK"
}

@test "client tls: a self-signed certificate is refused with exit 8, saying so" {
	start_s_server 127.0.0.1 -cert "$CERTS/selfsigned.pem" -key "$CERTS/selfsigned.key"
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" --tls 127.0.0.1 "$SSRV_PORT" < <(printf 'KO\n')
	assert_failure 8
	assert_output ""
	assert_equal "$stderr" "okclient: TLS handshake with 127.0.0.1:$SSRV_PORT: certificate verify failed: self-signed certificate"
}

@test "client tls: without --tls-ca the system's trust store is used: our test CA is not in it" {
	start_s_server 127.0.0.1
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" --tls localhost "$SSRV_PORT" < <(printf 'KO\n')
	assert_failure 8
	assert_equal "$stderr" "okclient: TLS handshake with 127.0.0.1:$SSRV_PORT: certificate verify failed: unable to get local issuer certificate"
}

@test "client tls: a certificate for another name is refused with exit 8, naming the name" {
	start_s_server 127.0.0.1 -cert "$CERTS/example.pem" -key "$CERTS/example.key"
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" --tls-ca "$CA" localhost "$SSRV_PORT" \
		< <(printf 'KO\n')
	assert_failure 8
	assert_equal "$stderr" "okclient: TLS handshake with 127.0.0.1:$SSRV_PORT: certificate verify failed: hostname mismatch (localhost)"
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" --tls-ca "$CA" 127.0.0.1 "$SSRV_PORT" \
		< <(printf 'KO\n')
	assert_failure 8
	assert_equal "$stderr" "okclient: TLS handshake with 127.0.0.1:$SSRV_PORT: certificate verify failed: IP address mismatch (127.0.0.1)"
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" --tls-ca "$CA" --tls-servername localhost \
		127.0.0.1 "$SSRV_PORT" < <(printf 'KO\n')
	assert_failure 8
	assert_equal "$stderr" "okclient: TLS handshake with 127.0.0.1:$SSRV_PORT: certificate verify failed: hostname mismatch (localhost)"
}

@test "client tls: --tls-servername is sent as SNI and matched in place of HOST" {
	# The server shows example.pem only to a client that asks for example.com by SNI; any
	# other gets the self-signed certificate, which does not verify.
	start_s_server 127.0.0.1 -cert "$CERTS/selfsigned.pem" -key "$CERTS/selfsigned.key" \
		-servername example.com -cert2 "$CERTS/example.pem" -key2 "$CERTS/example.key"
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" --tls-servername example.com \
		127.0.0.1 "$SSRV_PORT" < <(printf 'KO\n')
	assert_success
	assert_output "OK"
	assert_equal "$stderr" ""
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" 127.0.0.1 "$SSRV_PORT" \
		< <(printf 'KO\n')
	assert_failure 8
	assert_equal "$stderr" "okclient: TLS handshake with 127.0.0.1:$SSRV_PORT: certificate verify failed: self-signed certificate"
}

@test "client tls: a HOST name is sent as SNI" {
	# example.pem shown only to a client asking for localhost: it is then refused as being for
	# example.com, which proves the name went out (the others get a self-signed one).
	start_s_server 127.0.0.1 -cert "$CERTS/selfsigned.pem" -key "$CERTS/selfsigned.key" \
		-servername localhost -cert2 "$CERTS/example.pem" -key2 "$CERTS/example.key"
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" localhost "$SSRV_PORT" \
		< <(printf 'KO\n')
	assert_failure 8
	assert_equal "$stderr" "okclient: TLS handshake with 127.0.0.1:$SSRV_PORT: certificate verify failed: hostname mismatch (localhost)"
}

@test "client tls: --tls-insecure talks to a self-signed server and says so once" {
	start_s_server 127.0.0.1 -cert "$CERTS/selfsigned.pem" -key "$CERTS/selfsigned.key"
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-insecure 127.0.0.1 "$SSRV_PORT" \
		< <(printf 'KO\nKO\nKO\n')
	assert_success
	assert_output $'OK\nOK\nOK'
	assert_equal "$stderr" "okclient: warning: --tls-insecure: the certificate of 127.0.0.1:$SSRV_PORT is not verified"
}

# --- client certificates ---

@test "client tls: --tls-cert and --tls-key present a certificate a server requires" {
	start_s_server 127.0.0.1 -cert "$CERTS/server.pem" -cert_chain "$CERTS/inter.pem" \
		-key "$CERTS/server.key" -Verify 1 -CAfile "$CA"
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" --tls-cert "$CERTS/client.pem" \
		--tls-key "$CERTS/client.key" 127.0.0.1 "$SSRV_PORT" < <(printf 'KO\n')
	assert_success
	assert_output "OK"
	assert_equal "$stderr" ""
}

@test "client tls: refused for want of a certificate, in TLS 1.3 at the first read: exit 8" {
	start_s_server 127.0.0.1 -cert "$CERTS/server.pem" -cert_chain "$CERTS/inter.pem" \
		-key "$CERTS/server.key" -Verify 1 -CAfile "$CA"
	# The handshake is over for the client before the server has seen that it has no
	# certificate: the server's alert is what the first read finds. Whether the line was
	# still sent before it came is a race, hence 0 or 1 lines.
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" 127.0.0.1 "$SSRV_PORT" \
		< <(printf 'KO\n')
	assert_failure 8
	assert_output ""
	assert_regex "$stderr" "^okclient: TLS with 127\.0\.0\.1:$SSRV_PORT: tlsv13 alert certificate required: answered 0 of [01] lines\$"
	# With no input at all, the close_notify goes first; the alert is still what is read.
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" 127.0.0.1 "$SSRV_PORT" </dev/null
	assert_failure 8
	assert_equal "$stderr" "okclient: TLS with 127.0.0.1:$SSRV_PORT: tlsv13 alert certificate required: answered 0 of 0 lines"
}

@test "client tls: refused for want of a certificate in TLS 1.2: the handshake fails, exit 8" {
	start_s_server 127.0.0.1 -cert "$CERTS/server.pem" -cert_chain "$CERTS/inter.pem" \
		-key "$CERTS/server.key" -Verify 1 -CAfile "$CA" -tls1_2
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" 127.0.0.1 "$SSRV_PORT" \
		< <(printf 'KO\n')
	assert_failure 8
	assert_output ""
	assert_equal "$stderr" "okclient: TLS handshake with 127.0.0.1:$SSRV_PORT: sslv3 alert handshake failure"
}

# --- options ---

@test "client tls: -U with any TLS option is a usage error; so is a certificate without its key" {
	local opts msg
	while IFS='|' read -r opts msg; do
		# shellcheck disable=SC2086 # the options are meant to split into words
		run --separate-stderr "$OKCLIENT" $opts
		assert_failure 64
		assert_equal "$stderr" "okclient: $msg"$'\n'"Try 'okclient --help' for more information."
	done <<'CASES'
--tls -U /tmp/ok.sock|-U cannot be used with --tls (TLS is for TCP only)
-U /tmp/ok.sock --tls-insecure|-U cannot be used with --tls-insecure (TLS is for TCP only)
--tls-ca ca.pem --tls -U /tmp/ok.sock|-U cannot be used with --tls-ca (TLS is for TCP only)
--tls-cert c.pem|--tls-cert needs --tls-key
--tls-key c.key --tls|--tls-key needs --tls-cert
--tls-servername=|option needs a value: --tls-servername
--tls-c x|ambiguous option: --tls-c (--tls-ca, --tls-cert)
--tls=1|option takes no value: --tls
CASES
}

@test "client tls: a CA file that cannot be read is told before connecting, exit 1" {
	closed_port
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" --tls-ca "$BATS_TEST_TMPDIR/none.pem" \
		127.0.0.1 "$CLOSED_PORT" </dev/null
	assert_failure 1
	assert_equal "$stderr" "okclient: TLS CA file $BATS_TEST_TMPDIR/none.pem: No such file or directory"
}

# --- the handshake's failures ---

@test "client tls: -t bounds a handshake the server never answers: exit 7" {
	start_fake silent
	local start=$SECONDS
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" --tls -t 1 127.0.0.1 "$FAKE_PORT" \
		< <(printf 'KO\n')
	assert_failure 7
	assert_equal "$stderr" "okclient: TLS handshake with 127.0.0.1:$FAKE_PORT: Connection timed out"
	[ $((SECONDS - start)) -le $((5 * $(tool_slowdown))) ] || fail "took $((SECONDS - start)) s"
}

@test "client tls: a plain server fails the handshake: exit 8" {
	start_okserver
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" --tls 127.0.0.1 "$SERVER_PORT" \
		< <(printf 'KO\n')
	assert_failure 8
	assert_output ""
	assert_equal "$stderr" "okclient: TLS handshake with 127.0.0.1:$SERVER_PORT: wrong version number"
}

# --- streaming and its end ---

@test "client tls: 100,000 lines stream through socat's TLS to okserver, peak RSS under 32 MB" {
	start_okserver
	start_socat_tls "TCP:127.0.0.1:$SERVER_PORT"
	local fifo=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out deadline hwm exe status
	mkfifo "$fifo"
	"$OKCLIENT" -r --tls-ca "$CA" localhost "$SOCAT_PORT" <"$fifo" >"$out" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- &
	CLIENT_PID=$!
	# The writer keeps the fifo open, so the client is alive to be measured once all is back.
	exec {FEED_FD}>"$fifo"
	seq 100000 >&"$FEED_FD"
	deadline=$((SECONDS + 60 * $(tool_slowdown)))
	while [ "$(wc -l <"$out")" -lt 100000 ] && [ "$SECONDS" -le "$deadline" ]; do
		sleep 0.1
	done
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$CLIENT_PID/status")
	exe=$(readlink "/proc/$CLIENT_PID/exe")
	exec {FEED_FD}>&-
	FEED_FD=
	status=0
	wait "$CLIENT_PID" || status=$?
	CLIENT_PID=
	assert_equal "$status" 0
	assert_equal "$(wc -l <"$out")" 100000
	assert_equal "$(sort -u "$out")" "OK"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
	if [ "${exe##*/}" != okclient ] || [ "${OK_UNDER_SANITIZER:-0}" = 1 ]; then
		echo "# peak RSS ${hwm} kB not bounded: the process is $exe, under a tool" >&3
		return 0
	fi
	echo "# peak RSS ${hwm} kB" >&3
	[ "$hwm" -lt $((32 * 1024)) ] || fail "peak RSS ${hwm} kB is not under 32 MB"
}

# listen_port PID: the TCP port process PID listens on (its one listening socket), from
# /proc: for a server that takes port 0 but does not say which port it got (ncat).
listen_port() {
	local fd inode hex
	for fd in /proc/"$1"/fd/*; do
		inode=$(readlink "$fd" 2>/dev/null) || continue
		case $inode in socket:*) ;; *) continue ;; esac
		inode=${inode#socket:[}
		inode=${inode%]}
		# /proc/net/tcp: local address (hex IP:PORT) in field 2, state 0A is LISTEN, inode in 10.
		hex=$(awk -v i="$inode" '$4 == "0A" && $10 == i { split($2, a, ":"); print a[2] }' \
			/proc/net/tcp)
		[ -n "$hex" ] && { echo $((16#$hex)); return 0; }
	done
	return 1
}

@test "client tls: ncat --ssl as the server: verified, each line echoed back, exit 0" {
	command -v ncat >/dev/null || skip "ncat is not installed: run 'make deps'"
	ncat --ssl --ssl-cert "$CERTS/server.pem" --ssl-key "$CERTS/server.key" \
		-l 127.0.0.1 0 --sh-exec 'sed -u "s/^/echo: /"' </dev/null >/dev/null \
		2>"$BATS_TEST_TMPDIR/ncat.err" 3>&- &
	NCAT_PID=$!
	local port="" tries
	for tries in $(seq 100); do # 10 s at most
		port=$(listen_port "$NCAT_PID") && break
		kill -0 "$NCAT_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] || fail "ncat did not listen ($tries looks): $(cat "$BATS_TEST_TMPDIR/ncat.err")"
	# ncat ends the whole connection at the client's close_notify, before its command has
	# answered: the input ends only once both replies are back.
	local fifo=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out status=0
	mkfifo "$fifo"
	"$OKCLIENT" -r --tls-ca "$CA" localhost "$port" <"$fifo" >"$out" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- &
	CLIENT_PID=$!
	exec {FEED_FD}>"$fifo"
	printf 'hello\nworld\n' >&"$FEED_FD"
	wait_for_file_line "$out" '^echo: world$' "$LIMIT" >/dev/null ||
		fail "no echo: $(cat "$out" "$BATS_TEST_TMPDIR/err")"
	exec {FEED_FD}>&-
	FEED_FD=
	timeout "$LIMIT" tail --pid="$CLIENT_PID" -f /dev/null || fail "okclient did not end"
	wait "$CLIENT_PID" || status=$?
	CLIENT_PID=
	assert_equal "$status" 0
	assert_equal "$(cat "$out")" $'echo: hello\necho: world'
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
}

@test "client tls: Q ends the conversation through TLS as over TCP" {
	start_okserver
	start_socat_tls "TCP:127.0.0.1:$SERVER_PORT"
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls-ca "$CA" 127.0.0.1 "$SOCAT_PORT" \
		< <(printf 'a\nQuit\nnever sent\n')
	assert_success
	assert_output $'OK\nQuit'
	assert_equal "$stderr" ""
}

@test "client tls: a server gone without close_notify before every reply: lost, exit 5" {
	# The responder answers the first line, then holds the rest; socat is then killed, so the
	# connection ends with no close_notify.
	start_socat_tls "SYSTEM:read l; echo OK; exec cat >/dev/null"
	local fifo=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out status=0
	mkfifo "$fifo"
	"$OKCLIENT" -r --tls-ca "$CA" 127.0.0.1 "$SOCAT_PORT" <"$fifo" >"$out" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- &
	CLIENT_PID=$!
	exec {FEED_FD}>"$fifo"
	printf 'a\nb\nc\n' >&"$FEED_FD"
	wait_for_file_line "$out" '^OK$' "$LIMIT" >/dev/null || fail "no first reply"
	kill -KILL "$SOCAT_PID"
	wait "$CLIENT_PID" || status=$?
	CLIENT_PID=
	assert_equal "$status" 5
	assert_equal "$(cat "$out")" "OK"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "okclient: connection to 127.0.0.1:$SOCAT_PORT lost: answered 1 of 3 lines"
}

# start_mute_tls_server LINES: a TLS 1.3 server (Python's ssl) on 127.0.0.1 port 0 that reads
# nothing: once the client's bytes wait in its socket (more than a line's worth: the client's
# send side is full), it sends LINES lines "OK" and its close_notify, logs "closed", then
# throws away what the client sent until the client closes (no reset that would cut the
# replies short). Sets MUTE_PID and MUTE_PORT.
start_mute_tls_server() {
	command -v python3 >/dev/null || skip "python3 is not installed: run 'make deps'"
	local log=$BATS_TEST_TMPDIR/mute.log
	python3 - "$CERTS/server.pem" "$CERTS/server.key" "$1" </dev/null >"$log" 2>&1 3>&- <<'EOF' &
import fcntl, os, select, socket, ssl, struct, sys, termios, time
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
print("listening on 127.0.0.1:%d" % ls.getsockname()[1], flush=True)
conn = ctx.wrap_socket(ls.accept()[0], server_side=True)
fd = conn.fileno()
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    if struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0] > 4096:
        break
    time.sleep(0.01)
conn.sendall(b"OK\n" * int(sys.argv[3]))
try:
    conn.unwrap()  # our close_notify goes out; the client's never comes (its bytes are junk)
except (ssl.SSLError, OSError):
    pass
print("closed", flush=True)
while time.monotonic() < deadline and select.select([fd], [], [], 1)[0]:
    try:
        if not os.read(fd, 65536):
            break
    except OSError:
        break
EOF
	MUTE_PID=$!
	MUTE_PORT=$(wait_port "$log" '^listening on ' "the TLS server") || fail "no TLS server"
}

@test "client tls: a close_notify stuck when the server closes, stdout full: no busy loop" {
	# The client's close_notify cannot go out (tests/tools/shim/fullsend_shim.c: its socket is
	# full, as when a server stops reading); the server then sends more replies than stdout (a
	# non-blocking pipe nobody reads yet) takes, and closes. The client waits for stdout alone.
	local preload=LD_PRELOAD
	require_binary "$TOOLS/fullsend_shim.so"
	[ -z "${OK_UNDER_EMULATOR:-}" ] || preload=QEMU_SET_ENV=LD_PRELOAD
	start_mute_tls_server 30000
	local fifo=$BATS_TEST_TMPDIR/out.fifo out=$BATS_TEST_TMPDIR/out rd wr t1 t2 reader status=0
	mkfifo "$fifo"
	exec {rd}<>"$fifo"
	exec {wr}>"$fifo"
	python3 -c 'import fcntl, os; fcntl.fcntl(1, fcntl.F_SETFL, fcntl.fcntl(1, fcntl.F_GETFL) | os.O_NONBLOCK)' >&"$wr"
	env "$preload=$TOOLS/fullsend_shim.so" "$OKCLIENT" -r --tls-ca "$CA" 127.0.0.1 "$MUTE_PORT" \
		<<<"a line of other length" >&"$wr" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	CLIENT_PID=$!
	exec {wr}>&-
	wait_for_file_line "$BATS_TEST_TMPDIR/mute.log" '^closed$' "$LIMIT" >/dev/null ||
		fail "the server did not close: $(cat "$BATS_TEST_TMPDIR/mute.log")"
	# The client reads the rest and the server's end meanwhile (slower under a tool).
	sleep "$(awk "BEGIN { print 0.5 * $(tool_slowdown) }")"
	t1=$(awk '{ print $14 + $15 }' "/proc/$CLIENT_PID/stat")
	sleep 1
	t2=$(awk '{ print $14 + $15 }' "/proc/$CLIENT_PID/stat")
	# The replies read through the held end itself ("OK\n" 30,000 times), so none is lost.
	timeout "$LIMIT" head -c 90000 <&"$rd" >"$out" 3>&- &
	reader=$!
	wait "$CLIENT_PID" || status=$?
	CLIENT_PID=
	wait "$reader" || fail "the replies did not all come: $(wc -c <"$out") bytes"
	exec {rd}<&-
	echo "# CPU while stdout was full: $((t2 - t1)) of $(getconf CLK_TCK) ticks a second" >&3
	[ $((t2 - t1)) -lt $(($(getconf CLK_TCK) / 5)) ] ||
		fail "the client used $((t2 - t1)) ticks of CPU in a second while it waited"
	assert_equal "$status" 0
	assert_equal "$(wc -l <"$out")" 30000
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
}

# --- interop ---

@test "client tls: redis-server --tls-port answers an inline PING with +PONG" {
	start_redis_tls
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" -r --tls --tls-ca "$CA" 127.0.0.1 "$REDIS_PORT" \
		< <(printf 'PING\n')
	assert_success
	assert_output "+PONG"
	assert_equal "$stderr" ""
	run --separate-stderr timeout "$LIMIT" "$OKCLIENT" --tls-ca "$CA" localhost "$REDIS_PORT" \
		< <(printf 'SET k v\r\nGET k\r\n')
	assert_success
	assert_output $'Server: +OK\nServer: $1\nServer: v'
}

# --- at a terminal ---

@test "client tls tty: one line tells the protocol, cipher and the name verified, then the prompt" {
	start_s_server 127.0.0.1
	tmux_start --tls-ca "$CA" localhost "$SSRV_PORT"
	tmux_wait "^127\\.0\\.0\\.1:$SSRV_PORT>\$" "$LIMIT"
	tmux_keys KO Enter
	tmux_wait '^Server: OK$' "$LIMIT"
	assert_equal "$(tmux_screen)" "TLS: TLSv1.3 TLS_AES_256_GCM_SHA384, certificate verified for localhost
connected to 127.0.0.1:$SSRV_PORT; a line starting with Q ends the session, Ctrl-D leaves
127.0.0.1:$SSRV_PORT> KO
Server: OK
127.0.0.1:$SSRV_PORT>"
	tmux_keys C-d
	run tmux_result "$LIMIT"
	assert_output "0 icanon"
}

@test "client tls tty: --tls-insecure says NOT verified on that line, and nothing more" {
	start_s_server 127.0.0.1 -cert "$CERTS/selfsigned.pem" -key "$CERTS/selfsigned.key"
	tmux_start --tls-insecure 127.0.0.1 "$SSRV_PORT"
	tmux_wait "^127\\.0\\.0\\.1:$SSRV_PORT>\$" "$LIMIT"
	assert_equal "$(tmux_screen)" "TLS: TLSv1.3 TLS_AES_256_GCM_SHA384, certificate NOT verified (--tls-insecure)
connected to 127.0.0.1:$SSRV_PORT; a line starting with Q ends the session, Ctrl-D leaves
127.0.0.1:$SSRV_PORT>"
	tmux_keys C-d
	run tmux_result "$LIMIT"
	assert_output "0 icanon"
}
