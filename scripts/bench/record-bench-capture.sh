#!/usr/bin/env bash
# Records a realistic capture for `npm run bench:capture`: nginx in one network namespace, wrk + curl in
# another, a veth pair between them with GRO/GSO/TSO off (so the capture holds wire-size segments), and
# tcpdump on the server side. Traffic never leaves the two namespaces this script creates.
# Output: .bench/bench.pcap (gitignored, never committed). Usage: record-bench-capture.sh [OUT] [MAX_MB]
# BENCH_IPV6=1: the same traffic over IPv6 (fd31::1, fd31::2), where every packet's addresses are text.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-$ROOT/.bench/bench.pcap}"
MAX_MB="${2:-400}"
NS_S="nmbench-srv-$$"
NS_C="nmbench-cli-$$"
TMP="$(mktemp -d /tmp/nmbench.XXXXXX)"
TCPDUMP_PID=""
NGINX_STARTED=""

cleanup() {
  set +e
  [ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null && wait "$TCPDUMP_PID" 2>/dev/null
  [ -n "$NGINX_STARTED" ] && ip netns exec "$NS_S" nginx -c "$TMP/nginx.conf" -p "$TMP" -s stop 2>/dev/null
  sleep 0.3
  [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null
  ip netns del "$NS_S" 2>/dev/null
  ip netns del "$NS_C" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
for t in ip tcpdump nginx wrk curl; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 1; }; done
command -v ethtool >/dev/null || { apt-get install -y ethtool >/dev/null 2>&1 || { echo "missing ethtool" >&2; exit 1; }; }
mkdir -p "$(dirname "$OUT")"

ip netns add "$NS_S"
ip netns add "$NS_C"
ip link add nmb-s type veth peer name nmb-c
ip link set nmb-s netns "$NS_S"
ip link set nmb-c netns "$NS_C"
ip -n "$NS_S" addr add 10.231.0.1/24 dev nmb-s
ip -n "$NS_C" addr add 10.231.0.2/24 dev nmb-c
ip -n "$NS_S" -6 addr add fd31::1/64 dev nmb-s nodad
ip -n "$NS_C" -6 addr add fd31::2/64 dev nmb-c nodad
if [ "${BENCH_IPV6:-}" = 1 ]; then LISTEN="[fd31::1]:8080"; URL="http://[fd31::1]:8080"; else LISTEN="10.231.0.1:8080"; URL="http://10.231.0.1:8080"; fi
for ns in "$NS_S" "$NS_C"; do ip -n "$ns" link set lo up; done
ip -n "$NS_S" link set nmb-s up
ip -n "$NS_C" link set nmb-c up
ip netns exec "$NS_S" ethtool -K nmb-s gro off gso off tso off >/dev/null 2>&1 || true
ip netns exec "$NS_C" ethtool -K nmb-c gro off gso off tso off >/dev/null 2>&1 || true
# plenty of ports for many short connections
ip netns exec "$NS_C" sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
ip netns exec "$NS_C" sysctl -qw net.ipv4.tcp_tw_reuse=1

mkdir -p "$TMP/www" "$TMP/logs"
chmod 755 "$TMP"
head -c 1024 /dev/urandom > "$TMP/www/1k.bin"
head -c $((10 * 1024 * 1024)) /dev/urandom > "$TMP/www/10m.bin"
chmod -R a+rX "$TMP/www"
cat > "$TMP/nginx.conf" <<NGINX
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $TMP/body;
  proxy_temp_path $TMP/proxy;
  fastcgi_temp_path $TMP/fcgi;
  uwsgi_temp_path $TMP/uwsgi;
  scgi_temp_path $TMP/scgi;
  server {
    listen $LISTEN backlog=4096;
    root $TMP/www;
  }
}
NGINX
ip netns exec "$NS_S" nginx -c "$TMP/nginx.conf" -p "$TMP"
NGINX_STARTED=1
sleep 0.5

ip netns exec "$NS_S" tcpdump -i nmb-s -s 0 -B 65536 -w "$OUT" -U 2>"$TMP/tcpdump.log" &
TCPDUMP_PID=$!
sleep 1

size_mb() { echo $(( $(stat -c %s "$OUT" 2>/dev/null || echo 0) / 1048576 )); }

# many short connections (Connection: close), bounded in time
ip netns exec "$NS_C" timeout 20 wrk -t 1 -c 50 -d 10s -H "Connection: close" "$URL/1k.bin" | sed 's/^/  wrk: /'
# a few bulk transfers
for i in 1 2 3 4 5; do
  [ "$(size_mb)" -ge "$MAX_MB" ] && break
  ip netns exec "$NS_C" timeout 20 curl -s -o /dev/null -w "  curl bulk $i: %{size_download} bytes in %{time_total}s\n" "$URL/10m.bin"
done
# more bulk until the capture is a few hundred MB (bounded in count and time)
for i in $(seq 1 30); do
  [ "$(size_mb)" -ge "$MAX_MB" ] && break
  ip netns exec "$NS_C" timeout 20 curl -s -o /dev/null "$URL/10m.bin"
done
sleep 1
kill "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null || true; TCPDUMP_PID=""
cat "$TMP/tcpdump.log" | grep -E "captured|dropped" | sed 's/^/  tcpdump: /' || true
echo "recorded $OUT ($(size_mb) MB)"
