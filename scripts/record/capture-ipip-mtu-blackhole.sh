#!/usr/bin/env bash
# Records an MTU black hole on an IP-in-IP overlay (Calico's default encapsulation) whose MTU is too big for
# its underlay: the tunnel devices at 1500 where 1480 would fit (1500 minus the 20-byte outer IPv4 header;
# Calico's IPIP default is 1480, or 1440 on top of cloud MTUs). As in capture-vxlan-mtu-blackhole.sh, the
# server's underlay NIC accepts 9000 bytes and the client's only 1500: the server sees no local error and
# sends 1520-byte outer packets with DF, which the client's underlay drops silently (a switch with a
# 1500-byte MTU would, without ICMP). The handshake, the request and the HTTP header segment pass; full-size
# segments are retransmitted and never acknowledged.
#
# This kernel has no ipip driver: the tunnel endpoints are scripts/record/tunnel-endpoint.py (TUN devices, raw
# sockets of protocol 4, DF on every outer packet as Linux's ipip does by default; see its header). The TCP
# traffic is the kernel's own (curl, python3 http.server).
#
# Outputs (lib/analysis/capture/testdata/):
#   ipip-mtu-blackhole-underlay.pcap  server underlay: outer packets (IP protocol 4)
#   ipip-mtu-blackhole-overlay.pcap   server tunnel device: the inner TCP flow
source "$(dirname "$0")/capture-lib.sh"
need_root python3 curl
A="nmrecipip-c-$$"; B="nmrecipip-s-$$"
new_ns "$A"; new_ns "$B"
veth_pair ip-u-c "$A" 10.243.0.2 ip-u-s "$B" 10.243.0.1
ip -n "$B" link set ip-u-s mtu 9000
EP="$(dirname "$0")/tunnel-endpoint.py"
bg "$A" timeout 30 python3 "$EP" tunl0,ipip,10.243.0.2,10.243.0.1
bg "$B" timeout 30 python3 "$EP" tunl0,ipip,10.243.0.1,10.243.0.2
for i in $(seq 1 50); do ip -n "$A" link show tunl0 >/dev/null 2>&1 && ip -n "$B" link show tunl0 >/dev/null 2>&1 && break; sleep 0.2; done
for spec in "$A 10.244.1.2" "$B 10.244.1.1"; do
  read -r ns addr <<< "$spec"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.tunl0.disable_ipv6=1
  ip -n "$ns" link set tunl0 mtu 1500
  ip -n "$ns" addr add "$addr/24" dev tunl0
  ip -n "$ns" link set tunl0 up
done
mkdir -p "$TMP/www"
head -c 300000 /dev/urandom > "$TMP/www/big.bin"
chmod -R a+rX "$TMP"
bg "$B" timeout 30 python3 -m http.server --bind 10.244.1.1 --directory "$TMP/www" 8000 >/dev/null 2>&1
sleep 1
start_capture "$B" ip-u-s "$OUTDIR/ipip-mtu-blackhole-underlay.pcap" ip proto 4
start_capture "$B" tunl0 "$OUTDIR/ipip-mtu-blackhole-overlay.pcap" tcp port 8000
ip netns exec "$A" curl -s -o /dev/null --max-time 12 -w "  curl: http %{http_code}, %{size_download} bytes in %{time_total}s\n" http://10.244.1.1:8000/big.bin || echo "  curl gave up (exit $?)"
stop_captures
echo "  client underlay drops: $(ip -n "$A" -s link show ip-u-c | awk '/RX:/{getline; print "rx_dropped=" $4}')"
ls -l "$OUTDIR"/ipip-mtu-blackhole-*.pcap
