#!/usr/bin/env bash
# Renders more tcpdump TEXT shapes from the capture tcpdump-text.sh recorded (testdata/recorded/
# tcpdump-eth0.pcap), without re-recording: -e (link-level header); and renders a few public corpus
# captures (UDP/DNS, ICMPv6 too big, VXLAN, Geneve). No network use at all.
# (-ttttt is not rendered: it prints exactly like -ttt, and the parser reads that format as -ttt deltas.)
set -euo pipefail
OUT="$(cd "$(dirname "$0")/../.." && pwd)/lib/analysis/evidence/testdata/recorded"
tcpdump -r "$OUT/tcpdump-eth0.pcap" -nn -e > "$OUT/tcpdump-nn-e.txt" 2>/dev/null
# UDP/DNS, ICMPv6 packet too big, VXLAN and Geneve as tcpdump prints them, from public corpus captures
CORPUS="${NETMORTEM_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}/corpus/pcap"
if [ -d "$CORPUS" ]; then
  tcpdump -r "$CORPUS/dns-noreply-retries.pcapng" -nn > "$OUT/tcpdump-corpus-dns-nn.txt" 2>/dev/null
  tcpdump -r "$CORPUS/icmp6-packet-too-big.pcap" -nn -v > "$OUT/tcpdump-corpus-icmp6-ptb-nn-v.txt" 2>/dev/null
  tcpdump -r "$CORPUS/vxlan-basic.pcap" -nn > "$OUT/tcpdump-corpus-vxlan-nn.txt" 2>/dev/null
  tcpdump -r "$CORPUS/geneve-icmp-tcp.pcap" -nn > "$OUT/tcpdump-corpus-geneve-nn.txt" 2>/dev/null
fi
head -2 "$OUT/tcpdump-nn-e.txt"
