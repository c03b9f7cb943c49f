#!/usr/bin/env bash
# Records SYN-ACKs diverted by a NodePort-style rule on the client: the client (namespace A) connects from
# source port 30080, inside the NodePort range 30000-32767, to a web server in namespace B. A holds a rule
# modelling kube-proxy's NodePort interception: incoming TCP to port 30080 is redirected to another
# address (10.243.9.9, a blackhole route, i.e. nowhere). The server's SYN-ACK to port 30080 is
# therefore taken away before the client's TCP sees it: the client retransmits its SYN, the server
# retransmits its SYN-ACK, the handshake never completes.
#
# The rule rewrites the destination statelessly (nft `ip daddr set` at the raw-priority prerouting hook):
# a stateful DNAT would not apply here, because the SYN-ACK belongs to a connection conntrack already
# knows from the outgoing SYN. The capture (tcpdump on A's interface) sees packets before netfilter, so
# the SYN-ACKs are in it.
# Then one more request from an ordinary ephemeral port (outside the range) succeeds.
# Output: lib/analysis/capture/testdata/nodeport-source-port-synack-diverted.pcap
source "$(dirname "$0")/capture-lib.sh"
need_root python3 curl nft
A="nmrecnp-c-$$"; B="nmrecnp-s-$$"
new_ns "$A"; new_ns "$B"
veth_pair np-c "$A" 10.243.0.2 np-s "$B" 10.243.0.1
ip -n "$A" route add blackhole 10.243.9.0/24
ip netns exec "$A" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$A" sysctl -qw net.ipv4.conf.all.rp_filter=0
ip netns exec "$A" nft -f - <<'NFT'
table ip nodeport_model {
  chain prerouting {
    type filter hook prerouting priority raw; policy accept;
    tcp dport 30080 ip daddr set 10.243.9.9
  }
}
NFT
mkdir -p "$TMP/www"; echo "hello from B" > "$TMP/www/index.html"; chmod -R a+rX "$TMP"
bg "$B" timeout 30 python3 -m http.server --bind 10.243.0.1 --directory "$TMP/www" 80
sleep 1
OUT="$OUTDIR/nodeport-source-port-synack-diverted.pcap"
start_capture "$A" np-c "$OUT" tcp port 80
ip netns exec "$A" curl -s -o /dev/null --local-port 30080 --max-time 8 http://10.243.0.1/ || echo "  curl from source port 30080 failed (exit $?), as expected"
ip netns exec "$A" curl -s -o /dev/null --local-port 40080 --max-time 5 -w "  curl from source port 40080: http %{http_code}\n" http://10.243.0.1/
stop_captures
echo "recorded $OUT ($(stat -c %s "$OUT") bytes)"
