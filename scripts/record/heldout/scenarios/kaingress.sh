#!/usr/bin/env bash
# Held-out: keep-alive idle-timeout mismatch behind an nginx configured like the ingress-nginx controller
# (its default upstreaminfo log format, upstream keepalive 320 connections / 60 s, error log at notice), in
# front of an upstream whose idle timer closes connections after 2 s with a FIN (tools/idle_close_upstream.py)
# rather than the lab's RST; PATCH requests (not retried by nginx), another port and addresses.
#
#   client 10.223.1.2 ── 10.223.1.1 ingress (nginx :80) 10.223.0.1 ── 10.223.0.7 orders (:3000)
#
# PATCHes after 2.1 s of idle: 502 with "upstream prematurely closed connection while reading response header
# from upstream"; after 0.4 s: 200. Recorded on ingress: access and error logs (and both interleaved by time,
# as `kubectl logs` of the controller prints them), ss -tan, a tcpdump of the upstream side; on client: curl.
#
# usage: kaingress.sh OUTDIR   → OUTDIR/{ingress,client,orders}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT/ingress" "$OUT/client" "$OUT/orders" && OUT="$(cd "$OUT" && pwd)"

host_add client ingress orders
link_veth client eth0 ingress eth0
link_veth ingress eth1 orders eth0
addr client eth0 10.223.1.2/24
addr ingress eth0 10.223.1.1/24
addr ingress eth1 10.223.0.1/24
addr orders eth0 10.223.0.7/24

lab_bg orders "$LAB_WORK/orders.log" python3 "$HELD_TOOLS/idle_close_upstream.py" 10.223.0.7 3000 2.0 0.4 50
wait_listen orders 3000
nginx_start ingress ctrl "
  log_format upstreaminfo '\$remote_addr - \$remote_user [\$time_local] \"\$request\" \$status \$body_bytes_sent \"\$http_referer\" \"\$http_user_agent\" \$request_length \$request_time [\$proxy_upstream_name] [\$proxy_alternative_upstream_name] \$upstream_addr \$upstream_response_length \$upstream_response_time \$upstream_status \$req_id';
  upstream upstream_balancer {
    server 10.223.0.7:3000;
    keepalive 320;
    keepalive_timeout 60s;
    keepalive_requests 10000;
  }
  server {
    listen 10.223.1.1:80;
    server_name shop.example.internal;
    set \$proxy_upstream_name \"shop-orders-3000\";
    set \$proxy_alternative_upstream_name \"\";
    set \$req_id \$request_id;
    access_log $LAB_WORK/ctrl-access.log upstreaminfo;
    location / {
      proxy_pass http://upstream_balancer;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_next_upstream error timeout;
    }
  }"
wait_listen ingress 80 || { cat "$LAB_WORK/ctrl-stderr.log" "$LAB_WORK/ctrl-error.log" >&2; exit 1; }

capture_start ingress eth1 "$OUT/ingress/eth1.pcap" tcp port 3000
patch() { on client curl -sS -o /dev/null --max-time 5 -X PATCH -H 'Content-Type: application/json' --data '{"state":"shipped"}' \
  -w '%{http_code} %{time_total}\n' "http://10.223.1.1/api/v2/orders/$1" 2>&1 || true; }
{
  n=7001
  for gap in 0.4 2.3 0.4 0.4 2.3 0.4 2.6 0.4 2.3 0.4; do
    patch "$n"
    n=$((n + 1))
    sleep "$gap"
  done
  patch "$n"
} >"$OUT/client/curl.txt"
rec "$OUT/ingress/ss-tan.txt" on ingress ss -tan
rec "$OUT/ingress/sysctl-a.txt" on ingress sysctl -a
rec "$OUT/ingress/uname-r.txt" uname -r
capture_stop "$CAPTURE_PID" "$OUT/ingress/eth1.pcap" "$OUT/ingress/tcpdump-eth1.txt"
rm -f "$OUT/ingress/eth1.pcap"
cp "$LAB_WORK/ctrl-access.log" "$OUT/ingress/access.log"
cp "$LAB_WORK/ctrl-error.log" "$OUT/ingress/error.log"
lab_log "client: $(grep -c '^200' "$OUT/client/curl.txt") × 200, $(grep -c '^502' "$OUT/client/curl.txt") × 502"
lab_log "done: $OUT"
