"""Opens N TCP connections to HOST:PORT at once, bounded by a deadline, then closes them.

Prints one summary line. Used by the lab scenarios to produce a bounded burst of connection attempts
(the traffic stays inside the lab's own network namespaces: the address is given by the scenario).
"""
import errno
import selectors
import socket
import sys
import time


def main() -> int:
    host, port, count, deadline_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    request = sys.argv[5].encode() if len(sys.argv) > 5 else b""
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    socks = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
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
    # give sent requests a moment on the wire before closing
    time.sleep(0.5)
    for s in socks:
        s.close()
    print(f"attempted={len(socks)} connected={connected} failed={failed} pending={pending} "
          f"elapsed={time.monotonic() - start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
