#!/usr/bin/env bash
# Records real outputs of the system commands the evidence parsers read, on this machine, inside two
# network namespaces created (and deleted) here: nmsys-a (server, bridges, vxlan, nat rules)
# and nmsys-b (client, a router towards a 1300-MTU dummy for a PMTU exception). Traffic stays between
# the two namespaces. Outputs are saved byte-exact in lib/analysis/evidence/testdata/recorded/; the
# command behind each file is listed in MANIFEST.md there.
# Usage (root): bash scripts/record/evidence-outputs.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
# OUT=/tmp/dir records elsewhere (e.g. to check the script without changing the committed recordings)
OUT=${OUT:-lib/analysis/evidence/testdata/recorded}
mkdir -p "$OUT"
A=nmsys-a
B=nmsys-b
TMP=$(mktemp -d /tmp/nmsys-record.XXXXXX)
NET=10.231.0
source scripts/record/two-ns.sh
# a bridge with a dummy port, an empty bridge (no carrier: its route shows linkdown), a vlan, a vxlan
a ip link add br0 type bridge
# this kernel has no dummy/vlan/ipip/geneve modules: a veth pair stands in as the bridge port
a ip link add brport0 type veth peer name brport1
a ip link set brport0 master br0
a ip link set brport0 up
a ip link set brport1 up
a ip link set br0 up
a ip addr add 10.232.0.1/24 dev br0
a ip link add br1 type bridge
a ip link set br1 up
a ip addr add 10.234.0.1/24 dev br1
a ip link add vxlan0 type vxlan id 42 dstport 8472 local 10.231.0.1 remote 10.231.0.2 dev veth0
a ip link set vxlan0 up
a ip addr add 10.233.0.1/24 dev vxlan0
b ip link add vxlan0 type vxlan id 42 dstport 8472 local 10.231.0.2 remote 10.231.0.1 dev veth1
b ip link set vxlan0 up
b ip addr add 10.233.0.2/24 dev vxlan0
# B routes 10.250.0.0/24 out of a 1300-MTU veth: A's DF pings get "fragmentation needed" back
b sysctl -qw net.ipv4.ip_forward=1
b ip link add small0 mtu 1300 type veth peer name small1 mtu 1300
b ip link set small0 up
b ip link set small1 up
b ip addr add 10.250.0.1/24 dev small0
a ip route add 10.250.0.0/24 via 10.231.0.2
a ip route add 10.241.0.0/16 via 10.231.0.2 mtu 1450
a ip route add 10.242.0.0/16 via 10.231.0.2 mtu lock 1400 proto static
a ip route add 10.244.0.0/16 dev br1

a sysctl -qw net.core.somaxconn=128
a sysctl -qw net.ipv4.ip_local_port_range="20000 40000"
a sysctl -qw net.ipv4.tcp_syn_retries=3
a sysctl -qw net.ipv4.tcp_tw_reuse=0

# an HTTP server, and a listener that never accepts (backlog 2) to overflow its accept queue
ip netns exec "$A" timeout 120 python3 -m http.server --bind 10.231.0.1 8080 >/dev/null 2>&1 &
PIDS+=($!)
ip netns exec "$A" timeout 120 python3 -c '
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.231.0.1", 9000))
s.listen(2)
time.sleep(110)
' &
PIDS+=($!)
for _ in $(seq 1 50); do
  if a ss -ltnH | grep -q ':8080' && a ss -ltnH | grep -q ':9000'; then break; fi
  sleep 0.1
done

for _ in 1 2 3 4 5; do b curl -s -o /dev/null --max-time 2 http://10.231.0.1:8080/ || true; done
b ping -c 2 -W 1 10.233.0.1 >/dev/null || true
# connections to the non-accepting listener: the first ones fill the queue, the rest overflow it
for _ in $(seq 1 6); do
  ip netns exec "$B" timeout 3 python3 -c '
import socket
s = socket.socket(); s.settimeout(2)
try:
    s.connect(("10.231.0.1", 9000)); s.recv(1)
except Exception:
    pass
' &
  PIDS+=($!)
done
# PMTU: DF pings of 1400 bytes towards B's 1300-MTU link
a ping -M do -s 1400 -c 2 -W 1 10.250.0.5 >/dev/null 2>&1 || true
sleep 2.5

# NAT and filter rules: nft (a NodePort-style dnat, masquerade, an ICMP drop) and iptables-nft (kube-proxy style)
a nft -f - <<'NFT'
table ip nmnat {
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    tcp dport 30080 dnat to 10.231.0.1:8080
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "veth0" ip saddr 10.232.0.0/24 masquerade
  }
}
table inet nmfilter {
  chain input {
    type filter hook input priority filter; policy accept;
    icmp type destination-unreachable drop
    tcp dport 23 drop
  }
}
NFT
a iptables -t nat -N KUBE-NODEPORTS
a iptables -t nat -N KUBE-SERVICES
a iptables -t nat -N KUBE-EXT-NMSYS
a iptables -t nat -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
a iptables -t nat -A KUBE-SERVICES -m comment --comment "kubernetes service nodeports" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
a iptables -t nat -A KUBE-NODEPORTS -p tcp -m comment --comment "default/web:http" -m tcp --dport 30081 -j KUBE-EXT-NMSYS
a iptables -t nat -A KUBE-EXT-NMSYS -p tcp -m tcp -j DNAT --to-destination 10.231.0.1:8080
a iptables -t nat -A POSTROUTING -s 10.232.0.0/24 -o veth0 -j MASQUERADE
a iptables -A INPUT -p icmp -m icmp --icmp-type 3/4 -j DROP
a iptables -A INPUT -p tcp -m tcp --dport 24 -j DROP
a iptables -A FORWARD -s 10.232.0.0/24 -j ACCEPT
b curl -s -o /dev/null --max-time 2 http://10.231.0.1:30080/ || true

export NSTAT_HISTORY="$TMP/nstat.history"
save() { local name=$1; shift; "$@" > "$OUT/$name" || true; }

save sysctl-a.txt a sh -c 'sysctl -a 2>&1'
save sysctl-somaxconn.txt a sysctl net.core.somaxconn
save proc-net-netstat.txt a cat /proc/net/netstat
save proc-net-snmp.txt a cat /proc/net/snmp
save proc-net-snmp6.txt a cat /proc/net/snmp6
save proc-net-sockstat.txt a cat /proc/net/sockstat
save proc-net-sockstat6.txt a cat /proc/net/sockstat6
save proc-net-tcp.txt a cat /proc/net/tcp
save proc-net-tcp6.txt a cat /proc/net/tcp6
save proc-net-dev.txt a cat /proc/net/dev
save proc-net-softnet_stat.txt a cat /proc/net/softnet_stat
save nstat-az.txt a nstat -az
rm -f "$NSTAT_HISTORY"
save nstat-a.txt a nstat -a
rm -f "$NSTAT_HISTORY"
save nstat-j.txt a nstat -j -a
save netstat-s.txt a netstat -s
save netstat-ant.txt a netstat -ant
save netstat-lnp.txt a netstat -lnp
save ss-ltn.txt a ss -ltn
save ss-ltnp.txt a ss -ltnp
save ss-lntu.txt a ss -lntu
save ss-tan.txt a ss -tan
save ss-tanpie.txt a ss -tanpie
save ss-s.txt a ss -s
save ip-d-link.txt a ip -d link
save ip-j-d-link.json a ip -j -d link
save ip-addr.txt a ip addr
save ip-j-addr.json a ip -j addr
save ip-route.txt a ip route
save ip-j-route.json a ip -j route
save ip-route-table-all.txt a ip route show table all
save ip-route-get.txt a ip route get 10.233.0.2
save ip-route-get-pmtu.txt a ip route get 10.250.0.5
save ip-route-cache.txt a ip route show cache
save ip-neigh.txt a ip neigh
save conntrack-S.txt a conntrack -S
save proc-net-stat-nf_conntrack.txt a cat /proc/net/stat/nf_conntrack
save nf_conntrack_count a cat /proc/sys/net/netfilter/nf_conntrack_count
save nf_conntrack_max a cat /proc/sys/net/netfilter/nf_conntrack_max
save uname-r.txt uname -r
save uname-a.txt uname -a
save proc-version.txt cat /proc/version
save nft-list-ruleset.txt a nft list ruleset
save iptables-save.txt a iptables-save
save iptables-nat-nvL.txt a iptables -t nat -nvL
save iptables-nvL.txt a iptables -nvL

date -u +%Y-%m-%dT%H:%M:%SZ > "$TMP/date"
echo "recorded $(cat "$TMP/date") on kernel $(uname -r)"
du -sh "$OUT"
