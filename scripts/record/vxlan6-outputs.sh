#!/usr/bin/env bash
# Records ip link outputs of tunnels over an IPv6 underlay, for the MTU arithmetic of the overlay rules
# (VXLAN over IPv6 carries 70 bytes of headers, not 50) and the ip-link parsers (remote/local of an IPv6
# underlay, -j's local6/remote6). This kernel has no geneve module, so no Geneve device. In two namespaces made and deleted here (nmv6-a, nmv6-b, one veth,
# 10.238.0.0/24 and fd38::/64). Devices in nmv6-a:
#   vxlan4        VXLAN over IPv4 with dev veth0, MTU left to the kernel (1500 − 50)
#   vxlan6        VXLAN over IPv6 with dev veth0, MTU left to the kernel (1500 − 70)
#   flannel-v6.1  flannel's IPv6 VXLAN device (vni 1, dstport 8472, local/remote, no dev) set to 1450, the
#                 IPv4 arithmetic: 20 bytes too many for an IPv6 underlay
# Usage (root): bash scripts/record/vxlan6-outputs.sh   (OUT=/tmp/dir to record elsewhere)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-lib/analysis/evidence/testdata/recorded/extra}
mkdir -p "$OUT"
A=nmv6-a
B=nmv6-b
NET=10.238.0
source scripts/record/two-ns.sh
a ip -6 addr add fd38::1/64 dev veth0 nodad
b ip -6 addr add fd38::2/64 dev veth1 nodad
a ip link add vxlan4 type vxlan id 4 dstport 4789 local 10.238.0.1 remote 10.238.0.2 dev veth0
a ip link add vxlan6 type vxlan id 6 dstport 4789 local fd38::1 remote fd38::2 dev veth0
a ip link add flannel-v6.1 type vxlan id 1 dstport 8472 local fd38::1 remote fd38::2
a ip link set flannel-v6.1 mtu 1450
for d in vxlan4 vxlan6 flannel-v6.1; do a ip link set "$d" up; done

a ip -d link > "$OUT/ip-d-link-vxlan6.txt"
a ip -j -d link > "$OUT/ip-j-d-link-vxlan6.json"
a ip link > "$OUT/ip-link-vxlan6.txt"
a ip -6 addr > "$OUT/ip-6-addr-vxlan6.txt"
echo "recorded $(date -u +%Y-%m-%dT%H:%M:%SZ) on kernel $(uname -r) into $OUT"
