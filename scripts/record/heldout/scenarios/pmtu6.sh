#!/usr/bin/env bash
# Held-out: an IPv6 path MTU black hole: a 1280-byte link in the middle and the ICMPv6 Packet Too Big that
# should announce it dropped by the router's own firewall (no overlay; IPv6 routers never fragment).
#
#   client fd20:1::2 ─(1500)─ edge ─(1280)─ core ─(1500)─ fd20:3::2 origin (:8080)
#
# Small GETs pass; a 120 KB GET stalls until curl's --max-time 6; `ping -6 -M do -s 1400` gets nothing back.
# Recorded: origin's tcpdump (-tttt), core's snmp6 before/after and nft ruleset, client's ping and curl -v,
# all hosts' links and routes.
#
# usage: pmtu6.sh OUTDIR   → OUTDIR/{client,edge,core,origin}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"

host_add client edge core origin
link_veth client eth0 edge eth0 1500
link_veth edge eth1 core eth1 1280
link_veth core eth0 origin eth0 1500
addr6 client eth0 fd20:1::2/64
addr6 edge eth0 fd20:1::1/64
addr6 edge eth1 fd20:2::1/64
addr6 core eth1 fd20:2::2/64
addr6 core eth0 fd20:3::1/64
addr6 origin eth0 fd20:3::2/64
ip -n "$(ns client)" -6 route add default via fd20:1::1
ip -n "$(ns origin)" -6 route add default via fd20:3::1
ip -n "$(ns edge)" -6 route add fd20:3::/64 via fd20:2::2
ip -n "$(ns core)" -6 route add fd20:1::/64 via fd20:2::1
for r in edge core; do on "$r" sysctl -qw net.ipv6.conf.all.forwarding=1; done
on core nft -f - <<'NFT'
table ip6 edge-filter {
  chain out {
    type filter hook output priority 0; policy accept;
    icmpv6 type packet-too-big counter drop
  }
}
NFT

lab_file status.json 240
lab_file report.pdf 122880
(cd "$LAB_WORK/www" && lab_bg origin "$LAB_WORK/http.log" python3 "$HELD_TOOLS/http_server.py" fd20:3::2 8080 50)
wait_listen origin 8080

for h in client core origin; do
  mkdir -p "$OUT/$h"
  rec "$OUT/$h/snmp6-before.txt" on "$h" cat /proc/net/snmp6
done
capture_start origin eth0 "$OUT/origin/eth0.pcap" tcp port 8080 or icmp6
PO=$CAPTURE_PID
{
  on client curl -sS -g -o /dev/null --max-time 6 -w 'code=%{http_code} size=%{size_download} total=%{time_total}\n' "http://[fd20:3::2]:8080/status.json" || true
  on client curl -sS -g -o /dev/null --max-time 6 -w 'code=%{http_code} size=%{size_download} total=%{time_total}\n' "http://[fd20:3::2]:8080/report.pdf" || true
} >"$OUT/client/curl.txt" 2>&1
rec2 "$OUT/client/curl-v.txt" on client curl -v -g -o /dev/null --max-time 6 "http://[fd20:3::2]:8080/report.pdf"
rec2 "$OUT/client/ping-small.txt" on client ping -6 -c 3 -i 0.2 fd20:3::2
rec2 "$OUT/client/ping-df.txt" on client ping -6 -c 3 -i 0.2 -W 1 -M do -s 1400 fd20:3::2
for h in client core origin; do rec "$OUT/$h/snmp6-after.txt" on "$h" cat /proc/net/snmp6; done
for h in client edge core origin; do
  mkdir -p "$OUT/$h"
  rec "$OUT/$h/ip-link.txt" ip -n "$(ns "$h")" link
  rec "$OUT/$h/ip-6-route.txt" ip -n "$(ns "$h")" -6 route
  rec "$OUT/$h/ip-6-addr.txt" ip -n "$(ns "$h")" -6 addr
  rec "$OUT/$h/sysctl-a.txt" on "$h" sysctl -a
  rec "$OUT/$h/netstat-s.txt" on "$h" netstat -s
done
rec "$OUT/core/nft-list-ruleset.txt" on core nft list ruleset
rec "$OUT/origin/ip-6-route-get.txt" ip -n "$(ns origin)" -6 route get fd20:1::2
capture_stop "$PO" "$OUT/origin/eth0.pcap" "$OUT/origin/tcpdump-eth0.txt"
on origin tcpdump -nn -tttt -r "$OUT/origin/eth0.pcap" >"$OUT/origin/tcpdump-eth0-tttt.txt" 2>/dev/null || true
rm -f "$OUT/origin/eth0.pcap"
lab_log "done: $OUT"
