#!/usr/bin/env bash
# Held-out: a docker-compose network's bridge (br-5c1f0a7e2b9d, 192.168.0.0/20, the pool compose falls back to)
# on a host whose users come from an office LAN 192.168.1.0/24 behind a router: the host's SYN-ACKs to an office
# client take the bridge's connected route instead of the default route. The other direction of the lab's
# scenario (there the host was the client), another bridge name and subnet, a container on the bridge.
#
#   laptop 192.168.1.50 ── office-gw (192.168.1.1 | 10.222.0.1) ── 10.222.0.10 app-host (eth0)
#   app-host: br-5c1f0a7e2b9d 192.168.0.1/20 with one container veth (172.x is not involved at all)
#
# A service on app-host :8443 (python http server). From office-gw itself (10.222.0.1): 200; from the laptop:
# curl times out after 5 s. Recorded on app-host: route -n, ip route, ip route get 192.168.1.50, ip -br addr,
# tcpdump on eth0 and on the bridge; on the laptop: curl -v.
#
# usage: brcompose.sh OUTDIR   → OUTDIR/{app-host,laptop,office-gw}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT/app-host" "$OUT/laptop" "$OUT/office-gw" && OUT="$(cd "$OUT" && pwd)"

host_add laptop office-gw app-host
link_veth laptop eth0 office-gw eth1
link_veth office-gw eth0 app-host eth0
addr laptop eth0 192.168.1.50/24
addr office-gw eth1 192.168.1.1/24
addr office-gw eth0 10.222.0.1/24
addr app-host eth0 10.222.0.10/24
ip -n "$(ns laptop)" route add default via 192.168.1.1
ip -n "$(ns app-host)" route add default via 10.222.0.1
on office-gw sysctl -qw net.ipv4.ip_forward=1
bridge_add app-host br-5c1f0a7e2b9d 192.168.0.1/20
pod_add app-host br-5c1f0a7e2b9d redis 192.168.0.2/20 192.168.0.1

lab_file health 90
(cd "$LAB_WORK/www" && lab_bg app-host "$LAB_WORK/http.log" python3 "$HELD_TOOLS/http_server.py" 10.222.0.10 8443 40)
wait_listen app-host 8443

capture_start app-host eth0 "$OUT/app-host/eth0.pcap" tcp port 8443
PE=$CAPTURE_PID
capture_start app-host br-5c1f0a7e2b9d "$OUT/app-host/br.pcap" tcp port 8443 or arp
PB=$CAPTURE_PID
rec2 "$OUT/office-gw/curl.txt" on office-gw curl -sS -o /dev/null --max-time 5 -w 'from office-gw: %{http_code} %{time_total}s\n' http://10.222.0.10:8443/health
rec2 "$OUT/laptop/curl-v.txt" on laptop curl -v --max-time 5 http://10.222.0.10:8443/health
rec "$OUT/app-host/route-n.txt" on app-host route -n
rec "$OUT/app-host/ip-route.txt" ip -n "$(ns app-host)" route
rec "$OUT/app-host/ip-route-get.txt" ip -n "$(ns app-host)" route get 192.168.1.50
rec "$OUT/app-host/ip-br-addr.txt" ip -n "$(ns app-host)" -br addr
rec "$OUT/app-host/ip-addr.txt" ip -n "$(ns app-host)" addr
rec "$OUT/app-host/ss-tan.txt" on app-host ss -tan
rec "$OUT/app-host/netstat-s.txt" on app-host netstat -s
rec "$OUT/app-host/sysctl-a.txt" on app-host sysctl -a
rec "$OUT/app-host/uname-r.txt" uname -r
capture_stop "$PE" "$OUT/app-host/eth0.pcap" "$OUT/app-host/tcpdump-eth0.txt"
capture_stop "$PB" "$OUT/app-host/br.pcap" "$OUT/app-host/tcpdump-br.txt"
rm -f "$OUT/app-host/eth0.pcap" "$OUT/app-host/br.pcap"
cat "$OUT/office-gw/curl.txt" >&2
lab_log "done: $OUT"
