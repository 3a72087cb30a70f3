#!/usr/bin/env python3
"""A TCP relay on 127.0.0.1 that records every byte crossing it.

usage: relay.py LISTEN_PORT TARGET_PORT LOGFILE

Each accepted connection is forwarded to 127.0.0.1:TARGET_PORT; the bytes of both
directions are appended to LOGFILE, so a test can check that what crossed the server
was OTR ciphertext and never the plaintext.
"""
import selectors
import socket
import sys


def main():
    listen_port, target_port, log_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    log = open(log_path, "ab", buffering=0)
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(16)
    sel = selectors.DefaultSelector()
    sel.register(server, selectors.EVENT_READ, None)
    while True:
        for key, _ in sel.select():
            if key.data is None:
                client, _ = server.accept()
                upstream = socket.create_connection(("127.0.0.1", target_port))
                sel.register(client, selectors.EVENT_READ, upstream)
                sel.register(upstream, selectors.EVENT_READ, client)
                continue
            src, dst = key.fileobj, key.data
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                for s in (src, dst):
                    try:
                        sel.unregister(s)
                    except (KeyError, ValueError):
                        pass
                    s.close()
                continue
            log.write(data)
            dst.sendall(data)


if __name__ == "__main__":
    main()
