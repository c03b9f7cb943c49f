"""A tiny TCP server: answers each line with PONG and closes when the client closes. Stops after LIFETIME s.
usage: line_server.py ADDR PORT LIFETIME
"""
import socket
import sys
import threading
import time

addr, port, lifetime = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(128)
s.settimeout(0.5)
end = time.monotonic() + lifetime


def serve(c: socket.socket) -> None:
    try:
        c.settimeout(5)
        while True:
            d = c.recv(64)
            if not d:
                return
            c.sendall(b"PONG\r\n")
    except OSError:
        pass
    finally:
        c.close()


while time.monotonic() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    threading.Thread(target=serve, args=(c,), daemon=True).start()
