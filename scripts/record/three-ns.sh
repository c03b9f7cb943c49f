# Sourced by the tcpdump-text recorders: builds client -- router -- server in three network namespaces
# (veth pairs), deletes them on exit (also on failure), and starts a python HTTP server on the server's :80.
#   client 10.231.1.2/24 (mtu $CLIENT_MTU) -- 10.231.1.1 router (mtu 1400) 10.231.2.1 -- 10.231.2.2/24 server
# The server drops tcp/81 silently, so a SYN there is retransmitted.
# Needs: P (name prefix, e.g. nmtd), CLIENT_MTU. Sets: C R S (namespace names), WORK (temp dir), PIDS.
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
C=$P-client R=$P-router S=$P-server
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
ip link add $P-c type veth peer name $P-rc
ip link add $P-s type veth peer name $P-rs
ip link set $P-c netns $C; ip link set $P-rc netns $R
ip link set $P-s netns $S; ip link set $P-rs netns $R
ip -n $C link set $P-c name eth0; ip -n $S link set $P-s name eth0
ip -n $C addr add 10.231.1.2/24 dev eth0; ip -n $C link set eth0 mtu "$CLIENT_MTU" up
ip -n $R addr add 10.231.1.1/24 dev $P-rc; ip -n $R link set $P-rc mtu 1400 up
ip -n $R addr add 10.231.2.1/24 dev $P-rs; ip -n $R link set $P-rs up
ip -n $S addr add 10.231.2.2/24 dev eth0; ip -n $S link set eth0 up
ip -n $C route add default via 10.231.1.1
ip -n $S route add default via 10.231.2.1
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1
ip netns exec $S nft add table inet $P
ip netns exec $S nft add chain inet $P input '{ type filter hook input priority 0; }'
ip netns exec $S nft add rule inet $P input tcp dport 81 drop

mkdir -p "$WORK/www"; head -c 20000 /dev/zero | tr '\0' 'x' > "$WORK/www/big.txt"; echo hello > "$WORK/www/index.html"
(cd "$WORK/www" && exec ip netns exec $S python3 -m http.server 80 --bind 10.231.2.2 >/dev/null 2>&1) &
PIDS+=($!)
for _ in $(seq 50); do ip netns exec $S ss -ltn | grep -q ':80 ' && break; sleep 0.1; done
