"""A client that opens short connections to HOST PORT one after another, closing each itself (so each leaves
a TIME-WAIT socket on this side), as a service without connection pooling does. Logs like an application:
one line per failure with Python's own exception text, the traceback of the last one.

usage: db_client.py HOST PORT COUNT
"""
import logging
import socket
import sys
import time
import traceback

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(levelname)s [orders-worker] %(message)s")
ok = failed = 0
last = None
for i in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(3)
        s.connect((host, port))
        s.sendall(b"PING\r\n")
        s.recv(64)
        ok += 1
    except OSError as e:
        failed += 1
        last = traceback.format_exc()
        logging.error("could not connect to %s:%d: %s", host, port, e)
    finally:
        s.close()
    time.sleep(0.01)
if last:
    sys.stdout.write("Traceback of the last failure:\n" + last)
logging.info("done: %d ok, %d failed", ok, failed)
