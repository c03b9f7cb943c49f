#!/usr/bin/env bash
# Records the SYN schedule with a lowered tcp_syn_retries (2) on this kernel, to check the model's claim that
# the doubling-time limit (tcp_model_timeout: 1+2+4 = 7 s) ends the linear phase early. One pair of network
# namespaces (created and deleted by e2e/lab/lib.sh, also on failure); the server drops all input; no packet
# leaves the namespaces. ~10 s. Run as root: bash lib/analysis/diagnosis/testdata/recorded/record-syn-retries-2.sh
source "$(dirname "$0")/../../../../../e2e/lab/lib.sh"
OUT="$(cd "$(dirname "$0")" && pwd)"
host_add r2-c r2-s
link_veth r2-c eth0 r2-s eth0
addr r2-c eth0 10.239.1.2/24
addr r2-s eth0 10.239.1.1/24
on r2-c sysctl -qw net.ipv4.tcp_syn_retries=2
on r2-s nft -f - <<'NFT'
table inet lab {
  chain input { type filter hook input priority 0; policy drop; }
}
NFT
capture_start r2-c eth0 "$OUT/syn-retries-2.pcap" tcp port 80
P=$CAPTURE_PID
T="$(on r2-c curl -s -o /dev/null --max-time 30 -w '%{exitcode} %{time_total}' http://10.239.1.1/ || true)"
capture_stop "$P" "$OUT/syn-retries-2.pcap" "$LAB_WORK/r2.txt"
{
  echo "# syn-retries-2.pcap"
  echo
  echo "Recorded by \`record-syn-retries-2.sh\` on kernel \`$(uname -r)\` ($(date -u +%Y-%m-%d)): client"
  echo "\`tcp_syn_retries=2\`, \`tcp_syn_linear_timeouts=$(on r2-c sysctl -n net.ipv4.tcp_syn_linear_timeouts)\`; the server drops all input."
  echo "SYN times (tshark frame.time_relative): $(tshark -r "$OUT/syn-retries-2.pcap" -Y 'tcp.flags.syn==1' -T fields -e frame.time_relative 2>/dev/null | awk '{printf "%s%.3f", (NR>1?", ":""), $1}')"
  echo "curl exit / time_total: $T"
} >"$OUT/syn-retries-2.md"
cat "$OUT/syn-retries-2.md"
