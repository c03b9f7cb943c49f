#!/usr/bin/env bash
# Records seed 000's evidence ("容器mtu设置不对，引发的网关502问题": Rancher k8s on ECS, flannel VXLAN, the
# gateway container left at MTU 1500) in network namespaces, into
# lib/analysis/diagnosis/testdata/seeds/000-overlay-mtu/{ecs-207,ecs-205,gateway-pod}/. See its README.md.
#
#   slb 172.19.0.100 ── underlay 172.19.0.0/24 (mtu 1500) ──┬── ecs-207 172.19.0.207  NodePort 30004
#                                                           └── ecs-205 172.19.0.205
#   each ECS: flannel.1 (vxlan id 1, dstport 8472, dev eth0 → the kernel gives it 1450), cni0 at 1500
#   gateway-pod 10.42.1.15 (eth0 mtu 1500, a python HTTP server on :8081) behind ecs-205's cni0
#
# The SLB POSTs small and large bodies to ecs-207:30004; kube-proxy-style DNAT sends them over flannel.1 to
# the gateway pod on ecs-205. The pod advertises MSS 1460 (MTU 1500), so full-size segments do not fit
# flannel.1 (1450): ecs-207 answers with ICMP frag-needed (mtu 1450), which the SLB does not act on (an nft
# drop in the slb namespace stands for that) — small requests pass, large POSTs stall.
source "$(dirname "$0")/../lib.sh"
SEED="$(cd "$LAB_DIR/../.." && pwd)/lib/analysis/diagnosis/testdata/seeds/000-overlay-mtu"
rm -rf "$SEED/ecs-207" "$SEED/ecs-205" "$SEED/gateway-pod"
mkdir -p "$SEED"

host_add slb sw ecs-207 ecs-205
# the VPC underlay: one switch (a bridge in its own namespace)
bridge_add sw vpc "" 1500
for h in slb ecs-207 ecs-205; do
  ip link add eth0 netns "$(ns "$h")" type veth peer name "p-$h" netns "$(ns sw)"
  ip -n "$(ns sw)" link set "p-$h" master vpc up
  ip -n "$(ns "$h")" link set eth0 up
done
addr slb eth0 172.19.0.100/24
addr ecs-207 eth0 172.19.0.207/24
addr ecs-205 eth0 172.19.0.205/24

ecs_pair() {
  ip -n "$(ns ecs-207)" link add flannel.1 type vxlan id 1 dstport 8472 local 172.19.0.207 dev eth0 nolearning
  ip -n "$(ns ecs-205)" link add flannel.1 type vxlan id 1 dstport 8472 local 172.19.0.205 dev eth0 nolearning
  local m207 m205
  m207="$(ip -n "$(ns ecs-207)" -j link show flannel.1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')"
  m205="$(ip -n "$(ns ecs-205)" -j link show flannel.1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')"
  for spec in "ecs-207 172.19.0.207 0 172.19.0.205 1 $m205" "ecs-205 172.19.0.205 1 172.19.0.207 0 $m207"; do
    set -- $spec
    local n="$1" me="$3" peer="$4" po="$5" pmac="$6"
    on "$n" sysctl -qw net.ipv4.ip_forward=1
    ip -n "$(ns "$n")" link set flannel.1 up
    ip -n "$(ns "$n")" addr add "10.42.$me.0/32" dev flannel.1
    ip -n "$(ns "$n")" route add "10.42.$po.0/24" via "10.42.$po.0" dev flannel.1 onlink
    ip -n "$(ns "$n")" neigh add "10.42.$po.0" lladdr "$pmac" dev flannel.1 nud permanent
    bridge -n "$(ns "$n")" fdb append "$pmac" dev flannel.1 dst "$peer"
    bridge_add "$n" cni0 "10.42.$me.1/24" 1500
  done
}
ecs_pair
pod_add ecs-205 cni0 gateway-pod 10.42.1.15/24 10.42.1.1 1500

# kube-proxy NodePort 30004 → the gateway pod's 8081, on ecs-207 (where the SLB sends this request)
on ecs-207 iptables-restore <<'IPT'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-GATEWAY8081HTTP00 - [0:0]
:KUBE-SEP-GATEWAY8081POD0000 - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/gateway:http" -m tcp --dport 30004 -j KUBE-MARK-MASQ
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/gateway:http" -m tcp --dport 30004 -j KUBE-SVC-GATEWAY8081HTTP00
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-GATEWAY8081HTTP00 -m comment --comment "default/gateway:http" -j KUBE-SEP-GATEWAY8081POD0000
-A KUBE-SEP-GATEWAY8081POD0000 -p tcp -m comment --comment "default/gateway:http" -m tcp -j DNAT --to-destination 10.42.1.15:8081
COMMIT
IPT
# the SLB does not act on ICMP frag-needed (stands for the load balancer of the seed)
on slb nft -f - <<'NFT'
table inet slb {
  chain input {
    type filter hook input priority 0;
    icmp type destination-unreachable icmp code frag-needed drop
  }
}
NFT

lab_file receipt-small.json 300
lab_file receipt-large.json 24000
(cd "$LAB_WORK/www" && lab_bg gateway-pod "$LAB_WORK/gw.log" python3 "$LAB_DIR/tools/http_server.py" 10.42.1.15 8081)
wait_listen gateway-pod 8081

for h in ecs-207 ecs-205 gateway-pod; do collect_before "$h" "$SEED"; done
capture_start ecs-207 eth0 "$LAB_WORK/ecs-207.pcap" tcp port 30004 or icmp
P207=$CAPTURE_PID
capture_start gateway-pod eth0 "$LAB_WORK/gw.pcap" tcp port 8081
PGW=$CAPTURE_PID
post() { on slb curl -sS -o /dev/null --max-time 6 -w 'http_code: %{http_code} time_connect: %{time_connect} time_total: %{time_total}\n' --data-binary @"$LAB_WORK/www/$1" http://172.19.0.207:30004/ios/pay/receipt || true; }
{
  post receipt-small.json
  post receipt-large.json
  post receipt-small.json
  post receipt-large.json
} >"$LAB_WORK/slb-timings.txt" 2>/dev/null
cat "$LAB_WORK/slb-timings.txt" >&2

for h in ecs-207 ecs-205; do collect_bundle "$h" "$SEED" 10.42.1.15 172.19.0.205 172.19.0.207; done
collect_bundle gateway-pod "$SEED" 172.19.0.100
capture_stop "$P207" "$LAB_WORK/ecs-207.pcap" "$SEED/ecs-207/tcpdump-eth0-port-30004.txt"
capture_stop "$PGW" "$LAB_WORK/gw.pcap" "$SEED/gateway-pod/tcpdump-eth0-port-8081.txt"
cp "$LAB_WORK/ecs-207.pcap" "$SEED/ecs-207/ecs-207-eth0.pcap"
# what the team measured from their own machines (postman) is the SLB's view: keep curl's timings there
cp "$LAB_WORK/slb-timings.txt" "$SEED/ecs-207/slb-curl-timings.txt"
for h in ecs-207 ecs-205 gateway-pod; do rm -f "$SEED/$h"/conntrack-S-*.txt "$SEED/$h/nf_conntrack-stat.txt"; done
lab_log "recorded into $SEED"
