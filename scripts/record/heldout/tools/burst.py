"""Opens N TCP connections to HOST PORT at once (IPv4 or IPv6), bounded by a deadline, then closes them.

usage: burst.py HOST PORT N DEADLINE_S [REQUEST]
Prints one summary line. The address is one of the recording's own namespaces.
"""
import errno
import selectors
import socket
import sys
import time

host, port, count, deadline_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
request = sys.argv[5].encode() if len(sys.argv) > 5 else b""
family = socket.AF_INET6 if ":" in host else socket.AF_INET
sel = selectors.DefaultSelector()
start = time.monotonic()
socks = []
for _ in range(count):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setblocking(False)
    rc = s.connect_ex((host, port))
    if rc not in (0, errno.EINPROGRESS):
        s.close()
        continue
    socks.append(s)
    sel.register(s, selectors.EVENT_WRITE)
connected = failed = 0
pending = len(socks)
while pending and time.monotonic() - start < deadline_s:
    for key, _ in sel.select(timeout=0.2):
        s = key.fileobj
        sel.unregister(s)
        pending -= 1
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
            connected += 1
            if request:
                try:
                    s.send(request)
                except OSError:
                    pass
        else:
            failed += 1
time.sleep(0.5)
for s in socks:
    s.close()
print(f"attempted={len(socks)} connected={connected} failed={failed} pending={pending} elapsed={time.monotonic() - start:.1f}s")
