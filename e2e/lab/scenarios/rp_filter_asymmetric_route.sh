#!/usr/bin/env bash
# rp_filter_asymmetric_route: strict reverse-path filtering on a two-NIC node whose route back to a
# client leaves by the other NIC.
#
#   client 10.213.1.2/24 ── eth0 10.213.1.1/24  node  eth1 10.213.2.1/24 ── 10.213.2.2/24 gw2
#
# node: net.ipv4.conf.all.rp_filter=1 (as some distributions set it), log_martians=1, and a more specific
# route `10.213.1.0/25 via 10.213.2.2 dev eth1` (a route for an office range pushed via the second NIC).
# The client (10.213.1.2, inside that /25) connects to a server on node:8080: its SYNs arrive on eth0, the
# best reverse path is eth1, the kernel drops them (TcpExtIPReversePathFilter), the client retransmits
# until curl's --max-time 6. A client from 10.213.1.200 (outside the /25) is served normally.
#
# usage: rp_filter_asymmetric_route.sh OUTDIR   → OUTDIR/{client,node}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"

host_add client node gw2
link_veth client eth0 node eth0
link_veth node eth1 gw2 eth0
addr client eth0 10.213.1.2/24
addr client eth0 10.213.1.200/24
addr node eth0 10.213.1.1/24
addr node eth1 10.213.2.1/24
addr gw2 eth0 10.213.2.2/24
on node sysctl -qw net.ipv4.conf.all.rp_filter=1
on node sysctl -qw net.ipv4.conf.all.log_martians=1
ip -n "$(ns node)" route add 10.213.1.0/25 via 10.213.2.2 dev eth1

lab_file index.html 612
(cd "$LAB_WORK/www" && lab_bg node "$LAB_WORK/http.log" python3 "$LAB_DIR/tools/http_server.py" 0.0.0.0 8080 50)
wait_listen node 8080

T0="$(lab_uptime)"
for h in client node; do collect_before "$h" "$OUT"; done
mkdir -p "$OUT/node" "$OUT/client"
capture_start node eth0 "$OUT/node/node-eth0.pcap" tcp port 8080
{
  on client curl -sS -o /dev/null --max-time 6 --interface 10.213.1.200 \
    -w 'http_code: %{http_code} time_connect: %{time_connect} time_total: %{time_total}\n' http://10.213.1.1:8080/ || true
  on client curl -sS -o /dev/null --max-time 6 --interface 10.213.1.2 \
    -w 'http_code: %{http_code} time_connect: %{time_connect} time_total: %{time_total}\n' http://10.213.1.1:8080/ || true
} >"$OUT/client/curl-timings.txt" 2>"$LAB_WORK/curl.err"
cat "$OUT/client/curl-timings.txt" >&2

collect_bundle node "$OUT" 10.213.1.2 10.213.1.200
collect_bundle client "$OUT" 10.213.1.1
capture_stop "$CAPTURE_PID" "$OUT/node/node-eth0.pcap" "$OUT/node/tcpdump-eth0.txt"
# the kernel log is the machine's: only this run's lines about this scenario's addresses
kernel_log_since "$T0" 'martian source 10\.213\.1\.1 from 10\.213\.1\.2,' "$OUT/node/dmesg-martian.txt"
lab_log "done: $OUT"
