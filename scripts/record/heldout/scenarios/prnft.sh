#!/usr/bin/env bash
# Held-out: ip_local_port_range 10240 65535 (kops's old default) overlapping the NodePort range on a node whose
# kube-proxy runs in nftables mode (table ip kube-proxy: service-nodeports map), NodePort 31380, other
# addresses and names than the lab. The ruleset follows kube-proxy's nftables proxier (pkg/proxy/nftables):
# its chains, maps and sets as `nft list ruleset` prints them once loaded; it is loaded here, not written out.
# As in the lab (e2e/lab/scenarios/port_range_nodeport_collision.sh, see its header), the reply diversion of
# datapaths that intercept a NodePort's packets before conntrack is modelled by a netdev ingress rewrite.
#
#   ingress-pod 10.42.0.9 ─ cni0 ─ worker-2 (ens3 10.224.0.22) ── 10.224.0.40 registry (:5000)
#
# From worker-2 (a kubelet-like client pulling from the registry): a connection that gets the NodePort 31380
# as its source port never completes (SYN, SYN-ACK diverted, SYN retransmitted); another port works.
# Recorded on worker-2: sysctl -a, nft list ruleset, ss -tn state syn-sent while it hangs, conntrack -L,
# tcpdump -ttt of ens3, curl output.
#
# usage: prnft.sh OUTDIR   → OUTDIR/{worker-2,registry}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT/worker-2" "$OUT/registry" && OUT="$(cd "$OUT" && pwd)"

host_add worker-2 registry
link_veth worker-2 ens3 registry eth0
addr worker-2 ens3 10.224.0.22/24
addr registry eth0 10.224.0.40/24
bridge_add worker-2 cni0 10.42.0.1/24
pod_add worker-2 cni0 ingress-pod 10.42.0.9/24 10.42.0.1
on worker-2 sysctl -qw net.ipv4.ip_forward=1
on worker-2 sysctl -qw net.ipv4.ip_local_port_range="10240 65535"

on worker-2 nft -f - <<'NFT'
table ip kube-proxy {
  comment "rules for kube-proxy"
  set cluster-ips { type ipv4_addr; comment "Active ClusterIPs"; elements = { 10.43.88.12 } }
  set nodeport-ips { type ipv4_addr; comment "IPs that accept NodePort traffic"; elements = { 10.224.0.22 } }
  map service-ips { type ipv4_addr . inet_proto . inet_service : verdict; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"; }
  map service-nodeports { type inet_proto . inet_service : verdict; comment "NodePort traffic"; }
  chain mark-for-masquerade {
    mark set mark or 0x4000
  }
  chain masquerading {
    mark and 0x4000 == 0 return
    mark set mark xor 0x4000
    masquerade fully-random
  }
  chain services {
    ip daddr . meta l4proto . th dport vmap @service-ips
    ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports
  }
  chain nat-prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    jump services
  }
  chain nat-output {
    type nat hook output priority -100; policy accept;
    jump services
  }
  chain nat-postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    jump masquerading
  }
  chain endpoint-3LW7GOQZ-ingress-nginx/ingress-nginx-controller/tcp/https__10.42.0.9/443 {
    ip saddr 10.42.0.9 jump mark-for-masquerade
    meta l4proto tcp dnat to 10.42.0.9:443
  }
  chain service-HVFWP5L3-ingress-nginx/ingress-nginx-controller/tcp/https {
    ip daddr 10.43.88.12 tcp dport 443 ip saddr != 10.42.0.0/16 jump mark-for-masquerade
    numgen random mod 1 vmap { 0 : goto endpoint-3LW7GOQZ-ingress-nginx/ingress-nginx-controller/tcp/https__10.42.0.9/443 }
  }
  chain external-HVFWP5L3-ingress-nginx/ingress-nginx-controller/tcp/https {
    jump mark-for-masquerade
    goto service-HVFWP5L3-ingress-nginx/ingress-nginx-controller/tcp/https
  }
}
add element ip kube-proxy service-ips { 10.43.88.12 . tcp . 443 : goto service-HVFWP5L3-ingress-nginx/ingress-nginx-controller/tcp/https }
add element ip kube-proxy service-nodeports { tcp . 31380 : goto external-HVFWP5L3-ingress-nginx/ingress-nginx-controller/tcp/https }
table netdev nodeport-datapath {
  chain ens3-ingress {
    type filter hook ingress device "ens3" priority 0;
    ip daddr 10.224.0.22 tcp dport 31380 ip daddr set 10.42.0.9 tcp dport set 443
  }
}
NFT

lab_file v2 20
(cd "$LAB_WORK/www" && lab_bg registry "$LAB_WORK/reg.log" python3 "$HELD_TOOLS/http_server.py" 10.224.0.40 5000 40)
(cd "$LAB_WORK/www" && lab_bg ingress-pod "$LAB_WORK/ing.log" python3 "$HELD_TOOLS/http_server.py" 10.42.0.9 443 40)
wait_listen registry 5000
wait_listen ingress-pod 443

capture_start worker-2 ens3 "$OUT/worker-2/ens3.pcap" tcp port 5000
{
  on worker-2 curl -sS -o /dev/null --max-time 9 -w 'GET /v2/ → %{http_code} from local port %{local_port} in %{time_total}s\n' http://10.224.0.40:5000/v2 2>&1 || true
} >"$OUT/worker-2/curl.txt"
on worker-2 curl -sS -o /dev/null --max-time 9 --local-port 31380 -w 'GET /v2/ → %{http_code} from local port %{local_port} in %{time_total}s\n' http://10.224.0.40:5000/v2 >>"$OUT/worker-2/curl.txt" 2>&1 &
CURLPID=$!
sleep 3.5
rec "$OUT/worker-2/ss-tn-syn-sent.txt" on worker-2 ss -tn state syn-sent
rec "$OUT/worker-2/conntrack-L.txt" on worker-2 conntrack -L
wait "$CURLPID" || true
rec "$OUT/worker-2/sysctl-a.txt" on worker-2 sysctl -a
rec "$OUT/worker-2/nft-list-ruleset.txt" on worker-2 nft list ruleset
rec "$OUT/worker-2/ip-route.txt" ip -n "$(ns worker-2)" route
rec "$OUT/worker-2/uname-r.txt" uname -r
rec "$OUT/worker-2/nstat-az.txt" env NSTAT_HISTORY="$LAB_WORK/nstat-w2" ip netns exec "$(ns worker-2)" nstat -az
capture_stop "$CAPTURE_PID" "$OUT/worker-2/ens3.pcap" "$OUT/worker-2/tcpdump-ens3.txt"
tcpdump -nn -ttt -r "$OUT/worker-2/ens3.pcap" >"$OUT/worker-2/tcpdump-ttt-ens3.txt" 2>/dev/null || true
rm -f "$OUT/worker-2/ens3.pcap"
cat "$OUT/worker-2/curl.txt" >&2
lab_log "done: $OUT"
