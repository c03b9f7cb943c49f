#!/usr/bin/env bash
# Records a real capture of nginx's keep-alive reuse race and its `tcpdump -nn -r` text, for the tcpdump-text
# parser's test that text and pcap of one capture give the same flows (tcpdump prints relative sequence
# numbers after a connection's first ACK; read as printed they made the capture engine see gigabyte gaps,
# and whether a reset reused connection still looked "answered" depended on the random initial sequence
# numbers: main's CI failed on it). The lab scenario e2e/lab/scenarios/keepalive_timeout_mismatch.sh builds
# its namespaces, runs nginx and the 1 s idle-timeout upstream, captures the proxy's upstream side, and
# removes everything on exit; its proxy-eth1.pcap and tcpdump-eth1.txt are kept here.
#
# usage (root): bash scripts/record/tcpdump-keepalive.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/lib/analysis/evidence/testdata/recorded"
RUN="$(mktemp -d)"
trap 'rm -rf "$RUN"' EXIT
bash "$ROOT/e2e/lab/scenarios/keepalive_timeout_mismatch.sh" "$RUN/bundle" >/dev/null
cp "$RUN/bundle/proxy/proxy-eth1.pcap" "$OUT/tcpdump-keepalive-race.pcap"
cp "$RUN/bundle/proxy/tcpdump-eth1.txt" "$OUT/tcpdump-keepalive-race-nn.txt"
grep -c 'Flags \[R' "$OUT/tcpdump-keepalive-race-nn.txt" | sed 's/^/RST lines: /'
