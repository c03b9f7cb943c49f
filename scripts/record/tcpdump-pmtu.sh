#!/usr/bin/env bash
# Records real tcpdump TEXT output of a path-MTU scene for the tcpdump-text parser's tests
# (lib/analysis/evidence/parsers/capture-text), in the same three-namespace topology as tcpdump-text.sh
# (created here, deleted on exit, also on failure). No packet leaves those namespaces.
# The client's own link says 1500 (it advertises MSS 1460) while the router's side of that link is 1400:
# the server's full-size segments make the router answer "need to frag (mtu 1400)" quoting the TCP
# segment; -v prints the quoted packet.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
OUT="$(cd "$(dirname "$0")/../.." && pwd)/lib/analysis/evidence/testdata/recorded"
mkdir -p "$OUT"
C=nmpm-client R=nmpm-router S=nmpm-server
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for n in $C $R $S; do ip netns del $n 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

for n in $C $R $S; do ip netns add $n; ip -n $n link set lo up; done
ip link add nmpm-c type veth peer name nmpm-rc
ip link add nmpm-s type veth peer name nmpm-rs
ip link set nmpm-c netns $C; ip link set nmpm-rc netns $R
ip link set nmpm-s netns $S; ip link set nmpm-rs netns $R
ip -n $C link set nmpm-c name eth0; ip -n $S link set nmpm-s name eth0
ip -n $C addr add 10.231.1.2/24 dev eth0; ip -n $C link set eth0 mtu 1500 up
ip -n $R addr add 10.231.1.1/24 dev nmpm-rc; ip -n $R link set nmpm-rc mtu 1400 up
ip -n $R addr add 10.231.2.1/24 dev nmpm-rs; ip -n $R link set nmpm-rs up
ip -n $S addr add 10.231.2.2/24 dev eth0; ip -n $S link set eth0 up
ip -n $C route add default via 10.231.1.1
ip -n $S route add default via 10.231.2.1
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1
# port 81 silently dropped on the server: the client's SYN is retransmitted
ip netns exec $S nft add table inet nmpm
ip netns exec $S nft add chain inet nmpm input '{ type filter hook input priority 0; }'
ip netns exec $S nft add rule inet nmpm input tcp dport 81 drop

mkdir -p "$WORK/www"; head -c 20000 /dev/zero | tr '\0' 'x' > "$WORK/www/big.txt"
(cd "$WORK/www" && exec ip netns exec $S python3 -m http.server 80 --bind 10.231.2.2 >/dev/null 2>&1) &
PIDS+=($!)
for _ in $(seq 50); do ip netns exec $S ss -ltn | grep -q ':80 ' && break; sleep 0.1; done
ip netns exec $S tcpdump -i eth0 -w "$WORK/pmtu.pcap" -U 'tcp or icmp' >/dev/null 2>&1 & PIDS+=($!)
sleep 1.5
ip netns exec $C curl -s -o /dev/null --max-time 5 http://10.231.2.2/big.txt || true
sleep 1
for p in "${PIDS[@]:1}"; do kill -INT "$p" 2>/dev/null || true; done
sleep 1
tcpdump -r "$WORK/pmtu.pcap" -nn -v > "$OUT/tcpdump-pmtu-nn-v.txt" 2>/dev/null
tcpdump -r "$WORK/pmtu.pcap" -nn > "$OUT/tcpdump-pmtu-nn.txt" 2>/dev/null
ls -l "$OUT"/tcpdump-pmtu-*
