#!/usr/bin/env bash
# ephemeral_port_exhaustion: a reverse proxy without upstream keep-alive, on a host whose ephemeral port
# range is narrow, opens one connection per request to a single upstream ip:port; each ends in TIME_WAIT
# on the proxy (it closes first) and after the range is used up connect() fails.
#
#   client 10.214.1.2 ── 10.214.1.1 proxy (nginx :80) 10.214.0.1 ── 10.214.0.2 upstream (:8080)
#
# proxy: net.ipv4.ip_local_port_range="40000 40049" (50 ports), nginx proxy_pass with HTTP/1.1 to the
# upstream but no `keepalive` in the upstream block, so nginx closes each upstream connection after its
# response. 120 requests from the client (one keep-alive connection, curl URL globbing): the first ~50
# succeed, then nginx logs `connect() to 10.214.0.2:8080 failed (99: Cannot assign requested address)`
# and answers 502.
#
# usage: ephemeral_port_exhaustion.sh OUTDIR   → OUTDIR/{client,proxy}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"

host_add client proxy upstream
link_veth client eth0 proxy eth0
link_veth proxy eth1 upstream eth0
addr client eth0 10.214.1.2/24
addr proxy eth0 10.214.1.1/24
addr proxy eth1 10.214.0.1/24
addr upstream eth0 10.214.0.2/24
on proxy sysctl -qw net.ipv4.ip_local_port_range="40000 40049"

lab_file index.html 612
# keep-alive upstream (HTTP/1.1, 30 s idle): the proxy is the side that closes
(cd "$LAB_WORK/www" && lab_bg upstream "$LAB_WORK/http.log" python3 "$LAB_DIR/tools/http_server.py" 10.214.0.2 8080 50 30)
wait_listen upstream 8080
nginx_start proxy edge "
  log_format upstreaminfo '\$remote_addr - \$remote_user [\$time_local] \"\$request\" \$status \$body_bytes_sent \"\$http_referer\" \"\$http_user_agent\" rt=\$request_time uct=\"\$upstream_connect_time\" uht=\"\$upstream_header_time\" urt=\"\$upstream_response_time\" us=\"\$upstream_status\" ua=\"\$upstream_addr\"';
  upstream app { server 10.214.0.2:8080; }
  server {
    listen 10.214.1.1:80;
    access_log $LAB_WORK/edge-access.log upstreaminfo;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
wait_listen proxy 80

for h in client proxy; do collect_before "$h" "$OUT"; done
mkdir -p "$OUT/proxy" "$OUT/client"
capture_start proxy eth1 "$OUT/proxy/proxy-eth1.pcap" tcp port 8080
on client curl -sS -o /dev/null --max-time 20 -w 'http_code: %{http_code} time_total: %{time_total}\n' \
  "http://10.214.1.1/index.html?n=[1-120]" >"$LAB_WORK/curl.txt" 2>/dev/null || true
lab_log "client: $(grep -c 'http_code: 200' "$LAB_WORK/curl.txt") × 200, $(grep -c 'http_code: 502' "$LAB_WORK/curl.txt") × 502"

collect_bundle proxy "$OUT" 10.214.0.2
collect_bundle client "$OUT" 10.214.1.1
capture_stop "$CAPTURE_PID" "$OUT/proxy/proxy-eth1.pcap" "$OUT/proxy/tcpdump-eth1.txt"
cp "$LAB_WORK/edge-access.log" "$OUT/proxy/nginx-access.log"
cp "$LAB_WORK/edge-error.log" "$OUT/proxy/nginx-error.log"
lab_log "done: $OUT"
