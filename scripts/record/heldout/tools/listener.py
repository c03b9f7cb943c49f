"""A TCP listener for the held-out recordings, IPv4 or IPv6 (the address decides).

usage: listener.py ADDR PORT BACKLOG LIFETIME MODE
MODE stalled: listen(BACKLOG) and never accept (a worker stuck elsewhere: the accept queue fills).
MODE slow:    an HTTP/1.0 server that answers every request after 3 s (a slow handler, not a network fault).
MODE status:  an HTTP/1.0 server that answers every request at once with 503 and a JSON error body
              (an application failing by itself).
Stops by itself after LIFETIME seconds.
"""
import socket
import sys
import threading
import time

addr, port, backlog, lifetime, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(backlog)
end = time.monotonic() + lifetime
if mode == "stalled":
    time.sleep(lifetime)
    sys.exit(0)


def serve(c: socket.socket) -> None:
    try:
        c.settimeout(10)
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = c.recv(65536)
            if not chunk:
                return
            buf += chunk
        if mode == "slow":
            time.sleep(3)
            body = b"done\n"
            c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        else:
            body = b'{"error":"payment provider unavailable"}\n'
            c.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                      + str(len(body)).encode() + b"\r\n\r\n" + body)
    except OSError:
        pass
    finally:
        c.close()


s.settimeout(0.5)
while time.monotonic() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    threading.Thread(target=serve, args=(c,), daemon=True).start()
