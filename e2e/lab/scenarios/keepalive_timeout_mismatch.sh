#!/usr/bin/env bash
# keepalive_timeout_mismatch: nginx pools upstream connections for 60 s (keepalive_timeout 60s) while the
# upstream closes idle connections after 1 s; a POST that nginx writes into a pooled connection the
# upstream is closing gets a RST: `recv() failed (104: Connection reset by peer) while reading response
# header from upstream`, and a 502 (POST is not retried on another connection).
#
#   client 10.217.1.2 ── 10.217.1.1 proxy (nginx :80) 10.217.0.1 ── 10.217.0.2 upstream (:8080)
#
# Upstream: e2e/lab/tools/keepalive_upstream.py, idle timeout 1 s, closing 0.3 s after deciding to (see
# its header: the stand-in for network delay). Requests from the client are paced with gaps of 0.3 s (the
# pooled connection is fine), 1.1 s (the request lands while the upstream is closing: 502) and 2 s (the
# upstream's close was seen by nginx before: a new connection, 200).
#
# usage: keepalive_timeout_mismatch.sh OUTDIR   → OUTDIR/{client,proxy,upstream}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"

host_add client proxy upstream
link_veth client eth0 proxy eth0
link_veth proxy eth1 upstream eth0
addr client eth0 10.217.1.2/24
addr proxy eth0 10.217.1.1/24
addr proxy eth1 10.217.0.1/24
addr upstream eth0 10.217.0.2/24

lab_bg upstream "$LAB_WORK/upstream.log" python3 "$LAB_DIR/tools/keepalive_upstream.py" 10.217.0.2 8080 1.0 0.3 45
wait_listen upstream 8080
nginx_start proxy edge "
  log_format upstreaminfo '\$remote_addr - \$remote_user [\$time_local] \"\$request\" \$status \$body_bytes_sent \"\$http_referer\" \"\$http_user_agent\" rt=\$request_time uct=\"\$upstream_connect_time\" uht=\"\$upstream_header_time\" urt=\"\$upstream_response_time\" us=\"\$upstream_status\" ua=\"\$upstream_addr\"';
  upstream app {
    server 10.217.0.2:8080;
    keepalive 8;
    keepalive_timeout 60s;
  }
  server {
    listen 10.217.1.1:80;
    access_log $LAB_WORK/edge-access.log upstreaminfo;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
wait_listen proxy 80

for h in client proxy upstream; do collect_before "$h" "$OUT"; done
mkdir -p "$OUT/proxy" "$OUT/client"
capture_start proxy eth1 "$OUT/proxy/proxy-eth1.pcap" tcp port 8080
post() { on client curl -sS -o /dev/null --max-time 5 -w 'http_code: %{http_code} time_total: %{time_total}\n' \
  -H 'Content-Type: application/json' --data '{"receipt":"x"}' http://10.217.1.1/api/pay/notify || true; }
{
  for gap in 0.3 1.1 0.3 1.1 0.3 2 0.3 1.1 0.3 1.1; do
    post
    sleep "$gap"
  done
  post
} >"$OUT/client/curl-timings.txt" 2>"$LAB_WORK/curl.err"
lab_log "client: $(grep -c 'http_code: 200' "$OUT/client/curl-timings.txt") × 200, $(grep -c 'http_code: 502' "$OUT/client/curl-timings.txt") × 502"

collect_bundle proxy "$OUT" 10.217.0.2
collect_bundle upstream "$OUT" 10.217.0.1
collect_bundle client "$OUT" 10.217.1.1
capture_stop "$CAPTURE_PID" "$OUT/proxy/proxy-eth1.pcap" "$OUT/proxy/tcpdump-eth1.txt"
cp "$LAB_WORK/edge-access.log" "$OUT/proxy/nginx-access.log"
cp "$LAB_WORK/edge-error.log" "$OUT/proxy/nginx-error.log"
lab_log "done: $OUT"
