#!/usr/bin/env bash
# Records REAL nginx error and access logs for the log parsers' tests
# (lib/analysis/evidence/parsers/logs). Everything runs in one network namespace this script creates
# and deletes on exit (also on failure); all traffic is on that namespace's loopback.
#
# nginx (127.0.0.1:8080) proxies to small python upstreams that misbehave on purpose:
#   :9001 accepts and closes at once            -> "upstream prematurely closed connection"
#   :9002 accepts and resets (SO_LINGER 0)       -> "recv() failed (104: Connection reset by peer)"
#   :9003 nothing listens                        -> "connect() failed (111: Connection refused)"
#   :9004 SYNs dropped by nft                    -> "upstream timed out (110: …) while connecting to upstream"
#   :9005 answers after 3 s (read timeout 1 s)   -> "upstream timed out (110: …) while reading response header"
#   :9006 answers after 1.5 s                    -> a slow 200 (request_time >= 1 s in the access logs)
#   upstream "dead" (:9003 and :9007, both refusing, max_fails=1) -> "no live upstreams" on the second request
#   proxy_bind to an address the netns lacks     -> "(99: Cannot assign requested address)"
#   upstream "retry" (:9003 then :9006)          -> a retried request: two upstream addresses/statuses
# Access logs are written in nginx's `combined`, in combined + timings, and in ingress-nginx's default
# `upstreaminfo` format (log-format-upstream, copied from the ingress-nginx docs). Timing files (curl -w,
# bash `time`) are recorded against the same nginx into ../timing.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
OUT="$(cd "$(dirname "$0")/../.." && pwd)/lib/analysis/evidence/testdata/recorded/nginx"
mkdir -p "$OUT"
NS=nmrec-nginx
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.3
  ip netns del $NS 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
ip netns add $NS
ip -n $NS link set lo up
ip netns exec $NS nft add table inet nmrec
ip netns exec $NS nft add chain inet nmrec input '{ type filter hook input priority 0; }'
ip netns exec $NS nft add rule inet nmrec input tcp dport 9004 drop

cat > "$WORK/up.py" <<'PY'
import socket, struct, sys, threading, time
def serve(port, mode):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(16)
    while True:
        c, _ = s.accept()
        def handle(c=c):
            try:
                if mode == "close":
                    c.recv(4096); c.close(); return
                if mode == "reset":
                    c.recv(4096)
                    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close(); return
                c.recv(4096)
                time.sleep(3 if mode == "hang" else 1.5)
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"); c.close()
            except OSError:
                pass
        threading.Thread(target=handle, daemon=True).start()
for port, mode in [(9001, "close"), (9002, "reset"), (9005, "hang"), (9006, "slow")]:
    threading.Thread(target=serve, args=(port, mode), daemon=True).start()
time.sleep(60)
PY
ip netns exec $NS python3 "$WORK/up.py" & PIDS+=($!)

cat > "$WORK/nginx.conf" <<NGX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $OUT/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  log_format combined_timed '\$remote_addr - \$remote_user [\$time_local] "\$request" \$status \$body_bytes_sent "\$http_referer" "\$http_user_agent" \$request_time \$upstream_response_time';
  log_format upstreaminfo '\$remote_addr - \$remote_user [\$time_local] "\$request" \$status \$body_bytes_sent "\$http_referer" "\$http_user_agent" \$request_length \$request_time [\$proxy_upstream_name] [\$proxy_alternative_upstream_name] \$upstream_addr \$upstream_response_length \$upstream_response_time \$upstream_status \$req_id';
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy; fastcgi_temp_path $WORK/fcgi; uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  upstream dead { server 127.0.0.1:9003 max_fails=1 fail_timeout=30s; server 127.0.0.1:9007 max_fails=1 fail_timeout=30s; }
  upstream retry { server 127.0.0.1:9003; server 127.0.0.1:9006; }
  server {
    listen 127.0.0.1:8080;
    set \$proxy_upstream_name "default-web-8080";
    set \$proxy_alternative_upstream_name "";
    set \$req_id \$request_id;  # ingress-nginx sets \$req_id the same way
    access_log $OUT/access-combined.log combined;
    access_log $OUT/access-timed.log combined_timed;
    access_log $OUT/access-upstreaminfo.log upstreaminfo;
    # ingress-nginx sends access lines to stdout and errors to stderr, and `kubectl logs` interleaves
    # them: the same, written by nginx itself into one file
    access_log $OUT/mixed-controller.log upstreaminfo;
    error_log $OUT/error.log warn;
    error_log $OUT/mixed-controller.log warn;
    proxy_connect_timeout 1s; proxy_read_timeout 1s;
    location /closed { proxy_pass http://127.0.0.1:9001; }
    location /reset { proxy_pass http://127.0.0.1:9002; }
    location /refused { proxy_pass http://127.0.0.1:9003; }
    location /dropped { proxy_pass http://127.0.0.1:9004; }
    location /hang { proxy_pass http://127.0.0.1:9005; }
    location /slow { proxy_read_timeout 5s; proxy_pass http://127.0.0.1:9006; }
    location /dead { proxy_pass http://dead; }
    location /retry { proxy_read_timeout 5s; proxy_pass http://retry; }
    location /bind { proxy_bind 10.255.255.1; proxy_pass http://127.0.0.1:9006; }
  }
}
NGX
mkdir -p "$WORK/body"
ip netns exec $NS nginx -c "$WORK/nginx.conf" -e "$OUT/error.log"
for _ in $(seq 50); do ip netns exec $NS ss -ltn | grep -q ':9006 ' && ip netns exec $NS ss -ltn | grep -q ':8080 ' && break; sleep 0.1; done
for path in closed reset refused dropped hang slow dead dead retry bind; do
  ip netns exec $NS curl -s -o /dev/null --max-time 8 "http://127.0.0.1:8080/$path" || true
done
# timing files as people paste them: curl -w (one per line, and inline) and bash's `time`
T="$OUT/../timing"; mkdir -p "$T"
ip netns exec $NS curl -s -o /dev/null -w 'time_namelookup: %{time_namelookup}\ntime_connect: %{time_connect}\ntime_appconnect: %{time_appconnect}\ntime_starttransfer: %{time_starttransfer}\ntime_total: %{time_total}\n' http://127.0.0.1:8080/slow > "$T/curl-w.txt"
for path in refused slow dropped; do
  ip netns exec $NS curl -s -o /dev/null -w 'time_connect: %{time_connect} time_starttransfer: %{time_starttransfer} time_total: %{time_total}\n' "http://127.0.0.1:8080/$path" >> "$T/curl-w-inline.txt"
done
{ time ip netns exec $NS curl -s -o /dev/null http://127.0.0.1:8080/slow ; } 2> "$T/bash-time.txt"
sleep 0.5
kill -QUIT "$(cat "$WORK/nginx.pid")"; sleep 0.5
ls -l "$OUT"
