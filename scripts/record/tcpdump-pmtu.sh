#!/usr/bin/env bash
# Records real tcpdump TEXT output of a path-MTU scene for the tcpdump-text parser's tests
# (lib/analysis/evidence/parsers/capture-text), in the same three-namespace topology as tcpdump-text.sh
# (created here, deleted on exit, also on failure). No packet leaves those namespaces.
# The client's own link says 1500 (it advertises MSS 1460) while the router's side of that link is 1400:
# the server's full-size segments make the router answer "need to frag (mtu 1400)" quoting the TCP
# segment; -v prints the quoted packet.
set -euo pipefail
OUT="$(cd "$(dirname "$0")/../.." && pwd)/lib/analysis/evidence/testdata/recorded"
mkdir -p "$OUT"
P=nmpm CLIENT_MTU=1500
# shellcheck source=three-ns.sh
source "$(dirname "$0")/three-ns.sh"
ip netns exec $S tcpdump -i eth0 -w "$WORK/pmtu.pcap" -U 'tcp or icmp' >/dev/null 2>&1 & PIDS+=($!)
sleep 1.5
ip netns exec $C curl -s -o /dev/null --max-time 5 http://10.231.2.2/big.txt || true
sleep 1
for p in "${PIDS[@]:1}"; do kill -INT "$p" 2>/dev/null || true; done
sleep 1
tcpdump -r "$WORK/pmtu.pcap" -nn -v > "$OUT/tcpdump-pmtu-nn-v.txt" 2>/dev/null
tcpdump -r "$WORK/pmtu.pcap" -nn > "$OUT/tcpdump-pmtu-nn.txt" 2>/dev/null
ls -l "$OUT"/tcpdump-pmtu-*
