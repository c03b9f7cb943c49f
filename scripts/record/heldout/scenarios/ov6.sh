#!/usr/bin/env bash
# Held-out: an IPv6 overlay over an IPv6 underlay (flannel's IPv6 device name, flannel-v6.1, vni 1, dstport
# 8472) given the IPv4 VXLAN arithmetic: mtu 1450 where an IPv6 outer header leaves 1430 (1500 - 70). Pods
# are IPv6-only (fd40:71::/64, fd40:72::/64) with eth0 at 1450.
#
#   pod-a fd40:71::4 ─ cni0 ─ node-a ═ flannel-v6.1 (mtu 1450) ═ underlay eth0 fd30::a/64 ↔ fd30::b/64 mtu 1500
#
# A full-size inner packet makes a 1520-byte outer one. The node's tunnel answers it with an ICMPv6 Packet Too
# Big to the pod (recorded without a firewall: the pods then learn 1430 and everything passes, slower), but
# both nodes' host firewalls drop ICMPv6 Packet Too Big on output (a rule set that keeps only neighbour
# discovery, a common hardening), so nothing tells the pods: large transfers stall while small ones pass.
# Recorded on node-a: ip -d link, ip -6 route, snmp6 before/after, a tcpdump -v of the underlay; pod-a: curl.
#
# usage: ov6.sh OUTDIR   → OUTDIR/{node-a,node-b,pod-a}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT/node-a" "$OUT/node-b" "$OUT/pod-a" && OUT="$(cd "$OUT" && pwd)"

host_add node-a node-b
link_veth node-a eth0 node-b eth0 1500
addr6 node-a eth0 fd30::a/64
addr6 node-b eth0 fd30::b/64
v6node() { # NODE LOCAL REMOTE ME PEER
  local n="$1"
  on "$n" sysctl -qw net.ipv6.conf.all.forwarding=1
  ip -n "$(ns "$n")" link add flannel-v6.1 type vxlan id 1 dstport 8472 local "$2" remote "$3"
  ip -n "$(ns "$n")" link set flannel-v6.1 mtu 1450 up
  ip -n "$(ns "$n")" -6 addr add "fd40:$4::/128" dev flannel-v6.1 nodad
  ip -n "$(ns "$n")" -6 route add "fd40:$5::/64" via "fd40:$5::" dev flannel-v6.1 onlink
  bridge_add "$n" cni0 "" 1500
  ip -n "$(ns "$n")" -6 addr add "fd40:$4::1/64" dev cni0 nodad
}
v6node node-a fd30::a fd30::b 71 72
v6node node-b fd30::b fd30::a 72 71
for p in "node-a pod-a fd40:71::4 fd40:71::1" "node-b pod-b fd40:72::9 fd40:72::1"; do
  set -- $p
  host_add "$2"
  ip link add eth0 netns "$(ns "$2")" mtu 1450 type veth peer name "veth$2" netns "$(ns "$1")" mtu 1450
  ip -n "$(ns "$1")" link set "veth$2" master cni0 up
  ip -n "$(ns "$2")" link set eth0 up
  ip -n "$(ns "$2")" -6 addr add "$3/64" dev eth0 nodad
  ip -n "$(ns "$2")" -6 route add default via "$4"
done
for n in node-a node-b; do
  on "$n" nft -f - <<'NFT'
table inet host-fw {
  chain output {
    type filter hook output priority filter; policy accept;
    icmpv6 type packet-too-big counter drop
  }
}
NFT
done
lab_file small.txt 150
lab_file blob.bin 262144
(cd "$LAB_WORK/www" && lab_bg pod-b "$LAB_WORK/h.log" python3 "$HELD_TOOLS/http_server.py" fd40:72::9 8080 50)
wait_listen pod-b 8080
for h in node-a node-b; do rec "$OUT/$h/snmp6-before.txt" on "$h" cat /proc/net/snmp6; done
capture_start node-a eth0 "$OUT/node-a/eth0.pcap" udp port 8472 or ip6[6] == 44 or icmp6
{
  c() { on pod-a curl -sS -g -o /dev/null --max-time "$1" -w '%{http_code} %{size_download} %{time_total} %{url_effective}\n' "${@:2}" 2>&1 || true; }
  c 4 "http://[fd40:72::9]:8080/small.txt"
  c 6 "http://[fd40:72::9]:8080/blob.bin"
  c 6 --data-binary @"$LAB_WORK/www/blob.bin" "http://[fd40:72::9]:8080/up"
  c 4 "http://[fd40:72::9]:8080/small.txt"
} >"$OUT/pod-a/curl.txt"
for h in node-a node-b; do
  rec "$OUT/$h/snmp6-after.txt" on "$h" cat /proc/net/snmp6
  rec "$OUT/$h/ip-d-link.txt" ip -n "$(ns "$h")" -d link
  rec "$OUT/$h/ip-6-route.txt" ip -n "$(ns "$h")" -6 route
  rec "$OUT/$h/ip-addr.txt" ip -n "$(ns "$h")" addr
  rec "$OUT/$h/sysctl-a.txt" on "$h" sysctl -a
  rec "$OUT/$h/nstat-az.txt" env NSTAT_HISTORY="$LAB_WORK/n-$h" ip netns exec "$(ns "$h")" nstat -az
done
rec "$OUT/node-a/nft-list-ruleset.txt" on node-a nft list ruleset
rec "$OUT/pod-a/ip-addr.txt" ip -n "$(ns pod-a)" addr
capture_stop "$CAPTURE_PID" "$OUT/node-a/eth0.pcap" "$OUT/node-a/tcpdump-eth0.txt"
tcpdump -nn -v -r "$OUT/node-a/eth0.pcap" 2>/dev/null | head -150 >"$OUT/node-a/tcpdump-v-eth0.txt" || true
rm -f "$OUT/node-a/eth0.pcap"
cat "$OUT/pod-a/curl.txt" >&2
lab_log "done: $OUT"
