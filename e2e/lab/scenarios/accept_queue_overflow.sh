#!/usr/bin/env bash
# accept_queue_overflow: a listener whose accept loop is stalled, behind a small accept queue.
#
#   client 10.210.0.2/24 ── veth ── 10.210.0.1/24 server
#
# The server's netns has net.core.somaxconn=16; a listener on :8080 calls listen(511) (nginx's default
# backlog, so min(511, 16) = 16 is what the kernel uses) and never accepts. A bounded burst of 200
# connection attempts (8 s deadline) fills the accept queue; the kernel then drops SYNs and final ACKs:
# ListenOverflows/ListenDrops rise, `ss -ltn` shows Recv-Q 17 > Send-Q 16, the capture shows SYN
# retransmissions without SYN-ACK and SYN-ACK retransmissions from the server.
#
# usage: accept_queue_overflow.sh OUTDIR   → OUTDIR/client/…, OUTDIR/server/… (bundle layout)
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"
TOOLS="$LAB_DIR/tools"

host_add client server
link_veth client eth0 server eth0
addr client eth0 10.210.0.2/24
addr server eth0 10.210.0.1/24
on server sysctl -qw net.core.somaxconn=16

lab_bg server "$LAB_WORK/listener.log" python3 "$TOOLS/stalled_listener.py" 10.210.0.1 8080 511 40
wait_listen server 8080

collect_before server "$OUT"
collect_before client "$OUT"
mkdir -p "$OUT/server"
capture_start server eth0 "$OUT/server/server-eth0.pcap" tcp port 8080

lab_log "burst: 200 connections to 10.210.0.1:8080, 8 s deadline"
on client python3 "$TOOLS/burst.py" 10.210.0.1 8080 200 8 $'GET / HTTP/1.1\r\nHost: server\r\n\r\n' >&2

# the state while the queue is still full: the listener has not accepted anything
collect_bundle server "$OUT" 10.210.0.2
collect_bundle client "$OUT" 10.210.0.1
# the same moment as sosreport trees, when asked (lab.test.ts): LAB_SOS_DIR/sosreport-<host>-…/
if [ -n "${LAB_SOS_DIR:-}" ]; then
  sos_collect server "$LAB_SOS_DIR"
  sos_collect client "$LAB_SOS_DIR"
fi
capture_stop "$CAPTURE_PID" "$OUT/server/server-eth0.pcap" "$OUT/server/tcpdump-eth0.txt"
lab_log "done: $OUT"
