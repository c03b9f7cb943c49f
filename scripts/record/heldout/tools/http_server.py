"""The lab's small HTTP server (e2e/lab/tools/http_server.py: GET serves the current directory, POST reads the
body and answers 200), on an IPv4 or IPv6 address. Stops by itself after LIFETIME seconds.

usage: http_server.py ADDR PORT [LIFETIME_S]
"""
import http.server
import socket
import sys
import threading


class Handler(http.server.SimpleHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(65536, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
        body = f"received {length - remaining} bytes\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET


def main() -> None:
    addr, port = sys.argv[1], int(sys.argv[2])
    lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 55.0
    server = Server((addr, port), Handler)
    threading.Timer(lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
