#!/bin/sh
# tls-certs.sh - makes the certificates the TLS tests use, fresh each time, into one folder.
# Usage: tests/tls-certs.sh DIR
#
# Nothing here is ever committed: the keys are made at test time (EC P-256: fast) and live in
# DIR, which the caller removes. DIR gets:
#   ca.pem ca.key             the root CA every verifying peer trusts
#   inter.pem inter.key       an intermediate CA under it, which signs the server's certificate
#   server.pem server.key     for localhost, 127.0.0.1 and ::1; server.pem holds the chain
#                             (the server's certificate, then inter.pem)
#   client.pem client.key     a client certificate signed by the root CA (mutual TLS)
#   selfsigned.pem .key       a self-signed certificate for the same names, as `openssl req -x509`
#                             makes one
#   other.key                 a key that matches none of the certificates
set -eu

dir=${1:?usage: tls-certs.sh DIR}
command -v openssl >/dev/null 2>&1 || {
	echo "tls-certs: the openssl command is missing (Debian: apt-get install openssl)" >&2
	exit 1
}
mkdir -p "$dir"
cd "$dir"
umask 077
log=tls-certs.log
: >"$log"

# Runs openssl quietly; on failure its messages are shown and the script stops.
ossl() {
	if ! openssl "$@" >>"$log" 2>&1; then
		echo "tls-certs: openssl $*: failed:" >&2
		cat "$log" >&2
		exit 1
	fi
}

cat >openssl.cnf <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
[selfsigned]
basicConstraints = critical, CA:TRUE
subjectKeyIdentifier = hash
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
EOF

for k in ca inter server client selfsigned other; do
	ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$k.key"
done

# A self-signed certificate: NAME SUBJECT SECTION.
self_sign() {
	ossl req -new -x509 -key "$1.key" -subj "$2" -days 3650 -config openssl.cnf \
		-extensions "$3" -out "$1.pem"
}

# A certificate signed by an issuer: NAME SUBJECT SECTION ISSUER SERIAL.
issue() {
	ossl req -new -key "$1.key" -subj "$2" -config openssl.cnf -out "$1.csr"
	ossl x509 -req -in "$1.csr" -CA "$4.pem" -CAkey "$4.key" -set_serial "$5" -days 3650 \
		-extfile openssl.cnf -extensions "$3" -out "$1.pem"
	rm -f "$1.csr"
}

self_sign ca "/CN=okchat test CA" ca
issue inter "/CN=okchat test intermediate" ca ca 1001
issue server "/CN=localhost" server inter 2001
issue client "/CN=okchat test client" client ca 1002
self_sign selfsigned "/CN=localhost" selfsigned
cat inter.pem >>server.pem
rm -f openssl.cnf "$log"
