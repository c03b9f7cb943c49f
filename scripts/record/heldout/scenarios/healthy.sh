#!/usr/bin/env bash
# Held-out healthy and unrelated recordings (hosts that look risky, clients that give up on purpose, an
# application failing by itself):
#
# jumbo/   flannel-style VXLAN (flannel.1, vni 1, dstport 8472, dev eth0, mtu 1500) over a 9001-byte underlay
#          (AWS's jumbo MTU, flannel#841's layout) with pods at 1500: a 300 KB GET and POST pass; nothing fails.
# backlog/ a server with net.core.somaxconn=64 and nginx on :8088 (listen backlog 511 → 64): 40 sequential
#          requests, all 200 in ms; the queue never fills (ListenOverflows stays 0).
# giveup/  a client calling an endpoint that takes 3 s, with curl --max-time 1: 000 after 1 s, every time, by
#          the client's own choice; the handshake and the request are fine.
# app503/  nginx in front of an application that answers 503 at once (its own error body): the access log is
#          full of 503 with upstream_status 503 and an upstream connect time of a millisecond; the network is fine.
#
# usage: healthy.sh OUTDIR   → OUTDIR/{jumbo,backlog,giveup,app503}/<host>/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"
lab_file small.json 200
lab_file big.bin 307200

# ---- jumbo
J="$OUT/jumbo"
host_add node-a node-b
link_veth node-a eth0 node-b eth0 9001
addr node-a eth0 172.31.12.123/20
addr node-b eth0 172.31.14.7/20
jumbo_node() { # NODE LOCAL REMOTE ME PEER
  local n="$1"
  on "$n" sysctl -qw net.ipv4.ip_forward=1
  ip -n "$(ns "$n")" link add flannel.1 type vxlan id 1 dstport 8472 local "$2" remote "$3" dev eth0 nolearning
  ip -n "$(ns "$n")" link set flannel.1 mtu 1500 up
  ip -n "$(ns "$n")" addr add "10.2.$4.0/32" dev flannel.1
  ip -n "$(ns "$n")" route add "10.2.$5.0/24" via "10.2.$5.0" dev flannel.1 onlink
  bridge_add "$n" cni0 "10.2.$4.1/24" 1500
}
jumbo_node node-a 172.31.12.123 172.31.14.7 71 72
jumbo_node node-b 172.31.14.7 172.31.12.123 72 71
pod_add node-a cni0 pod-a 10.2.71.4/24 10.2.71.1 1500
pod_add node-b cni0 pod-b 10.2.72.9/24 10.2.72.1 1500
(cd "$LAB_WORK/www" && lab_bg pod-b "$LAB_WORK/j.log" python3 "$HELD_TOOLS/http_server.py" 10.2.72.9 8080 50)
wait_listen pod-b 8080
for h in node-a pod-a; do collect_before "$h" "$J"; done
{
  for u in small.json big.bin small.json; do on pod-a curl -sS -o /dev/null --max-time 6 -w "GET $u %{http_code} %{size_download} %{time_total}\n" "http://10.2.72.9:8080/$u" || true; done
  on pod-a curl -sS -o /dev/null --max-time 6 --data-binary @"$LAB_WORK/www/big.bin" -w "POST big.bin %{http_code} %{size_upload} %{time_total}\n" http://10.2.72.9:8080/upload || true
} >"$J/pod-a/curl.txt" 2>&1
collect_bundle node-a "$J" 172.31.14.7 10.2.72.9
collect_bundle pod-a "$J" 10.2.72.9
rec "$J/node-a/ip-d-link-flannel.txt" ip -n "$(ns node-a)" -d link show flannel.1
rec "$J/node-a/ip-d-link-eth0.txt" ip -n "$(ns node-a)" -d link show eth0
cat "$J/pod-a/curl.txt" >&2

# ---- backlog
B="$OUT/backlog"
host_add cli srv
link_veth cli eth0 srv eth0
addr cli eth0 10.225.0.2/24
addr srv eth0 10.225.0.1/24
on srv sysctl -qw net.core.somaxconn=64
nginx_start srv web "
  server { listen 10.225.0.1:8088; root $LAB_WORK/www; access_log $LAB_WORK/web-access.log; }"
wait_listen srv 8088
collect_before srv "$B"
on cli curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' "http://10.225.0.1:8088/small.json?n=[1-40]" >"$LAB_WORK/b.txt" 2>&1 || true
mkdir -p "$B/cli"
cp "$LAB_WORK/b.txt" "$B/cli/curl.txt"
collect_bundle srv "$B" 10.225.0.2
rec "$B/srv/ss-ltnp.txt" on srv ss -ltnp
cp "$LAB_WORK/web-access.log" "$B/srv/access.log"
lab_log "backlog: $(grep -c '^200' "$B/cli/curl.txt") × 200"

# ---- giveup
G="$OUT/giveup"
host_add caller slowapi
link_veth caller eth0 slowapi eth0
addr caller eth0 10.226.0.2/24
addr slowapi eth0 10.226.0.1/24
lab_bg slowapi "$LAB_WORK/slow.log" python3 "$HELD_TOOLS/listener.py" 10.226.0.1 7070 128 40 slow
wait_listen slowapi 7070
mkdir -p "$G/caller" "$G/slowapi"
collect_before caller "$G"
capture_start caller eth0 "$G/caller/eth0.pcap" tcp port 7070
{
  for i in 1 2 3; do on caller curl -sS -o /dev/null --max-time 1 -w 'report %{http_code} %{time_total}\n' http://10.226.0.1:7070/report 2>&1 || true; done
} >"$G/caller/curl.txt"
rec2 "$G/caller/curl-v.txt" on caller curl -v -o /dev/null --max-time 1 http://10.226.0.1:7070/report
sleep 3
collect_bundle caller "$G" 10.226.0.1
collect_bundle slowapi "$G" 10.226.0.2
capture_stop "$CAPTURE_PID" "$G/caller/eth0.pcap" "$G/caller/tcpdump-eth0.txt"
rm -f "$G/caller/eth0.pcap"

# ---- app503
A="$OUT/app503"
host_add edge pay
link_veth edge eth1 pay eth0
addr edge eth1 10.227.0.1/24
addr pay eth0 10.227.0.9/24
lab_bg pay "$LAB_WORK/pay.log" python3 "$HELD_TOOLS/listener.py" 10.227.0.9 9000 128 40 status
wait_listen pay 9000
nginx_start edge gw "
  log_format main '\$remote_addr - \$remote_user [\$time_local] \"\$request\" \$status \$body_bytes_sent \"\$http_referer\" \"\$http_user_agent\" rt=\$request_time uct=\"\$upstream_connect_time\" uht=\"\$upstream_header_time\" urt=\"\$upstream_response_time\" us=\"\$upstream_status\"';
  server { listen 127.0.0.1:8080; access_log $LAB_WORK/gw-access.log main; location / { proxy_pass http://10.227.0.9:9000; } }"
wait_listen edge 8080
collect_before edge "$A"
on edge curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "http://127.0.0.1:8080/v1/charges?n=[1-20]" >"$LAB_WORK/a.txt" 2>&1 || true
collect_bundle edge "$A" 10.227.0.9
cp "$LAB_WORK/gw-access.log" "$A/edge/access.log"
cp "$LAB_WORK/gw-error.log" "$A/edge/error.log"
cp "$LAB_WORK/a.txt" "$A/edge/curl.txt"
lab_log "app503: $(grep -c '^503' "$A/edge/curl.txt") × 503"
lab_log "done: $OUT"
