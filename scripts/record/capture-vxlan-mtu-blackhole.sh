#!/usr/bin/env bash
# Records an MTU black hole on a VXLAN overlay whose MTU is too big for its underlay.
#
# Two namespaces joined by a veth underlay; a VXLAN device (VNI 42, dstport 8472, the Linux/flannel port)
# on each side with MTU 1500 where 1450 would fit (1500 + 50 bytes of VXLAN/UDP/IP/Ethernet headers).
# The server's underlay NIC accepts 9000 bytes, the client's only 1500: the server's TCP therefore sees no
# local error and sends 1550-byte outer packets, which the client's underlay drops silently (as a switch
# with a 1500-byte MTU would: no ICMP). Small segments (the HTTP request, ACKs, headers) pass; full-size
# segments are retransmitted and never acknowledged.
#
# The VXLAN devices are created without `dev`: bound to a 1500-byte lower device, this kernel refuses
# MTU 1500 on the VXLAN device (EINVAL), unbound it accepts it, as a CNI or a hand-made config can.
# (With both underlay NICs at 1500 the kernel sees the oversize packet locally: the first full-size
# segments leave as fragmented outer packets (VXLAN default "df unset"), then the VXLAN device's PMTU
# check lowers the path MTU and TCP sends 1398-byte segments; the transfer completes. Tried on 6.18: no
# black hole.)
#
# Outputs (lib/analysis/capture/testdata/):
#   vxlan-mtu-blackhole-underlay.pcap  server underlay: outer packets (VXLAN, UDP 8472)
#   vxlan-mtu-blackhole-overlay.pcap   server VXLAN device: the inner TCP flow
source "$(dirname "$0")/capture-lib.sh"
need_root python3 curl
A="nmrecvx-c-$$"; B="nmrecvx-s-$$"
new_ns "$A"; new_ns "$B"
veth_pair vx-u-c "$A" 10.241.0.2 vx-u-s "$B" 10.241.0.1
ip -n "$B" link set vx-u-s mtu 9000
for spec in "$A 10.241.0.2 10.241.0.1 vx-u-c 10.242.0.2" "$B 10.241.0.1 10.241.0.2 vx-u-s 10.242.0.1"; do
  set -- $spec
  ip -n "$1" link add vx42 type vxlan id 42 dstport 8472 local "$2" remote "$3"
  ip -n "$1" link set vx42 mtu 1500
  ip -n "$1" addr add "$5/24" dev vx42
  ip -n "$1" link set vx42 up
  ip netns exec "$1" ethtool -K vx42 gro off gso off tso off >/dev/null 2>&1 || true
done
mkdir -p "$TMP/www"
head -c 300000 /dev/urandom > "$TMP/www/big.bin"
chmod -R a+rX "$TMP"
bg "$B" timeout 30 python3 -m http.server --bind 10.242.0.1 --directory "$TMP/www" 8000
sleep 1
start_capture "$B" vx-u-s "$OUTDIR/vxlan-mtu-blackhole-underlay.pcap" udp port 8472
start_capture "$B" vx42 "$OUTDIR/vxlan-mtu-blackhole-overlay.pcap" tcp port 8000
ip netns exec "$A" curl -s -o /dev/null --max-time 12 -w "  curl: http %{http_code}, %{size_download} bytes in %{time_total}s\n" http://10.242.0.1:8000/big.bin || echo "  curl gave up (exit $?)"
stop_captures
echo "  client underlay drops: $(ip -n "$A" -s link show vx-u-c | awk '/RX:/{getline; print "rx_dropped=" $4}')"
ls -l "$OUTDIR"/vxlan-mtu-blackhole-*.pcap
