#!/usr/bin/env bash
# Held-out: a Calico-style VXLAN overlay (routed pods, no bridge) whose MTU was left at Calico's 1450 on a
# cloud underlay of 1400.
#
#   pod-a 172.30.1.2/32 ─ cali7a1e94f2c03 ─ node-a ═ vxlan.calico (vni 4096, dstport 4789, mtu 1450, df set)
#                                             │ ens5 10.220.0.11/24 mtu 1400 (underlay)
#                                             │ ens5 10.220.0.12/24 mtu 1400
#   pod-b 172.30.2.3/32 ─ cali3b9d0e15a77 ─ node-b ═ vxlan.calico
#
# Pods have eth0 mtu 1450, a default route via 169.254.1.1 (proxy ARP on the cali device, Calico's layout),
# nodes have per-pod routes `dev caliX scope link` and `proto bird` routes to the other node's block via
# vxlan.calico onlink. A 1450-byte inner packet is a 1500-byte outer one: over the 1400 underlay with DF it
# fails on the sending node. Small GETs pass; 300 KB GET and POST stall until curl's --max-time 6.
# Recorded on node-a: ip -d link, ip -s link, ip route, nstat -az before/after, netstat -s after, a tcpdump of
# the underlay (udp 4789 or icmp); pod-a: ip addr, curl timings; node-b: ip -d link, its quiet counters.
#
# usage: ovcal.sh OUTDIR   → OUTDIR/{node-a,node-b,pod-a,pod-b}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"

host_add node-a node-b
link_veth node-a ens5 node-b ens5 1400
addr node-a ens5 10.220.0.11/24
addr node-b ens5 10.220.0.12/24

calico_node() { # NODE LOCAL REMOTE MY_BLOCK_OCTET PEER_OCTET POD POD_IP CALI
  local n="$1" l="$2" r="$3" me="$4" peer="$5" pod="$6" podip="$7" cali="$8"
  on "$n" sysctl -qw net.ipv4.ip_forward=1
  ip -n "$(ns "$n")" route add default via 10.220.0.1 dev ens5
  ip -n "$(ns "$n")" link add vxlan.calico type vxlan id 4096 dstport 4789 local "$l" remote "$r" df set
  ip -n "$(ns "$n")" link set vxlan.calico mtu 1450 up
  ip -n "$(ns "$n")" addr add "172.30.$me.0/32" dev vxlan.calico
  ip -n "$(ns "$n")" route add "172.30.$peer.0/26" via "172.30.$peer.0" dev vxlan.calico onlink proto bird
  ip -n "$(ns "$n")" route add blackhole "172.30.$me.0/26" proto bird
  host_add "$pod"
  ip link add eth0 netns "$(ns "$pod")" mtu 1450 type veth peer name "$cali" netns "$(ns "$n")" mtu 1450
  ip -n "$(ns "$n")" link set "$cali" up
  on "$n" sysctl -qw "net.ipv4.conf.$cali.proxy_arp=1"
  on "$n" sysctl -qw "net.ipv4.neigh.$cali.proxy_delay=0"
  ip -n "$(ns "$n")" route add "$podip" dev "$cali" scope link
  ip -n "$(ns "$pod")" link set eth0 up
  ip -n "$(ns "$pod")" addr add "$podip/32" dev eth0
  ip -n "$(ns "$pod")" route add 169.254.1.1 dev eth0 scope link
  ip -n "$(ns "$pod")" route add default via 169.254.1.1 dev eth0
}
calico_node node-a 10.220.0.11 10.220.0.12 1 2 pod-a 172.30.1.2 cali7a1e94f2c03
calico_node node-b 10.220.0.12 10.220.0.11 2 1 pod-b 172.30.2.3 cali3b9d0e15a77

lab_file small.json 180
lab_file export.csv 307200
(cd "$LAB_WORK/www" && lab_bg pod-b "$LAB_WORK/http.log" python3 -u "$LAB_DIR/tools/http_server.py" 172.30.2.3 8080 50)
wait_listen pod-b 8080

for h in node-a node-b pod-a pod-b; do collect_before "$h" "$OUT"; done
mkdir -p "$OUT/pod-a" "$OUT/node-a"
capture_start node-a ens5 "$OUT/node-a/ens5.pcap" udp port 4789 or icmp
PN=$CAPTURE_PID
capture_start pod-a eth0 "$OUT/pod-a/eth0.pcap" tcp port 8080 or icmp
PP=$CAPTURE_PID
c() { on pod-a curl -sS -o /dev/null --max-time "${MAXT:-4}" -w '%{http_code} %{time_connect} %{time_starttransfer} %{time_total} %{size_download} %{url_effective}\n' "$@" 2>>"$OUT/pod-a/curl-stderr.txt" || true; }
{
  c http://172.30.2.3:8080/small.json
  c http://172.30.2.3:8080/small.json
  MAXT=6 c http://172.30.2.3:8080/export.csv
  MAXT=6 c --data-binary @"$LAB_WORK/www/export.csv" http://172.30.2.3:8080/import
  c http://172.30.2.3:8080/small.json
} >"$OUT/pod-a/curl-timings.txt"
cat "$OUT/pod-a/curl-timings.txt" >&2

for h in node-a node-b; do collect_bundle "$h" "$OUT" 10.220.0.11 10.220.0.12 172.30.2.3; done
collect_bundle pod-a "$OUT" 172.30.2.3
rec "$OUT/node-a/ip-s-link.txt" ip -n "$(ns node-a)" -s link
rec "$OUT/node-a/ip-d-link-vxlan.txt" ip -n "$(ns node-a)" -d link show vxlan.calico
rec "$OUT/node-a/ip-link-ens5.txt" ip -n "$(ns node-a)" link show ens5
rec "$OUT/node-a/ip-br-link.txt" ip -n "$(ns node-a)" -br link
rec "$OUT/node-a/ip-c-addr.txt" ip -n "$(ns node-a)" -c=always addr
rec "$OUT/node-a/route-n.txt" on node-a route -n
capture_stop "$PN" "$OUT/node-a/ens5.pcap" "$OUT/node-a/tcpdump-ens5.txt"
capture_stop "$PP" "$OUT/pod-a/eth0.pcap" "$OUT/pod-a/tcpdump-eth0.txt"
on node-a tcpdump -nn -v -r "$OUT/node-a/ens5.pcap" 2>/dev/null | head -120 >"$OUT/node-a/tcpdump-ens5-v.txt" || true
rm -f "$OUT/node-a/ens5.pcap" "$OUT/pod-a/eth0.pcap"
lab_log "done: $OUT"
