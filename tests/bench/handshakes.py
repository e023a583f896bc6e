#!/usr/bin/env python3
"""handshakes.py - make bench's TLS handshakes, one connection after another, against a server.

Usage: handshakes.py HOST PORT CAFILE new|resume SECONDS

For SECONDS, each connection does a TLS handshake (verified with CAFILE, for HOST), sends one
line ("PING"), reads its reply and closes. new: every handshake is a full one. resume: each
offers the session the last connection ended with (TLS 1.3: its newest ticket, which the server
sends after the handshake and the reply's read takes in), so the server may resume it.
Prints one line: "connections N resumed R protocol P". Exit 1 (with the reason on standard
error) when a connection fails; the line still counts the connections that went through.
The server's CPU over the run, not this client's speed, is what make bench divides by N.
"""
import socket
import ssl
import sys
import time


def one_connection(ctx, host, port, session):
    """One handshake, a line and its reply: (the session it ended with, resumed?, protocol)."""
    with socket.create_connection((host, port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=host, session=session) as tls:
            tls.sendall(b"PING\n")
            reply = b""
            while not reply.endswith(b"\n"):
                data = tls.recv(256)
                if not data:
                    raise ConnectionError("closed before the reply")
                reply += data
            return tls.session, tls.session_reused, tls.version()


def main():
    if len(sys.argv) != 6 or sys.argv[4] not in ("new", "resume"):
        sys.exit("usage: handshakes.py HOST PORT CAFILE new|resume SECONDS")
    host, port, cafile, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    ctx = ssl.create_default_context(cafile=cafile)
    end = time.monotonic() + float(sys.argv[5])
    count = resumed = 0
    session, protocol, status = None, "-", 0
    try:
        while time.monotonic() < end:
            offered = session if mode == "resume" else None
            session, reused, protocol = one_connection(ctx, host, port, offered)
            count += 1
            resumed += int(reused)
    except (OSError, ssl.SSLError) as err:
        print(f"handshakes.py: connection {count + 1}: {err}", file=sys.stderr)
        status = 1
    print(f"connections {count} resumed {resumed} protocol {protocol}")
    return status


if __name__ == "__main__":
    sys.exit(main())
