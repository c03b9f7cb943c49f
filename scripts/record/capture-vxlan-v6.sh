#!/usr/bin/env bash
# Records a dual-stack VXLAN overlay (VNI 7, UDP 4789) over an IPv6 underlay, as a dual-stack CNI in VXLAN
# mode builds it: HTTP downloads over the overlay's IPv4 and IPv6 addresses, captured on the underlay, so
# every TCP flow is inside VXLAN-over-IPv6 and the decapsulation must carry IPv6 outer addresses.
#   client fd46::2 ─ veth ─ fd46::1 server; vx7 overlay 10.248.0.2/24 + fd47::2/64 ↔ 10.248.0.1 + fd47::1
# Output: lib/analysis/capture/testdata/vxlan-over-ipv6-dual-stack.pcap
source "$(dirname "$0")/capture-lib.sh"
need_root python3 curl
A="nmrecv6-c-$$"; B="nmrecv6-s-$$"
new_ns "$A"; new_ns "$B"
veth_pair v6-u-c "$A" 10.249.0.2 v6-u-s "$B" 10.249.0.1
ip -n "$A" -6 addr add fd46::2/64 dev v6-u-c nodad
ip -n "$B" -6 addr add fd46::1/64 dev v6-u-s nodad
for spec in "$A fd46::2 fd46::1 10.248.0.2 fd47::2" "$B fd46::1 fd46::2 10.248.0.1 fd47::1"; do
  set -- $spec
  ip -n "$1" link add vx7 type vxlan id 7 dstport 4789 local "$2" remote "$3"
  ip -n "$1" link set vx7 mtu 1400
  ip -n "$1" addr add "$4/24" dev vx7
  ip -n "$1" -6 addr add "$5/64" dev vx7 nodad
  ip -n "$1" link set vx7 up
  ip netns exec "$1" ethtool -K vx7 gro off gso off tso off >/dev/null 2>&1 || true
done
mkdir -p "$TMP/www"; head -c 40000 /dev/urandom > "$TMP/www/40k.bin"; chmod -R a+rX "$TMP"
http_server_dual "$B" "$TMP/www" 30
sleep 1
OUT="$OUTDIR/vxlan-over-ipv6-dual-stack.pcap"
start_capture "$B" v6-u-s "$OUT" udp port 4789
for url in http://10.248.0.1:8080/40k.bin "http://[fd47::1]:8080/40k.bin" http://10.248.0.1:8080/40k.bin "http://[fd47::1]:8080/40k.bin"; do
  ip netns exec "$A" curl -s -o /dev/null --max-time 5 -w "  GET $url: http %{http_code} %{size_download} bytes\n" "$url"
done
stop_captures
echo "recorded $OUT ($(stat -c %s "$OUT") bytes)"
