"""An HTTP/1.1 keep-alive upstream whose idle timer closes connections gracefully (FIN), for the held-out
keep-alive recording (the lab's keepalive_upstream.py closes with unread data: a RST).

Each connection serves requests with keep-alive. When it has been idle for IDLE seconds the server's timer
fires; the close takes CLOSE_DELAY more seconds (the network time between real hosts in which a proxy's
request crosses the close). A request that arrives in that window is read and dropped, and the connection
is closed with a FIN and no response: the proxy sees the upstream close while it waits for the response
header. This kernel has no netem to add the delay on the wire instead.

usage: idle_close_upstream.py ADDR PORT IDLE CLOSE_DELAY LIFETIME
"""
import socket
import sys
import threading
import time


def read_request(conn: socket.socket, buf: bytes) -> tuple[bytes, bytes] | None:
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    length = 0
    for h in head.decode("latin-1").split("\r\n")[1:]:
        k, _, v = h.partition(":")
        if k.strip().lower() == "content-length":
            length = int(v.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head, rest[length:]


def serve(conn: socket.socket, idle: float, close_delay: float) -> None:
    buf = b""
    try:
        while True:
            conn.settimeout(idle)
            try:
                got = read_request(conn, buf)
            except socket.timeout:
                # the idle timer fired: the close completes CLOSE_DELAY later; what arrives meanwhile is dropped
                conn.settimeout(close_delay)
                try:
                    conn.recv(65536)
                except (socket.timeout, OSError):
                    pass
                time.sleep(0.05)
                try:
                    while conn.recv(65536):
                        pass
                except (socket.timeout, OSError):
                    pass
                conn.shutdown(socket.SHUT_RDWR)
                return
            if got is None:
                return
            head, buf = got
            body = b'{"status":"accepted"}\n'
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\nConnection: keep-alive\r\n\r\n" + body)
    except OSError:
        pass
    finally:
        conn.close()


def main() -> None:
    addr, port, idle, close_delay, lifetime = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    srv = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
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
