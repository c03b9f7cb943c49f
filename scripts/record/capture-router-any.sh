#!/usr/bin/env bash
# Records on a router with `tcpdump -i any` (Linux cooked v2, LINKTYPE_LINUX_SLL2), so every forwarded
# packet is in the file twice: as it came in and as it left, rewritten by NAT (MASQUERADE), as on a
# Kubernetes node capturing on all interfaces. Also TCP keep-alives: a client idles 4.5 s on an open
# connection with SO_KEEPALIVE (idle 1 s, interval 1 s), so keep-alive probes and their ACKs are on the wire.
#   client 10.246.1.2 ── 10.246.1.1 router 10.246.2.1 ── 10.246.2.2 server (python3 http.server :8080)
# Output: lib/analysis/capture/testdata/router-any-nat-keepalive.pcap
source "$(dirname "$0")/capture-lib.sh"
need_root python3 curl iptables
C="nmrecra-c-$$"; R="nmrecra-r-$$"; S="nmrecra-s-$$"
new_ns "$C"; new_ns "$R"; new_ns "$S"
veth_pair ra-c "$C" 10.246.1.2 ra-rc "$R" 10.246.1.1
veth_pair ra-rs "$R" 10.246.2.1 ra-s "$S" 10.246.2.2
ip -n "$C" route add default via 10.246.1.1
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$R" iptables -t nat -A POSTROUTING -o ra-rs -j MASQUERADE
mkdir -p "$TMP/www"; head -c 30000 /dev/urandom > "$TMP/www/30k.bin"; chmod -R a+rX "$TMP"
bg "$S" timeout 40 python3 -m http.server --bind 10.246.2.2 --directory "$TMP/www" 8080
sleep 1
OUT="$OUTDIR/router-any-nat-keepalive.pcap"
# -i any on 2 interfaces drops packets with a 16 MB buffer (44 of 412 in one run): 128 MB
export CAPTURE_BUFFER_KB=131072
start_capture "$R" any "$OUT" tcp port 8080
for i in 1 2 3; do
  ip netns exec "$C" curl -s -o /dev/null --max-time 5 -w "  GET 30k.bin via the router: http %{http_code} %{size_download} bytes\n" "http://10.246.2.2:8080/30k.bin"
done
ip netns exec "$C" timeout 15 python3 -c '
import socket, time
s = socket.create_connection(("10.246.2.2", 8080))
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
time.sleep(4.5)
s.sendall(b"GET /30k.bin HTTP/1.0\r\nHost: x\r\n\r\n")
n = 0
while True:
    b = s.recv(65536)
    if not b: break
    n += len(b)
print("  keep-alive client: %d bytes after 4.5 s idle" % n)
'
stop_captures
echo "recorded $OUT ($(stat -c %s "$OUT") bytes)"
