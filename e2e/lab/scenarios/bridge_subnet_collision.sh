#!/usr/bin/env bash
# bridge_subnet_collision: Docker's default bridge subnet (172.17.0.0/16) overlaps a LAN that is reached
# through the host's gateway; the connected route of docker0 wins, so traffic to that LAN goes into the
# bridge and never leaves the host.
#
#   docker-host 10.215.0.10/24 ── 10.215.0.1 lan-gw 172.17.5.1/24 ── 172.17.5.10 db (:8080)
#   docker-host: docker0 172.17.0.1/16 (no containers attached), nginx proxying /orders to 172.17.5.10:8080
#
# From docker-host, `ip route get 172.17.5.10` says dev docker0; nginx's connect to the upstream gets no
# ARP answer on docker0 (113: No route to host) and answers 502; other hosts reach db fine (lan-gw does).
#
# usage: bridge_subnet_collision.sh OUTDIR   → OUTDIR/docker-host/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"

host_add docker-host lan-gw db
link_veth docker-host eth0 lan-gw eth0
link_veth lan-gw eth1 db eth0
addr docker-host eth0 10.215.0.10/24
addr lan-gw eth0 10.215.0.1/24
addr lan-gw eth1 172.17.5.1/24
addr db eth0 172.17.5.10/24
ip -n "$(ns docker-host)" route add default via 10.215.0.1
ip -n "$(ns db)" route add default via 172.17.5.1
on lan-gw sysctl -qw net.ipv4.ip_forward=1
bridge_add docker-host docker0 172.17.0.1/16
# docker0 with no container attached: no carrier, but its connected route stays (ignore_routes_with_linkdown=0)
ip -n "$(ns docker-host)" link set docker0 down
ip -n "$(ns docker-host)" link set docker0 up

lab_file orders 120
(cd "$LAB_WORK/www" && lab_bg db "$LAB_WORK/http.log" python3 "$LAB_DIR/tools/http_server.py" 172.17.5.10 8080 50)
wait_listen db 8080
nginx_start docker-host edge "
  server {
    listen 127.0.0.1:80;
    location / { proxy_pass http://172.17.5.10:8080; proxy_connect_timeout 8s; }
  }"
wait_listen docker-host 80

collect_before docker-host "$OUT"
mkdir -p "$OUT/docker-host"
capture_start docker-host eth0 "$OUT/docker-host/host-eth0.pcap" host 172.17.5.10 or arp
PE=$CAPTURE_PID
capture_start docker-host docker0 "$LAB_WORK/docker0.pcap" host 172.17.5.10 or arp
PD=$CAPTURE_PID
on docker-host curl -sS -o /dev/null --max-time 10 -w 'http_code: %{http_code} time_total: %{time_total}\n' \
  http://127.0.0.1/orders >"$OUT/docker-host/curl-timings.txt" 2>/dev/null || true
# from the gateway (another host on the LAN) the database answers
on lan-gw curl -sS -o /dev/null --max-time 5 -w 'lan-gw → db: %{http_code}\n' http://172.17.5.10:8080/orders >&2 || true
cat "$OUT/docker-host/curl-timings.txt" >&2

collect_bundle docker-host "$OUT" 172.17.5.10 10.215.0.1
capture_stop "$PE" "$OUT/docker-host/host-eth0.pcap" "$OUT/docker-host/tcpdump-eth0.txt"
capture_stop "$PD" "$LAB_WORK/docker0.pcap" "$OUT/docker-host/tcpdump-docker0.txt"
cp "$LAB_WORK/edge-access.log" "$OUT/docker-host/nginx-access.log"
cp "$LAB_WORK/edge-error.log" "$OUT/docker-host/nginx-error.log"
lab_log "done: $OUT"
