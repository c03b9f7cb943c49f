#!/usr/bin/env bash
# healthy: the same kind of topology as the fault scenarios, with normal traffic and nothing wrong.
#
#   client 10.211.0.2/24 ── veth ── 10.211.0.1/24 server (nginx :80)
#
# 23 requests (small and 64 KB responses, 64 KB uploads) all succeed.
# Default sysctls of this kernel. The diagnosis must be `none`.
#
# usage: healthy.sh OUTDIR   → OUTDIR/client/…, OUTDIR/server/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"

host_add client server
link_veth client eth0 server eth0
addr client eth0 10.211.0.2/24
addr server eth0 10.211.0.1/24

lab_file index.html 612
lab_file big.bin 65536
nginx_start server web "
  server {
    listen 10.211.0.1:80;
    root $LAB_WORK/www;
    location /upload { client_max_body_size 1m; return 200 'ok\n'; }
  }"
wait_listen server 80

collect_before server "$OUT"
collect_before client "$OUT"
mkdir -p "$OUT/server" "$OUT/client"
capture_start server eth0 "$OUT/server/server-eth0.pcap" tcp port 80
lab_file body.bin 65536
for i in $(seq 1 10); do
  on client curl -sS -o /dev/null --max-time 5 -w 'http_code: %{http_code} time_connect: %{time_connect} time_total: %{time_total}\n' http://10.211.0.1/index.html
  on client curl -sS -o /dev/null --max-time 5 -w 'http_code: %{http_code} time_connect: %{time_connect} time_total: %{time_total}\n' http://10.211.0.1/big.bin
done >"$OUT/client/curl-timings.txt"
for i in $(seq 1 3); do
  on client curl -sS -o /dev/null --max-time 5 -w 'http_code: %{http_code} time_connect: %{time_connect} time_total: %{time_total}\n' \
    --data-binary @"$LAB_WORK/www/body.bin" http://10.211.0.1/upload
done >>"$OUT/client/curl-timings.txt"
grep -vq '^http_code: 200 ' "$OUT/client/curl-timings.txt" && { lab_log "a request failed in the healthy scenario"; exit 1; }

collect_bundle server "$OUT" 10.211.0.2
collect_bundle client "$OUT" 10.211.0.1
capture_stop "$CAPTURE_PID" "$OUT/server/server-eth0.pcap" "$OUT/server/tcpdump-eth0.txt"
cp "$LAB_WORK/web-access.log" "$OUT/server/nginx-access.log"
cp "$LAB_WORK/web-error.log" "$OUT/server/nginx-error.log"
lab_log "done: $OUT"
