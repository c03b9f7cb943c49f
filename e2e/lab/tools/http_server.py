"""A small HTTP/1.1 server for the lab: GET serves files from the current directory, POST reads the whole
body and answers 200. Logs one access line per request to stderr. Stops by itself after LIFETIME seconds.

usage: http_server.py ADDR PORT [LIFETIME_S] [IDLE_TIMEOUT_S]
IDLE_TIMEOUT_S > 0 keeps connections alive and closes one that stays idle that long (an upstream with a
short keep-alive timeout); 0 (default) answers HTTP/1.0-style and closes after each response.
"""
import http.server
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


def main() -> None:
    addr, port = sys.argv[1], int(sys.argv[2])
    lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 55.0
    idle = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    if idle > 0:
        Handler.protocol_version = "HTTP/1.1"
        Handler.timeout = idle  # StreamRequestHandler: socket timeout while waiting for the next request
    server = http.server.ThreadingHTTPServer((addr, port), Handler)
    threading.Timer(lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
