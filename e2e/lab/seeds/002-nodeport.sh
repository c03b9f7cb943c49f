#!/usr/bin/env bash
# Records the parts of seed 002's evidence ("K8s 集群内TCP建连失败分析": a hostNetwork ingress-nginx node
# whose ip_local_port_range 1024-65535 overlaps the NodePort range after the 1.24 upgrade) that this machine
# can produce, into lib/analysis/diagnosis/testdata/seeds/002-nodeport/{ingress-node,app-pod}/. README.md
# there says which files are recorded and which follow a format by hand.
#
#   ingress-node 10.0.1.15/16 ── veth ── 10.0.3.24/16 app-pod (:8080)
#                                       └─ 10.0.3.31 (second address on app-pod, the second endpoint)
#   the NodePort's backend 10.0.9.9 is a pod on a node that is not part of this recording
#
# ingress-node: ip_local_port_range "1024 65535", tcp_tw_reuse=2, tcp_synack_retries=2, tcp_syn_retries=6
# (the seed's values), kube-proxy NodePort rules for Service prod/order-svc nodePort 31380. The ingress
# connects to the pod from source port 31380 (curl --local-port, standing for the kernel's choice); the
# pod's SYN-ACK to 10.0.1.15:31380 is taken by the NodePort datapath (modelled as in
# e2e/lab/scenarios/port_range_nodeport_collision.sh: no IPVS in this kernel) and the pod retransmits it.
# The retry to the second endpoint from an ordinary source port succeeds. Capture on the pod's eth0,
# bounded by curl --max-time 32.
source "$(dirname "$0")/../lib.sh"
SEED="$(cd "$LAB_DIR/../.." && pwd)/lib/analysis/diagnosis/testdata/seeds/002-nodeport"
rm -rf "$SEED/ingress-node" "$SEED/app-pod"
mkdir -p "$SEED/ingress-node" "$SEED/app-pod"

host_add ingress-node app-pod
link_veth ingress-node eth0 app-pod eth0
addr ingress-node eth0 10.0.1.15/16
addr app-pod eth0 10.0.3.24/16
addr app-pod eth0 10.0.3.31/16
on ingress-node sysctl -qw net.ipv4.ip_forward=1
on ingress-node sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
on ingress-node sysctl -qw net.ipv4.tcp_tw_reuse=2
on ingress-node sysctl -qw net.ipv4.tcp_synack_retries=2
on ingress-node sysctl -qw net.ipv4.tcp_syn_retries=6

on ingress-node iptables-restore <<'IPT'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXT-ORDERSVC31380HTTP - [0:0]
:KUBE-SVC-ORDERSVC31380HTTP - [0:0]
:KUBE-SEP-ORDERSVCBACKEND01 - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-NODEPORTS -p tcp -m comment --comment "prod/order-svc:http" -m tcp --dport 31380 -j KUBE-EXT-ORDERSVC31380HTTP
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-EXT-ORDERSVC31380HTTP -m comment --comment "masquerade traffic for prod/order-svc:http external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-ORDERSVC31380HTTP -j KUBE-SVC-ORDERSVC31380HTTP
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-ORDERSVC31380HTTP -m comment --comment "prod/order-svc:http -> 10.0.9.9:8080" -j KUBE-SEP-ORDERSVCBACKEND01
-A KUBE-SEP-ORDERSVCBACKEND01 -p tcp -m comment --comment "prod/order-svc:http" -m tcp -j DNAT --to-destination 10.0.9.9:8080
COMMIT
IPT
on ingress-node nft -f - <<'NFT'
table netdev nodeport-datapath {
  chain eth0-ingress {
    type filter hook ingress device "eth0" priority 0;
    ip daddr 10.0.1.15 tcp dport 31380 ip daddr set 10.0.9.9 tcp dport set 8080
  }
}
NFT

mkdir -p "$LAB_WORK/www/api/order"
echo '{"ok":true}' >"$LAB_WORK/www/api/order/sync"
(cd "$LAB_WORK/www" && lab_bg app-pod "$LAB_WORK/app.log" python3 "$LAB_DIR/tools/http_server.py" 0.0.0.0 8080 50)
wait_listen app-pod 8080

collect_before ingress-node "$SEED"
capture_start app-pod eth0 "$LAB_WORK/app.pcap" tcp port 8080
on ingress-node curl -sS -o /dev/null --max-time 32 --local-port 31380 http://10.0.3.24:8080/api/order/sync >&2 || true
on ingress-node curl -sS -o /dev/null --max-time 5 http://10.0.3.31:8080/api/order/sync >&2
rec "$SEED/ingress-node/conntrack-L.txt" on ingress-node conntrack -L
collect_bundle ingress-node "$SEED" 10.0.3.24
capture_stop "$CAPTURE_PID" "$LAB_WORK/app.pcap" "$SEED/app-pod/tcpdump-eth0-port-8080.txt"
# the ingress node's state is what the team looked at; of the pod they had the capture only
for f in "$SEED/ingress-node"/conntrack-S-*.txt "$SEED/ingress-node/nf_conntrack-stat.txt"; do rm -f "$f"; done
lab_log "recorded into $SEED"
