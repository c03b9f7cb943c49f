#!/usr/bin/env bash
# Held-out: reverse-path filtering strict on one interface only (conf.all.rp_filter=0, conf.ens4.rp_filter=1),
# other interface names and addresses than the lab; then the same topology with loose mode (2) on ens4, where
# the same requests succeed (a healthy host that looks risky).
#
#   client 10.219.8.9 and 10.219.8.140 ── ens4 10.219.8.1 [gw-node] ens5 10.219.9.1 ── 10.219.9.2 mgmt-gw
#   gw-node has `10.219.8.128/25 via 10.219.9.2 dev ens5` (a more specific route out the other interface)
#
# Strict: requests from 10.219.8.140 arrive on ens4, whose best reverse route is ens5: dropped
# (TcpExtIPReversePathFilter rises, martians logged), from 10.219.8.9 they pass. Loose: both pass.
# Recorded on gw-node: sysctl -a, nstat -az before/after, netstat -s, ip route, ip route get … from … iif ens4,
# martian lines (dmesg --time-format=iso); on client: curl timings. Variant outputs in OUTDIR/loose/…
#
# usage: rpif.sh OUTDIR   → OUTDIR/strict/{client,gw-node}/…, OUTDIR/loose/{client,gw-node}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"

host_add client gw-node mgmt-gw
link_veth client eth0 gw-node ens4
link_veth gw-node ens5 mgmt-gw eth0
addr client eth0 10.219.8.9/24
addr client eth0 10.219.8.140/24
addr gw-node ens4 10.219.8.1/24
addr gw-node ens5 10.219.9.1/24
addr mgmt-gw eth0 10.219.9.2/24
on gw-node sysctl -qw net.ipv4.conf.all.rp_filter=0
on gw-node sysctl -qw net.ipv4.conf.default.rp_filter=0
on gw-node sysctl -qw net.ipv4.conf.all.log_martians=1
ip -n "$(ns gw-node)" route add 10.219.8.128/25 via 10.219.9.2 dev ens5

lab_file metrics 400
(cd "$LAB_WORK/www" && lab_bg gw-node "$LAB_WORK/http.log" python3 "$HELD_TOOLS/http_server.py" 0.0.0.0 9100 50)
wait_listen gw-node 9100

run() { # MODE
  local m="$1" d="$OUT/$1"
  mkdir -p "$d/gw-node" "$d/client"
  on gw-node sysctl -qw "net.ipv4.conf.ens4.rp_filter=$([ "$m" = strict ] && echo 1 || echo 2)"
  local t0
  t0="$(lab_uptime)"
  NSTAT_HISTORY="$LAB_WORK/nstat-$m-1" rec "$d/gw-node/nstat-az-before.txt" on gw-node nstat -az
  {
    for src in 10.219.8.9 10.219.8.140 10.219.8.9 10.219.8.140; do
      on client curl -sS -o /dev/null --max-time 4 --interface "$src" -w "$src → %{http_code} in %{time_total}s\n" http://10.219.8.1:9100/metrics 2>&1 || true
    done
  } >"$d/client/curl.txt"
  NSTAT_HISTORY="$LAB_WORK/nstat-$m-2" rec "$d/gw-node/nstat-az-after.txt" on gw-node nstat -az
  rec "$d/gw-node/netstat-s.txt" on gw-node netstat -s
  rec "$d/gw-node/sysctl-a.txt" on gw-node sysctl -a
  rec "$d/gw-node/ip-route.txt" ip -n "$(ns gw-node)" route
  rec2 "$d/gw-node/ip-route-get-from.txt" ip -n "$(ns gw-node)" route get 10.219.8.1 from 10.219.8.140 iif ens4
  rec "$d/gw-node/ip-addr.txt" ip -n "$(ns gw-node)" addr
  rec "$d/gw-node/uname-r.txt" uname -r
  sleep 0.5
  kernel_log_iso "$t0" 'martian source 10\.219\.8\.1 from 10\.219\.8\.140' "$d/gw-node/dmesg-iso.txt"
  kernel_log_since "$t0" 'martian source 10\.219\.8\.1 from 10\.219\.8\.140' "$d/gw-node/dmesg.txt"
  cat "$d/client/curl.txt" >&2
}
run strict
run loose
lab_log "done: $OUT"
