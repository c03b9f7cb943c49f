"""A TCP listener whose accept loop is stalled: it listens with BACKLOG and never calls accept().

Models a server whose worker is blocked (the seed 004 nginx reading from a hung NFS mount): the kernel
completes handshakes into the accept queue until it is full. Stops by itself after LIFETIME seconds.
"""
import socket
import sys
import time

addr, port, backlog, lifetime = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(backlog)
time.sleep(lifetime)
