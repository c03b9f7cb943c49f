#!/usr/bin/env bash
# Records SYNs dropped by a full accept queue: a listener with backlog 1 that never calls accept(), and
# five clients. The first connections fill the accept queue; later SYNs are dropped by the kernel
# (ListenOverflows/ListenDrops) and the clients retransmit them on this kernel's schedule (+1, +3, +7 s).
# Output: lib/analysis/capture/testdata/accept-queue-full-syn-drops.pcap
source "$(dirname "$0")/capture-lib.sh"
need_root python3 curl nstat
A="nmrecaq-c-$$"; B="nmrecaq-s-$$"
new_ns "$A"; new_ns "$B"
veth_pair aq-c "$A" 10.240.1.2 aq-s "$B" 10.240.1.1
OUT="$OUTDIR/accept-queue-full-syn-drops.pcap"
bg "$B" timeout 30 python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.240.1.1", 8080)); s.listen(1)
time.sleep(25)'
sleep 0.5
start_capture "$B" aq-s "$OUT" tcp port 8080
for i in 1 2 3 4 5; do
  ip netns exec "$A" curl -s -o /dev/null --max-time 9 http://10.240.1.1:8080/ & PIDS+=($!)
  sleep 0.2
done
sleep 10
echo "  listener namespace counters:"; ip netns exec "$B" nstat -az TcpExtListenOverflows TcpExtListenDrops | sed 's/^/    /'
stop_captures
echo "recorded $OUT ($(stat -c %s "$OUT") bytes)"
