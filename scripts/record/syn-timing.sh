#!/usr/bin/env bash
# Records the kernel's real SYN and SYN-ACK retransmission schedules (for the diagnosis engine's latency
# model) into lib/analysis/diagnosis/testdata/timing/. Three pairs of network namespaces this script creates
# and deletes (on exit, also on failure); no packet leaves them. The three run in parallel (~135 s):
#
#   a) syn-linear-default.pcap  client SYN to a server whose nft input chain drops everything;
#                               tcp_syn_retries=6, tcp_syn_linear_timeouts left at this kernel's default
#   b) syn-linear-0.pcap        the same with tcp_syn_linear_timeouts=0 (the classic exponential schedule)
#   c) synack-retries-5.pcap    the server answers, but every packet from the client other than a SYN is
#                               dropped at the server: the server retransmits its SYN-ACK;
#                               tcp_synack_retries=5 on the server
#
# Each connection attempt is a curl bounded by --max-time 140. Pcaps are taken on the client's eth0 (a, b)
# and on the server's eth0 (c). MANIFEST.md is regenerated from the pcaps with tshark.
source "$(dirname "$0")/../../e2e/lab/lib.sh"
OUT="$(cd "$LAB_DIR/../.." && pwd)/lib/analysis/diagnosis/testdata/timing"
mkdir -p "$OUT"

pair() { # pair NAME SUBNET_OCTET
  host_add "$1-c" "$1-s"
  link_veth "$1-c" eth0 "$1-s" eth0
  addr "$1-c" eth0 "10.233.$2.2/24"
  addr "$1-s" eth0 "10.233.$2.1/24"
}
pair a 1
pair b 2
pair c 3

for h in a-c b-c; do on "$h" sysctl -qw net.ipv4.tcp_syn_retries=6; done
on b-c sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0
on c-s sysctl -qw net.ipv4.tcp_synack_retries=5

for h in a-s b-s; do
  on "$h" nft -f - <<'NFT'
table inet lab {
  chain input { type filter hook input priority 0; policy drop; }
}
NFT
done
# c: the handshake's final ACK (and anything after it) never reaches the server's TCP
on c-s nft -f - <<'NFT'
table inet lab {
  chain input { type filter hook input priority 0; tcp dport 80 tcp flags & syn == 0 drop; }
}
NFT
lab_bg c-s "$LAB_WORK/http-c.log" python3 -m http.server 80 --bind 10.233.3.1
wait_listen c-s 80

capture_start a-c eth0 "$OUT/syn-linear-default.pcap" tcp port 80
PA=$CAPTURE_PID
capture_start b-c eth0 "$OUT/syn-linear-0.pcap" tcp port 80
PB=$CAPTURE_PID
capture_start c-s eth0 "$OUT/synack-retries-5.pcap" tcp port 80
PC=$CAPTURE_PID

LINEAR_DEFAULT="$(on a-c sysctl -n net.ipv4.tcp_syn_linear_timeouts)"
lab_log "kernel $(uname -r), tcp_syn_linear_timeouts default $LINEAR_DEFAULT; running a, b, c in parallel"
curlw() { on "$1" curl -s -o /dev/null --max-time 140 -w '%{exitcode} %{time_total}\n' "http://$2/" || true; }
curlw a-c 10.233.1.1 >"$LAB_WORK/a.time" &
CA=$!
curlw b-c 10.233.2.1 >"$LAB_WORK/b.time" &
CB=$!
curlw c-c 10.233.3.1 >"$LAB_WORK/c.time" &
CC=$!
wait "$CA" "$CB" "$CC"

capture_stop "$PA" "$OUT/syn-linear-default.pcap" "$LAB_WORK/a.txt"
capture_stop "$PB" "$OUT/syn-linear-0.pcap" "$LAB_WORK/b.txt"
capture_stop "$PC" "$OUT/synack-retries-5.pcap" "$LAB_WORK/c.txt"

# times of each SYN (a, b) / SYN-ACK (c) relative to the first SYN of the capture, as tshark reads them
times() { # times PCAP FILTER
  tshark -r "$1" -Y "$2" -T fields -e frame.time_relative 2>/dev/null | awk '{printf "%s%.3f", (NR>1?", ":""), $1}'
}
{
  echo "# SYN / SYN-ACK retransmission timings recorded on this machine"
  echo
  echo "Recorded by \`scripts/record/syn-timing.sh\` on kernel \`$(uname -r)\` ($(date -u +%Y-%m-%d)), in network"
  echo "namespaces over a veth pair (RTT ≈ 0). Times are \`frame.time_relative\` read with tshark, i.e. seconds"
  echo "after the first packet of each capture (the first SYN). The client is \`curl --max-time 140\`."
  echo
  echo "| pcap | settings | packets | times (s) | curl exit / time_total |"
  echo "|---|---|---|---|---|"
  echo "| syn-linear-default.pcap | client \`tcp_syn_retries=6\`, \`tcp_syn_linear_timeouts=$LINEAR_DEFAULT\` (default); server drops all input | SYN | $(times "$OUT/syn-linear-default.pcap" 'tcp.flags.syn==1 && tcp.flags.ack==0') | $(cat "$LAB_WORK/a.time") |"
  echo "| syn-linear-0.pcap | client \`tcp_syn_retries=6\`, \`tcp_syn_linear_timeouts=0\`; server drops all input | SYN | $(times "$OUT/syn-linear-0.pcap" 'tcp.flags.syn==1 && tcp.flags.ack==0') | $(cat "$LAB_WORK/b.time") |"
  echo "| synack-retries-5.pcap | server \`tcp_synack_retries=5\`; the client's ACK and data are dropped at the server | SYN-ACK | $(times "$OUT/synack-retries-5.pcap" 'tcp.flags.syn==1 && tcp.flags.ack==1') | $(cat "$LAB_WORK/c.time") |"
  echo
  echo "In c the client's own retransmissions of its request (data, not SYN) are in the same pcap:"
  echo "$(times "$OUT/synack-retries-5.pcap" 'tcp.len>0 && ip.src==10.233.3.2') s."
  echo
  echo "curl exit codes: 28 = timed out (--max-time, or the kernel's ETIMEDOUT on connect), 7 = could not"
  echo "connect, 0 = ok."
  echo
  echo "Notes for the schedule model:"
  echo
  echo "- The SYN retransmissions are not counted against \\`tcp_syn_retries\\` one by one: the kernel gives up"
  echo "  when the time the classic exponential schedule of \\`tcp_syn_retries\\` retries would take has passed"
  echo "  (tcp_model_timeout). So with linear timeouts more SYNs fit before the connect fails (compare the"
  echo "  number of SYNs in a and b, and curl's time_total)."
  echo "- In c the client believes it is connected (it got the SYN-ACK), so it is curl's --max-time that ends"
  echo "  it; the server gives up on the half-open connection after its last SYN-ACK's timeout."
} >"$OUT/MANIFEST.md"
cat "$OUT/MANIFEST.md"
