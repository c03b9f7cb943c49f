#!/usr/bin/env bash
# port_range_nodeport_collision: a node whose ephemeral port range overlaps the NodePort range makes an
# outgoing connection from source port 30080, which is also a NodePort; the reply is taken by the NodePort
# datapath and never reaches the connecting socket.
#
#   web-pod 10.244.0.5 ─ cni0 10.244.0.1 ─ node-1 eth0 192.168.70.11/24 ── veth ── 192.168.70.20 app (:8080)
#
# node-1: net.ipv4.ip_local_port_range="1024 65000" (what the ingress-nginx sysctl example writes; seed
# 002), no ip_local_reserved_ports, kube-proxy-style NodePort rules in iptables (KUBE-NODEPORTS: tcp dport
# 30080 → web-pod:80). A node-local client (a hostNetwork ingress) connects to app:8080 once from an
# automatic source port (works) and once from source port 30080 (curl --local-port 30080, standing for the
# kernel handing out 30080): the SYN-ACK arrives on node-1's eth0, is rewritten to web-pod:80, and the
# client keeps retransmitting its SYN until curl's --max-time 8.
#
# The kernel here has no IPVS (CONFIG_IP_VS is not set) and kube-proxy's iptables mode does not divert the
# reply of a connection conntrack already tracks (recorded while writing this: with only the KUBE-NODEPORTS
# DNAT the same curl --local-port 30080 succeeds). The reply interception of the IPVS and eBPF datapaths
# (IPVS schedules a SYN+ACK addressed to a virtual service as a new connection; kubernetes#139276, #111682)
# is therefore modelled by a stateless nft netdev ingress rewrite of node-1:30080 → web-pod:80, in a table
# named for what it stands for. See e2e/lab/README.md.
#
# usage: port_range_nodeport_collision.sh OUTDIR   → OUTDIR/{node-1,app}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"

host_add node-1 app
link_veth node-1 eth0 app eth0
addr node-1 eth0 192.168.70.11/24
addr app eth0 192.168.70.20/24
bridge_add node-1 cni0 10.244.0.1/24
pod_add node-1 cni0 web-pod 10.244.0.5/24 10.244.0.1
on node-1 sysctl -qw net.ipv4.ip_forward=1
on node-1 sysctl -qw net.ipv4.ip_local_port_range="1024 65000"

# kube-proxy (iptables mode) rules for Service default/web, type NodePort, nodePort 30080 → web-pod:80
on node-1 iptables-restore <<'IPT'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXT-LOLE4ZZ3QUCDYEQW - [0:0]
:KUBE-SVC-LOLE4ZZ3QUCDYEQW - [0:0]
:KUBE-SEP-4WJSXWBEF5MPLOOF - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:http" -m tcp --dport 30080 -j KUBE-EXT-LOLE4ZZ3QUCDYEQW
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-EXT-LOLE4ZZ3QUCDYEQW -m comment --comment "masquerade traffic for default/web:http external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-LOLE4ZZ3QUCDYEQW -j KUBE-SVC-LOLE4ZZ3QUCDYEQW
-A KUBE-SERVICES -d 10.96.120.31/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-LOLE4ZZ3QUCDYEQW
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-LOLE4ZZ3QUCDYEQW -m comment --comment "default/web:http -> 10.244.0.5:80" -j KUBE-SEP-4WJSXWBEF5MPLOOF
-A KUBE-SEP-4WJSXWBEF5MPLOOF -s 10.244.0.5/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-4WJSXWBEF5MPLOOF -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.0.5:80
COMMIT
IPT
# the IPVS/eBPF-style interception (see the header): by destination address and port, before conntrack
on node-1 nft -f - <<'NFT'
table netdev nodeport-datapath {
  chain eth0-ingress {
    type filter hook ingress device "eth0" priority 0;
    ip daddr 192.168.70.11 tcp dport 30080 ip daddr set 10.244.0.5 tcp dport set 80
  }
}
NFT

lab_file index.html 612
(cd "$LAB_WORK/www" && lab_bg app "$LAB_WORK/app.log" python3 "$LAB_DIR/tools/http_server.py" 192.168.70.20 8080)
(cd "$LAB_WORK/www" && lab_bg web-pod "$LAB_WORK/web.log" python3 "$LAB_DIR/tools/http_server.py" 10.244.0.5 80)
wait_listen app 8080
wait_listen web-pod 80

for h in node-1 app; do collect_before "$h" "$OUT"; done
mkdir -p "$OUT/node-1"
capture_start node-1 eth0 "$OUT/node-1/node-1-eth0.pcap" tcp port 8080
{
  on node-1 curl -sS -o /dev/null --max-time 8 -w 'http_code: %{http_code} local_port: %{local_port} time_connect: %{time_connect} time_total: %{time_total}\n' \
    http://192.168.70.20:8080/ || true
  on node-1 curl -sS -o /dev/null --max-time 8 --local-port 30080 \
    -w 'http_code: %{http_code} local_port: %{local_port} time_connect: %{time_connect} time_total: %{time_total}\n' http://192.168.70.20:8080/ || true
} >"$OUT/node-1/curl-timings.txt" 2>"$LAB_WORK/curl.err"
cat "$OUT/node-1/curl-timings.txt" "$LAB_WORK/curl.err" >&2

# while the failed connection's conntrack entry is still there
rec "$OUT/node-1/conntrack-L.txt" on node-1 conntrack -L
collect_bundle node-1 "$OUT" 192.168.70.20
collect_bundle app "$OUT" 192.168.70.11
capture_stop "$CAPTURE_PID" "$OUT/node-1/node-1-eth0.pcap" "$OUT/node-1/tcpdump-eth0.txt"
lab_log "done: $OUT"
