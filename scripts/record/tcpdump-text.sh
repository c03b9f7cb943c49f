#!/usr/bin/env bash
# Records real tcpdump TEXT output for the tcpdump-text parser's tests
# (lib/analysis/evidence/parsers/capture-text). Everything happens inside three network namespaces this
# script creates (client -- router -- server, on veth pairs) and deletes again on exit, also on failure.
# No packet leaves those namespaces.
#
#   client 10.231.1.2/24 (mtu 1400) -- 10.231.1.1 router 10.231.2.1 -- 10.231.2.2/24 server (mtu 1500)
#
# Traffic: HTTP to a python listener on :80 (curl), a SYN to a closed port (RST), a SYN to a port the
# server drops (SYN retransmissions), and a DF ping from the server too big for the client's link, which
# makes the router answer "ICMP need to frag (mtu 1400)".
# Captures are taken once (tcpdump -w on the server's eth0) and
# rendered with `tcpdump -r` in each timestamp mode, plus live `tcpdump -n -l` and `tcpdump -i any -nn -l` text.
set -euo pipefail
OUT="$(cd "$(dirname "$0")/../.." && pwd)/lib/analysis/evidence/testdata/recorded"
mkdir -p "$OUT"
P=nmtd CLIENT_MTU=1400
# shellcheck source=three-ns.sh
source "$(dirname "$0")/three-ns.sh"

ip netns exec $S tcpdump -i eth0 -w "$WORK/eth0.pcap" -U 'tcp or icmp' >/dev/null 2>&1 & PIDS+=($!)
ip netns exec $S tcpdump -i any -nn -l 'tcp or icmp' > "$OUT/tcpdump-any-nn.txt" 2>/dev/null & PIDS+=($!)
ip netns exec $S tcpdump -i eth0 -n -l 'tcp or icmp' > "$OUT/tcpdump-live-n.txt" 2>/dev/null & PIDS+=($!)
sleep 1.5

ip netns exec $C curl -s -o /dev/null --max-time 5 http://10.231.2.2/index.html
ip netns exec $C curl -s -o /dev/null --max-time 5 http://10.231.2.2/big.txt
ip netns exec $C curl -s -o /dev/null --max-time 2 http://10.231.2.2:82/ || true   # closed: RST
ip netns exec $C curl -s -o /dev/null --connect-timeout 3.5 http://10.231.2.2:81/ || true  # dropped: SYN retransmits
ip netns exec $S ping -c 1 -W 1 -M do -s 1450 10.231.1.2 >/dev/null 2>&1 || true  # router: need to frag
sleep 1
for p in "${PIDS[@]:1}"; do kill -INT "$p" 2>/dev/null || true; done
sleep 1

cp "$WORK/eth0.pcap" "$OUT/tcpdump-eth0.pcap"
tcpdump -r "$WORK/eth0.pcap" -n      > "$OUT/tcpdump-n.txt" 2>/dev/null
tcpdump -r "$WORK/eth0.pcap" -nn -tt > "$OUT/tcpdump-nn-tt.txt" 2>/dev/null
tcpdump -r "$WORK/eth0.pcap" -nn -ttt > "$OUT/tcpdump-nn-ttt.txt" 2>/dev/null
tcpdump -r "$WORK/eth0.pcap" -nn -tttt > "$OUT/tcpdump-nn-tttt.txt" 2>/dev/null
tcpdump -r "$WORK/eth0.pcap" -nn -t   > "$OUT/tcpdump-nn-t.txt" 2>/dev/null
tcpdump -r "$WORK/eth0.pcap" -nn -v   > "$OUT/tcpdump-nn-v.txt" 2>/dev/null
# IPv6 and SACK text, rendered from two public corpus captures (see ../shared/corpus/SOURCES.md)
CORPUS="${NETMORTEM_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}/corpus/pcap"
if [ -d "$CORPUS" ]; then
  tcpdump -r "$CORPUS/http-ipv6-loopback.pcap" -n > "$OUT/tcpdump-corpus-ipv6-n.txt" 2>/dev/null || true
  tcpdump -r "$CORPUS/tcp-dupack-fast-retrans-sack.pcapng" -nn -tttt > "$OUT/tcpdump-corpus-sack-tttt.txt" 2>/dev/null || true
fi
ls -l "$OUT"
