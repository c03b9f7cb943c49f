#!/usr/bin/env bash
# pmtu_blackhole: a narrower link in the middle of the path and the ICMP "fragmentation needed" that
# should announce it filtered by a firewall — no overlay involved.
#
#   client 10.216.1.2 ─(1500)─ r1 ─(1400, a tunnel-like WAN hop)─ r2 ─(1500)─ 10.216.3.2 server (:8080)
#
# Both ends have MTU 1500 and advertise MSS 1460. r2 cannot forward the server's 1500-byte packets onto
# the 1400 link and answers ICMP frag-needed (mtu 1400), which r2's own firewall drops on the way out
# (nft: icmp type destination-unreachable code frag-needed drop in the output chain). Small responses
# work; a 200 KB download stalls until curl's --max-time 6.
#
# usage: pmtu_blackhole.sh OUTDIR   → OUTDIR/{client,r1,r2,server}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"

host_add client r1 r2 server
link_veth client eth0 r1 eth0 1500
link_veth r1 eth1 r2 eth1 1400
link_veth r2 eth0 server eth0 1500
addr client eth0 10.216.1.2/24
addr r1 eth0 10.216.1.1/24
addr r1 eth1 10.216.2.1/24
addr r2 eth1 10.216.2.2/24
addr r2 eth0 10.216.3.1/24
addr server eth0 10.216.3.2/24
ip -n "$(ns client)" route add default via 10.216.1.1
ip -n "$(ns server)" route add default via 10.216.3.1
ip -n "$(ns r1)" route add 10.216.3.0/24 via 10.216.2.2
ip -n "$(ns r2)" route add 10.216.1.0/24 via 10.216.2.1
for r in r1 r2; do on "$r" sysctl -qw net.ipv4.ip_forward=1; done
on r2 nft -f - <<'NFT'
table inet fw {
  chain output {
    type filter hook output priority 0;
    icmp type destination-unreachable icmp code frag-needed counter drop
  }
}
NFT

lab_file small.txt 300
lab_file large.bin 204800
(cd "$LAB_WORK/www" && lab_bg server "$LAB_WORK/http.log" python3 "$LAB_DIR/tools/http_server.py" 10.216.3.2 8080 50)
wait_listen server 8080

for h in client r1 r2 server; do collect_before "$h" "$OUT"; done
mkdir -p "$OUT/client" "$OUT/server"
capture_start server eth0 "$OUT/server/server-eth0.pcap" tcp port 8080 or icmp
PS=$CAPTURE_PID
capture_start client eth0 "$LAB_WORK/client.pcap" tcp port 8080 or icmp
PC=$CAPTURE_PID
c() { on client curl -sS -o /dev/null --max-time 6 -w 'http_code: %{http_code} size_download: %{size_download} time_connect: %{time_connect} time_total: %{time_total}\n' "$@" || true; }
{
  c http://10.216.3.2:8080/small.txt
  c http://10.216.3.2:8080/large.bin
  c http://10.216.3.2:8080/small.txt
} >"$OUT/client/curl-timings.txt" 2>"$LAB_WORK/curl.err"
cat "$OUT/client/curl-timings.txt" >&2

collect_bundle client "$OUT" 10.216.3.2
collect_bundle r1 "$OUT" 10.216.1.2 10.216.3.2
collect_bundle r2 "$OUT" 10.216.1.2 10.216.3.2
collect_bundle server "$OUT" 10.216.1.2
capture_stop "$PS" "$OUT/server/server-eth0.pcap" "$OUT/server/tcpdump-eth0.txt"
capture_stop "$PC" "$LAB_WORK/client.pcap" "$OUT/client/tcpdump-eth0.txt"
lab_log "done: $OUT"
