#!/usr/bin/env bash
# Renders more tcpdump TEXT shapes from the capture tcpdump-text.sh recorded (testdata/recorded/
# tcpdump-eth0.pcap), without re-recording: -e (link-level header). No network use at all.
# (-ttttt is not rendered: it prints exactly like -ttt, and the parser reads that format as -ttt deltas.)
set -euo pipefail
OUT="$(cd "$(dirname "$0")/../.." && pwd)/lib/analysis/evidence/testdata/recorded"
tcpdump -r "$OUT/tcpdump-eth0.pcap" -nn -e > "$OUT/tcpdump-nn-e.txt" 2>/dev/null
head -2 "$OUT/tcpdump-nn-e.txt"
