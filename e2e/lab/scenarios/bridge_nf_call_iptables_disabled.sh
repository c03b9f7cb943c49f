#!/usr/bin/env bash
# bridge_nf_call_iptables_disabled: a bridge CNI node with bridge-nf-call-iptables=0. A client pod connects
# to a ClusterIP whose kube-proxy DNAT picks a backend on the same bridge; the backend's reply is switched
# at layer 2 straight to the client and never meets conntrack, so the reverse NAT is not applied: the client
# gets a SYN-ACK from 10.244.1.3:8080 instead of 10.96.0.10:80 and resets it.
#
#   pod-client 10.244.1.2 ─ vethpodclient ┐
#                                          cni0 10.244.1.1/24 (node: ip_forward=1, KUBE-SERVICES
#   pod-backend 10.244.1.3 ─ vethpodbacken ┘   tcp 10.96.0.10:80 → DNAT 10.244.1.3:8080)
#
# br_netfilter is built into this kernel and its sysctls are per network namespace: the 0 is set only in
# the node's namespace (a fresh namespace starts at 1, the root namespace is not touched). With 1 the same
# curl answers 200 (checked by hand, see README.md); this script records the failing state.
#
# usage: bridge_nf_call_iptables_disabled.sh OUTDIR   → OUTDIR/node/…, OUTDIR/pod-backend/…, OUTDIR/pod-client/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"
# BNF_CALL=1 shows the working mechanism (the diagnosis test uses the default 0)
BNF_CALL="${BNF_CALL:-0}"

host_add node
bridge_add node cni0 10.244.1.1/24
pod_add node cni0 pod-client 10.244.1.2/24 10.244.1.1
pod_add node cni0 pod-backend 10.244.1.3/24 10.244.1.1
on node sysctl -qw net.ipv4.ip_forward=1
on node sysctl -qw net.bridge.bridge-nf-call-iptables="$BNF_CALL"
[ "$(on node sysctl -n net.bridge.bridge-nf-call-iptables)" = "$BNF_CALL" ] || { lab_log "bridge-nf-call-iptables not settable in the netns"; exit 1; }

# kube-proxy's iptables mode, reduced to one Service with one endpoint (chain names as kube-proxy hashes them)
on node iptables-restore <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-JD5MR3NA4I4DYORP - [0:0]
:KUBE-SEP-EJJ3L23ZA35VLW6X - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-JD5MR3NA4I4DYORP
-A KUBE-SVC-JD5MR3NA4I4DYORP -m comment --comment "default/web:http -> 10.244.1.3:8080" -j KUBE-SEP-EJJ3L23ZA35VLW6X
-A KUBE-SEP-EJJ3L23ZA35VLW6X -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.244.1.3:8080
COMMIT
RULES

lab_file index.html 120
(cd "$LAB_WORK/www" && lab_bg pod-backend "$LAB_WORK/http.log" python3 "$LAB_DIR/tools/http_server.py" 10.244.1.3 8080 50)
wait_listen pod-backend 8080

collect_before node "$OUT"
collect_before pod-client "$OUT"
collect_before pod-backend "$OUT"
mkdir -p "$OUT/node" "$OUT/pod-client" "$OUT/pod-backend"
capture_start node cni0 "$OUT/node/cni0.pcap" tcp port 80 or tcp port 8080
# the pod IP itself works: only the Service path is broken
on pod-client curl -sS -o /dev/null --max-time 3 -w 'direct 10.244.1.3:8080 http_code: %{http_code} time_total: %{time_total}\n' \
  http://10.244.1.3:8080/index.html >&2 2>/dev/null || true
on pod-client curl -sS -o /dev/null --max-time 5 -w 'http_code: %{http_code} time_connect: %{time_connect} time_total: %{time_total}\n' \
  http://10.96.0.10/index.html >"$OUT/pod-client/curl-timings.txt" 2>"$LAB_WORK/curl.err" || true
cat "$OUT/pod-client/curl-timings.txt" "$LAB_WORK/curl.err" >&2

collect_bundle node "$OUT" 10.244.1.3 10.244.1.2
rec "$OUT/node/conntrack-L.txt" on node conntrack -L
collect_bundle pod-client "$OUT" 10.96.0.10
collect_bundle pod-backend "$OUT" 10.244.1.2
capture_stop "$CAPTURE_PID" "$OUT/node/cni0.pcap" "$OUT/node/tcpdump-cni0.txt"
lab_log "done: $OUT"
