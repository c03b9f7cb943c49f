#!/usr/bin/env bash
# Records TCP under loss, over IPv4 and IPv6, plus a receiver that stops reading: the hard cases for
# retransmission, duplicate-ACK, SACK and zero-window bookkeeping, to compare with tshark flow by flow
# (scripts/check/vs-tshark.ts, streams.test.ts). This kernel has no netem: the loss is an nftables rule on
# the server's egress dropping ~4 % of the data segments at random (numgen random), so the recording
# differs from run to run; the committed file is one such run.
#   client 10.245.0.2 / fd45::2  ── veth ──  server 10.245.0.1 / fd45::1 (python3 http.server on :8080)
# Traffic: 6 downloads of 60 kB over IPv4 and 6 over IPv6 (curl), then one client that sends a request with a
# 4 kB receive buffer and does not read for 3 s (zero windows, window probes), then reads everything.
# Output: lib/analysis/capture/testdata/lossy-mix-v4-v6.pcap
source "$(dirname "$0")/capture-lib.sh"
need_root python3 curl nft
A="nmreclm-c-$$"; B="nmreclm-s-$$"
new_ns "$A"; new_ns "$B"
veth_pair lm-c "$A" 10.245.0.2 lm-s "$B" 10.245.0.1
ip -n "$A" -6 addr add fd45::2/64 dev lm-c nodad
ip -n "$B" -6 addr add fd45::1/64 dev lm-s nodad
mkdir -p "$TMP/www"; head -c 60000 /dev/urandom > "$TMP/www/60k.bin"; head -c 400000 /dev/urandom > "$TMP/www/400k.bin"; chmod -R a+rX "$TMP"
ip netns exec "$B" nft -f - <<'NFT'
table inet lossy {
  chain out {
    type filter hook output priority 0; policy accept;
    tcp sport 8080 meta length > 200 numgen random mod 100 < 4 counter drop
  }
}
NFT
http_server_dual "$B" "$TMP/www" 60
sleep 1
OUT="$OUTDIR/lossy-mix-v4-v6.pcap"
start_capture "$A" lm-c "$OUT" tcp port 8080
for i in 1 2 3 4 5 6; do
  ip netns exec "$A" curl -s -o /dev/null --max-time 10 -w "  GET v4 60k.bin: http %{http_code} %{size_download} bytes\n" "http://10.245.0.1:8080/60k.bin"
  ip netns exec "$A" curl -s -o /dev/null --max-time 10 -w "  GET v6 60k.bin: http %{http_code} %{size_download} bytes\n" "http://[fd45::1]:8080/60k.bin"
done
ip netns exec "$A" timeout 20 python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("10.245.0.1", 8080))
s.sendall(b"GET /400k.bin HTTP/1.0\r\nHost: x\r\n\r\n")
time.sleep(3)
n = 0
while True:
    b = s.recv(65536)
    if not b: break
    n += len(b)
print("  slow reader: %d bytes" % n)
'
stop_captures
ip netns exec "$B" nft list table inet lossy | grep counter | sed 's/^ */  dropped by nft: /'
echo "recorded $OUT ($(stat -c %s "$OUT") bytes)"
