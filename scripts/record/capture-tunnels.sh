#!/usr/bin/env bash
# Records HTTP downloads and pings through every tunnel kind the capture engine decapsulates besides
# VXLAN/Geneve, captured on the underlay: IP in IP (IPv4 in IPv4, IPv6 in IPv4 as sit does, IPv4 in IPv6 as
# ip6tnl does), GRE with a key over IPv4 and over IPv6, gretap (Ethernet in GRE), GRE in GRE, and two ERSPAN
# sessions (type II and type III) mirroring a third host's HTTP downloads. Plus IGMP membership reports (a
# protocol the engine does not decode: undecodedProtocols).
#
# This kernel has no tunnel drivers (ipip, sit, ip6_tunnel, ip_gre are not built), so the tunnel endpoints are
# scripts/record/tunnel-endpoint.py: TUN/TAP devices whose packets it wraps in the tunnel headers and sends
# through raw IP sockets (see its header). Everything inside the tunnels is the kernel's own traffic (curl,
# python3 http.server, ping), and the outer IP headers are the kernel's.
#
# Namespaces: A (client, underlay 10.250.0.1 / fd50::1) and B (server, 10.250.0.2 / fd50::2) joined by a veth;
# C (10.252.0.2) downloads from A over another veth, whose frames A's endpoint mirrors to B as ERSPAN. The
# tunnels' outer packets carry DF and their devices the MTU Linux would give them; the mirror's do not carry DF,
# so the kernel fragments mirrored full-size frames (1514 + 16 bytes of GRE and ERSPAN + 20 > 1500): the
# capture holds first fragments whose inner frame continues in the next one.
# Output: lib/analysis/capture/testdata/tunnels-gre-ipip-erspan.pcap (B's underlay). Needs python3, curl, ping
# (iputils-ping), tcpdump.
source "$(dirname "$0")/capture-lib.sh"
need_root python3 curl ping
A="nmrectun-a-$$"; B="nmrectun-b-$$"; C="nmrectun-c-$$"
new_ns "$A"; new_ns "$B"; new_ns "$C"
veth_pair ul-a "$A" 10.250.0.1 ul-b "$B" 10.250.0.2
ip -n "$A" -6 addr add fd50::1/64 dev ul-a nodad
ip -n "$B" -6 addr add fd50::2/64 dev ul-b nodad
veth_pair mir-a "$A" 10.252.0.1 mir-c "$C" 10.252.0.2
EP="$(dirname "$0")/tunnel-endpoint.py"

# NAME KIND KEY INNER-A INNER-B MTU (inner addresses: /30, /64 for IPv6, /24 for the TAP; the MTU Linux gives
# such a device over a 1500-byte underlay: 1500 minus the outer IP header, GRE header and key, Ethernet header)
TUNNELS=(
  "tip ipip - 10.251.1.1/30 10.251.1.2/30 1480"
  "tsit sit - fd51:1::1/64 fd51:1::2/64 1480"
  "tgre gre 42 10.251.2.1/30 10.251.2.2/30 1472"
  "ttap gretap 7 10.251.3.1/24 10.251.3.2/24 1458"
  "t46 ip4ip6 - 10.251.4.1/30 10.251.4.2/30 1460"
  "t6g gre6 6 10.251.6.1/30 10.251.6.2/30 1452"
)
specs_a=(); specs_b=()
for t in "${TUNNELS[@]}"; do
  read -r dev kind k _ _ <<< "$t"
  key=""; [ "$k" != - ] && key=",$k"
  if [ "$kind" = ip4ip6 ] || [ "$kind" = gre6 ]; then la=fd50::1; lb=fd50::2; else la=10.250.0.1; lb=10.250.0.2; fi
  specs_a+=("$dev,$kind,$la,$lb$key"); specs_b+=("$dev,$kind,$lb,$la$key")
done
# GRE in GRE: its outer packets go through tgre
specs_a+=("tgg,gre,10.251.2.1,10.251.2.2,43"); specs_b+=("tgg,gre,10.251.2.2,10.251.2.1,43")
# ERSPAN: C's downloads from A, port 8081 as type II (session 123), port 8082 as type III (session 321)
specs_a+=("mirror,mir-a,10.250.0.1,10.250.0.2,123,2,8081" "mirror,mir-a,10.250.0.1,10.250.0.2,321,3,8082")
bg "$A" timeout 40 python3 "$EP" "${specs_a[@]}"
bg "$B" timeout 40 python3 "$EP" "${specs_b[@]}"
# the endpoints create the devices (python starts slowly on a busy machine)
for i in $(seq 1 50); do ip -n "$A" link show tgg >/dev/null 2>&1 && ip -n "$B" link show tgg >/dev/null 2>&1 && break; sleep 0.2; done
for t in "${TUNNELS[@]}" "tgg gre 43 10.251.5.1/30 10.251.5.2/30 1444"; do
  read -r dev _ _ addr_a addr_b mtu <<< "$t"
  for side in "$A $addr_a" "$B $addr_b"; do
    read -r ns addr <<< "$side"
    case "$addr" in *:*) nodad=nodad ;; *) nodad=""; ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1" ;; esac
    ip -n "$ns" link set "$dev" mtu "$mtu"
    ip -n "$ns" addr add "$addr" dev "$dev" $nodad
    ip -n "$ns" link set "$dev" up
  done
done
mkdir -p "$TMP/www"
head -c 20000 /dev/urandom > "$TMP/www/20k.bin"
chmod -R a+rX "$TMP"
http_server_dual "$B" "$TMP/www" 35 2>/dev/null
for port in 8081 8082; do bg "$A" timeout 35 python3 -m http.server --bind 10.252.0.1 --directory "$TMP/www" "$port" >/dev/null 2>&1; done
sleep 1
start_capture "$B" ul-b "$OUTDIR/tunnels-gre-ipip-erspan.pcap"
# IGMP: B joins a group on its underlay (membership reports), for 2 s
bg "$B" timeout 2 python3 -c '
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack("4s4s", socket.inet_aton("239.1.2.3"), socket.inet_aton("10.250.0.2")))
time.sleep(5)'
for target in 10.251.1.2 "[fd51:1::2]" 10.251.2.2 10.251.3.2 10.251.4.2 10.251.6.2 10.251.5.2; do
  ip netns exec "$A" curl -s -o /dev/null --max-time 10 -w "  curl $target: http %{http_code}, %{size_download} bytes\n" "http://$target:8080/20k.bin" || echo "  curl $target failed (exit $?)"
  ping_target="${target#[}"; ping_target="${ping_target%]}"
  ip netns exec "$A" ping -c 1 -W 2 "$ping_target" >/dev/null && echo "  ping $ping_target ok" || echo "  ping $ping_target failed"
done
for port in 8081 8082; do
  ip netns exec "$C" curl -s -o /dev/null --max-time 10 -w "  curl (mirrored) :$port: http %{http_code}, %{size_download} bytes\n" "http://10.252.0.1:$port/20k.bin"
done
stop_captures
ls -l "$OUTDIR"/tunnels-gre-ipip-erspan.pcap
