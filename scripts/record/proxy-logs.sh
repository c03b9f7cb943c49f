#!/usr/bin/env bash
# Records real proxy logs for the paste cases (lib/analysis/diagnosis/testdata/pastes/recorded/proxy/):
# HAProxy (httplog) and nginx with an ingress-nginx-style JSON access log (escape=json) in front of a backend
# whose accept loop is stalled (somaxconn 8, a listener that never accepts), and HAProxy whose source-port
# range for the backend is 4 ports wide while the backend holds connections open. Everything runs in
# network namespaces this script creates and deletes (e2e/lab/lib.sh).
#   client 10.219.1.2 ── 10.219.1.1 lb 10.219.0.1 ── 10.219.0.2 backend
#   sudo bash scripts/record/proxy-logs.sh OUTDIR
source "$(dirname "$0")/../../e2e/lab/lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"
TOOLS="$LAB_DIR/tools"
command -v haproxy >/dev/null || { echo "proxy-logs: needs haproxy (apt-get install haproxy)" >&2; exit 2; }

host_add client lb backend
link_veth client eth0 lb eth1
link_veth lb eth0 backend eth0
addr client eth0 10.219.1.2/24
addr lb eth1 10.219.1.1/24
addr lb eth0 10.219.0.1/24
addr backend eth0 10.219.0.2/24
on client ip route add default via 10.219.1.1
on backend ip route add default via 10.219.0.1
on lb sysctl -qw net.ipv4.ip_forward=1
on backend sysctl -qw net.core.somaxconn=8

# backend: :8080 stalled (never accepts), :8081 answers slowly (holds connections 6 s)
lab_bg backend "$LAB_WORK/stalled.log" python3 "$TOOLS/stalled_listener.py" 10.219.0.2 8080 511 60
wait_listen backend 8080
cat >"$LAB_WORK/slow.py" <<'PY'
import socket, threading, time, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.219.0.2", 8081)); s.listen(128)
def serve(c):
    try:
        c.recv(4096); time.sleep(6)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    finally:
        c.close()
end = time.time() + 40
s.settimeout(1)
while time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
lab_bg backend "$LAB_WORK/slow.log" python3 "$LAB_WORK/slow.py"
wait_listen backend 8081

cat >"$LAB_WORK/haproxy.cfg" <<CFG
global
  log stdout format raw local0
defaults
  mode http
  log global
  option httplog
  timeout connect 3s
  timeout client 20s
  timeout server 20s
  retries 0
frontend fe
  bind 10.219.1.1:80
  use_backend slowports if { path_beg /slow }
  default_backend stalled
backend stalled
  server app1 10.219.0.2:8080
backend slowports
  server app2 10.219.0.2:8081 source 10.219.0.1:40000-40003
CFG
lab_bg lb "$OUT/haproxy-stdout.log" haproxy -db -f "$LAB_WORK/haproxy.cfg"
HAPROXY_PID=$LAB_LAST_PID
wait_listen lb 80

nginx_start lb json "
  log_format ingress_json escape=json '{\"time\": \"\$time_iso8601\", \"remote_addr\": \"\$remote_addr\", \"request_id\": \"\$request_id\", \"method\": \"\$request_method\", \"path\": \"\$uri\", \"status\": \$status, \"request_time\": \$request_time, \"upstream_addr\": \"\$upstream_addr\", \"upstream_status\": \"\$upstream_status\", \"upstream_connect_time\": \"\$upstream_connect_time\", \"upstream_response_time\": \"\$upstream_response_time\", \"proxy_upstream_name\": \"default-app-8080\"}';
  server {
    listen 10.219.1.1:8000;
    access_log $OUT/nginx-json-access.log ingress_json;
    location / { proxy_pass http://10.219.0.2:8080; proxy_connect_timeout 3s; }
  }"
wait_listen lb 8000

collect_before backend "$OUT"
# fill the backend's accept queue, then requests through both proxies time out connecting
on client python3 "$TOOLS/burst.py" 10.219.0.2 8080 40 3 $'GET / HTTP/1.1\r\nHost: b\r\n\r\n' >&2 || true
for i in 1 2 3 4; do
  on client curl -s -o /dev/null -m 8 -w '%{http_code} %{time_total}\n' "http://10.219.1.1/stalled/$i" >>"$OUT/curl-haproxy.txt" || true
  on client curl -s -o /dev/null -m 8 -w '%{http_code} %{time_total}\n' "http://10.219.1.1:8000/json/$i" >>"$OUT/curl-nginx.txt" || true
done
# six parallel slow requests through a 4-port source range
SLOW=()
for i in 1 2 3 4 5 6; do
  on client curl -s -o /dev/null -m 10 -w '%{http_code} %{time_total}\n' "http://10.219.1.1/slow/$i" >>"$OUT/curl-slow.txt" &
  SLOW+=($!)
done
wait "${SLOW[@]}"
collect_bundle backend "$OUT" 10.219.0.1
lab_stop "$HAPROXY_PID"
lab_log "done: $OUT"
