#!/usr/bin/env bash
# Held-out: net.bridge.bridge-nf-call-iptables=0 on a kubenet-style node (bridge cbr0, pods 10.64.2.0/24), a
# Service 10.0.171.5:443 → a pod on the same bridge at :8443 (kube-proxy iptables mode, two endpoints, one of
# them on another node), other names and addresses than the lab's cni0 scenario.
#
#   web-5d8f 10.64.2.5 ─┐
#                       cbr0 10.64.2.1/24 (node ip-10-0-4-21) ── no uplink needed
#   api-79c4 10.64.2.7 ─┘ (:8443)
#
# curl https-less to the Service (plain HTTP on :443 → :8443): times out; to the pod IP: 200. Recorded on the
# node: iptables -t nat -L -n -v (the listing, not iptables-save), sysctl of the bridge keys, ip -d link,
# bridge link, tcpdump -e on cbr0 (MAC addresses), conntrack -L; on web-5d8f: curl -v.
#
# usage: bnfkubenet.sh OUTDIR   → OUTDIR/{node,web}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT/node" "$OUT/web" && OUT="$(cd "$OUT" && pwd)"

host_add node
bridge_add node cbr0 10.64.2.1/24
pod_add node cbr0 web 10.64.2.5/24 10.64.2.1
pod_add node cbr0 api 10.64.2.7/24 10.64.2.1
on node sysctl -qw net.ipv4.ip_forward=1
on node sysctl -qw net.bridge.bridge-nf-call-iptables=0
on node iptables-restore <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-ZMIAJZLG3Q2JSSQD - [0:0]
:KUBE-SEP-6QXBNPWT5S4RYJRV - [0:0]
:KUBE-SEP-L4EFRZPSNQKA4MIK - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SERVICES -d 10.0.171.5/32 -p tcp -m comment --comment "payments/api:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-ZMIAJZLG3Q2JSSQD
-A KUBE-SVC-ZMIAJZLG3Q2JSSQD ! -s 10.64.0.0/14 -d 10.0.171.5/32 -p tcp -m comment --comment "payments/api:https cluster IP" -m tcp --dport 443 -j KUBE-MARK-MASQ
-A KUBE-SVC-ZMIAJZLG3Q2JSSQD -m comment --comment "payments/api:https -> 10.64.2.7:8443" -j KUBE-SEP-6QXBNPWT5S4RYJRV
-A KUBE-SEP-6QXBNPWT5S4RYJRV -s 10.64.2.7/32 -m comment --comment "payments/api:https" -j KUBE-MARK-MASQ
-A KUBE-SEP-6QXBNPWT5S4RYJRV -p tcp -m comment --comment "payments/api:https" -m tcp -j DNAT --to-destination 10.64.2.7:8443
COMMIT
RULES

lab_file ready 3
(cd "$LAB_WORK/www" && lab_bg api "$LAB_WORK/http.log" python3 "$HELD_TOOLS/http_server.py" 10.64.2.7 8443 40)
wait_listen api 8443

capture_start node cbr0 "$OUT/node/cbr0.pcap" tcp port 443 or tcp port 8443
rec2 "$OUT/web/curl-pod.txt" on web curl -sS -o /dev/null --max-time 3 -w 'pod ip: %{http_code} %{time_total}\n' http://10.64.2.7:8443/ready
rec2 "$OUT/web/curl-v.txt" on web curl -v --max-time 4 http://10.0.171.5:443/ready
rec "$OUT/node/conntrack-L.txt" on node conntrack -L
rec "$OUT/node/iptables-L-nat.txt" on node iptables -t nat -L -n -v
rec "$OUT/node/iptables-L-svc.txt" on node iptables -t nat -L KUBE-SVC-ZMIAJZLG3Q2JSSQD -n -v --line-numbers
rec "$OUT/node/sysctl-bridge.txt" on node sysctl net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables net.bridge.bridge-nf-call-arptables net.ipv4.ip_forward
rec "$OUT/node/sysctl-a.txt" on node sysctl -a
rec "$OUT/node/ip-d-link.txt" ip -n "$(ns node)" -d link
rec "$OUT/node/bridge-link.txt" bridge -n "$(ns node)" link
rec "$OUT/node/ip-route.txt" ip -n "$(ns node)" route
rec "$OUT/node/lsmod.txt" sh -c 'lsmod 2>/dev/null | grep -E "^(br_netfilter|bridge) " || true'
capture_stop "$CAPTURE_PID" "$OUT/node/cbr0.pcap" "$OUT/node/tcpdump-cbr0.txt"
tcpdump -nn -e -r "$OUT/node/cbr0.pcap" >"$OUT/node/tcpdump-e-cbr0.txt" 2>/dev/null || true
rm -f "$OUT/node/cbr0.pcap"
cat "$OUT/web/curl-pod.txt" >&2
lab_log "done: $OUT"
