#!/usr/bin/env bash
# Records real outputs of older / secondary tools people paste into incident bundles (ifconfig, route -n,
# ip -br, tc -s qdisc, conntrack -L/-C, ping, ethtool, arp -n), inside two network namespaces created and
# deleted here (nmsysx-a, nmsysx-b, joined by a veth). Kept apart from evidence-outputs.sh so that re-running
# one does not change the other's recordings (tests read exact values).
# Usage (root): bash scripts/record/evidence-extra-outputs.sh   (OUT=/tmp/dir to record elsewhere)
set -euo pipefail

cd "$(dirname "$0")/../.."
OUT=${OUT:-lib/analysis/evidence/testdata/recorded/extra}
mkdir -p "$OUT"
A=nmsysx-a
B=nmsysx-b
NET=10.235.0
source scripts/record/two-ns.sh
a ip link add vxlan0 type vxlan id 7 dstport 8472 local 10.235.0.1 remote 10.235.0.2 dev veth0
a ip link set vxlan0 up
a ip addr add 10.236.0.1/24 dev vxlan0
a ip route add 10.237.0.0/16 via 10.235.0.2 mtu 1400
# conntrack entries need a conntrack user in the namespace: a NAT table does it
a nft -f - <<'NFT'
table ip nmxnat {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    tcp dport 30090 dnat to 10.235.0.1:8081
  }
}
NFT
ip netns exec "$A" timeout 60 python3 -m http.server --bind 10.235.0.1 8081 >/dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do
  if a ss -ltnH | grep -q ':8081'; then break; fi
  sleep 0.1
done
for _ in 1 2 3; do b curl -s -o /dev/null --max-time 2 http://10.235.0.1:30090/ || true; done

save() { local name=$1; shift; "$@" > "$OUT/$name" || true; }
save ip-br-addr.txt a ip -br addr
save ip-br-link.txt a ip -br link
save ifconfig-a.txt a ifconfig -a
save route-n.txt a route -n
save tc-s-qdisc.txt a tc -s qdisc
save conntrack-L.txt a sh -c 'conntrack -L 2>&1'
save conntrack-C.txt a conntrack -C
save ping.txt b ping -c 3 -i 0.2 10.235.0.1
save ethtool-S-veth0.txt a ethtool -S veth0
save ethtool-i-veth0.txt a ethtool -i veth0
save arp-n.txt a arp -n

echo "recorded $(date -u +%Y-%m-%dT%H:%M:%SZ) on kernel $(uname -r) into $OUT"
