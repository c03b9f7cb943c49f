#!/usr/bin/env bash
# overlay_mtu_mismatch: flannel-style VXLAN whose MTU was left at the underlay's 1500 (should be 1450).
#
#   pod-a 10.244.0.2 ─ cni0 10.244.0.1 ─ node-a ─ flannel.1 (vxlan id 1, dstport 8472, mtu 1500)
#                                          │ eth0 192.168.50.1/24, mtu 1500  (underlay)
#                                          │ eth0 192.168.50.2/24, mtu 1500
#   pod-b 10.244.1.2 ─ cni0 10.244.1.1 ─ node-b ─ flannel.1 (vxlan id 1, dstport 8472, mtu 1500)
#
# Pods' eth0 and the cni0 bridges are at 1500 too (the seed 000 Rancher install that never set the MTU).
# A python HTTP server in pod-b. From pod-a: small GETs succeed; a large POST (pod-a → pod-b) and a large
# response (pod-b → pod-a) stall until curl's --max-time.
#
# What this kernel does (6.18, recorded): a vxlan created with `dev eth0` cannot be given an MTU above
# 1450 (RTNETLINK: Invalid argument), so flannel.1 is created without a lower device, as an unbounded
# vxlan allows 1500. With the vxlan default `df unset` the kernel fragments the 1550-byte outer packets
# and everything works (only slower); with `df set` (the default here, VXLAN_OPTS overrides it) the outer
# packet fails fragmentation on the sending node (IpFragFails, an ICMP unreachable addressed to the node
# itself) and nothing reaches the pod: a PMTU black hole, as on a cloud underlay that drops fragments.
#
# usage: overlay_mtu_mismatch.sh OUTDIR   → OUTDIR/{node-a,node-b,pod-a,pod-b}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"
OVERLAY_MTU="${OVERLAY_MTU:-1500}"

host_add node-a node-b
link_veth node-a eth0 node-b eth0 1500
addr node-a eth0 192.168.50.1/24
addr node-b eth0 192.168.50.2/24

overlay_node() { # NODE LOCAL REMOTE POD_SUBNET_OCTET PEER_OCTET
  local n="$1" local_ip="$2" remote_ip="$3" me="$4" peer="$5"
  on "$n" sysctl -qw net.ipv4.ip_forward=1
  ip -n "$(ns "$n")" link add flannel.1 type vxlan id 1 dstport 8472 local "$local_ip" remote "$remote_ip" ${VXLAN_OPTS-df set}
  ip -n "$(ns "$n")" link set flannel.1 mtu "$OVERLAY_MTU" up
  ip -n "$(ns "$n")" addr add "10.244.$me.0/32" dev flannel.1
  ip -n "$(ns "$n")" route add "10.244.$peer.0/24" via "10.244.$peer.0" dev flannel.1 onlink
  bridge_add "$n" cni0 "10.244.$me.1/24" 1500
}
overlay_node node-a 192.168.50.1 192.168.50.2 0 1
overlay_node node-b 192.168.50.2 192.168.50.1 1 0
pod_add node-a cni0 pod-a 10.244.0.2/24 10.244.0.1 1500
pod_add node-b cni0 pod-b 10.244.1.2/24 10.244.1.1 1500

lab_file small.txt 200
lab_file large.bin 262144
(cd "$LAB_WORK/www" && lab_bg pod-b "$LAB_WORK/http.log" python3 -u "$LAB_DIR/tools/http_server.py" 10.244.1.2 8081)
wait_listen pod-b 8081

for h in node-a node-b pod-a pod-b; do collect_before "$h" "$OUT"; done
mkdir -p "$OUT/pod-a" "$OUT/node-a"
capture_start pod-a eth0 "$OUT/pod-a/pod-a-eth0.pcap" tcp port 8081 or icmp
PCAP_POD=$CAPTURE_PID
capture_start node-a eth0 "$OUT/node-a/node-a-eth0.pcap" udp port 8472 or icmp or ip[6:2] \& 0x3fff != 0
PCAP_NODE=$CAPTURE_PID

curl_pod() { on pod-a curl -sS -o /dev/null --max-time "${MAXT:-4}" -w 'http_code: %{http_code} time_connect: %{time_connect} time_total: %{time_total}\n' "$@" || true; }
{
  for i in 1 2 3; do curl_pod http://10.244.1.2:8081/small.txt; done
  MAXT=6 curl_pod --data-binary @"$LAB_WORK/www/large.bin" http://10.244.1.2:8081/upload
  MAXT=6 curl_pod http://10.244.1.2:8081/large.bin
  curl_pod http://10.244.1.2:8081/small.txt
} >"$OUT/pod-a/curl-timings.txt" 2>"$LAB_WORK/curl.err"
cat "$OUT/pod-a/curl-timings.txt" >&2

for h in node-a node-b; do collect_bundle "$h" "$OUT" 192.168.50.1 192.168.50.2; done
collect_bundle pod-a "$OUT" 10.244.1.2
collect_bundle pod-b "$OUT" 10.244.0.2
capture_stop "$PCAP_POD" "$OUT/pod-a/pod-a-eth0.pcap" "$OUT/pod-a/tcpdump-eth0.txt"
capture_stop "$PCAP_NODE" "$OUT/node-a/node-a-eth0.pcap" "$OUT/node-a/tcpdump-eth0.txt"
lab_log "done: $OUT"
