#!/usr/bin/env bash
# Records real ping outputs that carry a learned path MTU, and a conntrack -L listing with a DNATed connection
# nobody answered, for the ping and conntrack-list parsers' tests (lib/analysis/evidence/parsers/system/
# clientPing.test.ts). Everything happens in the three namespaces of three-ns.sh (client -- router -- server,
# the router's client-side link at MTU 1400), created and deleted here; no packet leaves them.
#   - the server pings the client with DF set, too big for the router's 1400 link: IPv4 `Frag needed and DF
#     set (mtu = 1400)` from the router, then ping's own `local error: message too long, mtu=1400`
#   - the same over IPv6 (fd31:1::/64, fd31:2::/64): `Packet too big: mtu=1400`
#   - the router DNATs tcp/30091 to the server's :81, which drops SYNs: conntrack -L shows SYN_SENT
#     [UNREPLIED] with the reply tuple of the server
# Usage (root): bash scripts/record/ping-pmtu-conntrack.sh   (OUT=/tmp/dir to record elsewhere)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-lib/analysis/evidence/testdata/recorded/extra}
mkdir -p "$OUT"
P=nmpg CLIENT_MTU=1500
# shellcheck source=three-ns.sh
source scripts/record/three-ns.sh

ip -n $C addr add fd31:1::2/64 dev eth0 nodad
ip -n $R addr add fd31:1::1/64 dev $P-rc nodad
ip -n $R addr add fd31:2::1/64 dev $P-rs nodad
ip -n $S addr add fd31:2::2/64 dev eth0 nodad
ip -n $C -6 route add default via fd31:1::1
ip -n $S -6 route add default via fd31:2::1
ip netns exec $R sysctl -qw net.ipv6.conf.all.forwarding=1
sleep 1

ip netns exec $S ping -c 3 -i 0.3 -M do -s 1472 10.231.1.2 > "$OUT/ping-M-do-frag-needed.txt" 2>&1 || true
ip netns exec $S ping -6 -c 3 -i 0.3 -M do -s 1452 fd31:1::2 > "$OUT/ping6-M-do-packet-too-big.txt" 2>&1 || true

ip netns exec $R nft -f - <<NFT
table ip $P-nat {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    tcp dport 30091 dnat to 10.231.2.2:81
  }
}
NFT
ip netns exec $C curl -s -o /dev/null --connect-timeout 2 http://10.231.1.1:30091/ || true
ip netns exec $R sh -c 'conntrack -L 2>&1' > "$OUT/conntrack-L-dnat-unreplied.txt" || true
echo "recorded $(date -u +%Y-%m-%dT%H:%M:%SZ) on kernel $(uname -r) into $OUT"
