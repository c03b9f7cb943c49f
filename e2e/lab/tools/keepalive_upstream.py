"""An HTTP/1.1 keep-alive upstream with a short idle timeout, for the keep-alive mismatch scenario.

Each connection serves requests (any method; the body is read per Content-Length) with keep-alive. When a
connection has been idle for IDLE seconds the server decides to close it, and closes it CLOSE_DELAY seconds
later without reading again: a request the proxy writes into that connection in between is never read,
and the kernel answers it with a RST. The delay stands for the network time that, between real hosts, lets
a proxy's request cross the upstream's close (this kernel has no netem to add that delay).

usage: keepalive_upstream.py ADDR PORT IDLE CLOSE_DELAY LIFETIME
"""
import socket
import sys
import threading
import time


def serve(conn: socket.socket, idle: float, close_delay: float) -> None:
    buf = b""
    conn.settimeout(idle)
    try:
        while True:
            try:
                while b"\r\n\r\n" not in buf:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
            except socket.timeout:
                if buf:
                    return
                time.sleep(close_delay)
                return
            head, buf = buf.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            length = 0
            for h in lines[1:]:
                k, _, v = h.partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v.strip())
            while len(buf) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
            buf = buf[length:]
            body = b'{"ok":true}\n'
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\nConnection: keep-alive\r\n\r\n" + body)
            sys.stderr.write(f"{time.time():.3f} {lines[0]}\n")
            sys.stderr.flush()
    finally:
        conn.close()


def main() -> None:
    addr, port, idle, close_delay, lifetime = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(128)
    srv.settimeout(0.5)
    end = time.monotonic() + lifetime
    while time.monotonic() < end:
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn, idle, close_delay), daemon=True).start()


if __name__ == "__main__":
    main()
