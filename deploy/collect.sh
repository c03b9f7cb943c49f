#!/bin/sh
# netmortem collect.sh: this host's network evidence into a bundle, for hosts without Node (POSIX sh, coreutils and
# the usual tools: ip, ss, sysctl, conntrack, iptables-save, nft, dmesg, tcpdump, tar, gzip; whatever is missing is
# skipped and said so). It writes what `netmortem collect` writes: one folder named after the host, the same files
# under the same names (lib/agent/collect.ts; collect.test.ts checks the two lists agree). Read-only: it changes
# nothing on the host (every command is a listing; no sysctl is written).
#
#   curl -fsS https://NETMORTEM/collect.sh | sudo sh -s -- -o /tmp/bundle.tar.gz
#   sudo sh collect.sh -o bundle.tar.gz [-H host] [-i 10] [-c eth0 [-s 30] [-f 'tcp port 443']]
#
#   -o FILE   the bundle to write (.tar.gz; required)
#   -H NAME   the host folder's name (default: $NODE_NAME, else hostname)
#   -i SECS   seconds between the two counter readings (default 10; 0: one reading)
#   -c IFACE  capture on IFACE between the two readings (tcpdump), kept as capture-IFACE.pcap
#   -s SECS   capture length (default 30)
#   -f BPF    tcpdump filter
# Redact the bundle afterwards, where the netmortem command is installed: netmortem redact bundle.tar.gz -o out.tar.gz
set -u
LC_ALL=C
export LC_ALL

out="" host="${NODE_NAME:-}" interval=10 iface="" csecs=30 filter=""
usage() { sed -n '2,17p' "$0" 2>/dev/null | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "o:H:i:c:s:f:h" opt; do
  case "$opt" in
    o) out="$OPTARG" ;;
    H) host="$OPTARG" ;;
    i) interval="$OPTARG" ;;
    c) iface="$OPTARG" ;;
    s) csecs="$OPTARG" ;;
    f) filter="$OPTARG" ;;
    *) usage ;;
  esac
done
[ -n "$out" ] || { echo "collect.sh: -o bundle.tar.gz is required" >&2; usage; }
[ -n "$host" ] || host="$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
case "$host" in *[!A-Za-z0-9._-]* | "" | [!A-Za-z0-9]*) echo "collect.sh: '$host' is not a host name (-H)" >&2; exit 2 ;; esac
case "$interval" in *[!0-9]* | "") echo "collect.sh: -i needs whole seconds" >&2; exit 2 ;; esac
case "$csecs" in *[!0-9]* | "") echo "collect.sh: -s needs whole seconds" >&2; exit 2 ;; esac

work="$(mktemp -d "${TMPDIR:-/tmp}/netmortem-collect.XXXXXX")" || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
dir="$work/$host"
mkdir -p "$dir"
notes="$dir/netmortem-collect.txt"
echo "netmortem collect.sh on $host, kernel $(uname -r), started $(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$notes"
MAXLINES=20000
# kernel log lines about networking: the same expression as lib/agent/collect.ts KERNEL_NET_LOG_ERE
KERNEL_NET_LOG='martian|nf_conntrack|conntrack|dropping packet|SYN flooding|possible SYN|TCP: |IPv4: |IPv6: |neighbour|NETDEV|link (is )?(up|down)|Link is|carrier|vxlan|bridge|veth|bond|mtu|MTU|rp_filter|nf_tables|xt_|iptables|ip_tables|net_ratelimit|callbacks suppressed|eth[0-9]|ens[0-9]|enp[0-9]'

have() { command -v "$1" >/dev/null 2>&1; }

# rec NAME COMMAND-TEXT CMD… → CMD's standard output into NAME; a missing tool or an empty failing command is
# skipped (and said so in netmortem-collect.txt) rather than left as an empty file
rec() {
  name="$1" shown="$2"
  shift 2
  if ! have "$1"; then
    echo "skipped  $shown: $1 is not installed" >>"$notes"
    return 0
  fi
  if "$@" >"$dir/$name" 2>"$work/err"; then
    echo "ok       $name: $shown" >>"$notes"
  elif [ -s "$dir/$name" ]; then
    echo "ok       $name: $shown (exit non-zero)" >>"$notes"
  else
    echo "skipped  $shown: $(head -c 200 "$work/err" | tr '\n' ' ')" >>"$notes"
    rm -f "$dir/$name"
  fi
}

# file NAME PATH [optional] → a copy of a /proc file
file() {
  if [ -r "$2" ]; then
    cat "$2" >"$dir/$1" && echo "ok       $1: cat $2" >>"$notes"
  else
    echo "skipped  cat $2: $2 does not exist here" >>"$notes"
  fi
}

# drop_empty NAME → an empty ruleset or log says nothing: no file
drop_empty() { [ -s "$dir/$1" ] || rm -f "$dir/$1"; }

# bounded NAME MAX → keep the first MAX lines (socket and neighbour lists)
bounded() {
  if [ -f "$dir/$1" ] && [ "$(wc -l <"$dir/$1")" -gt "$(($2 + 1))" ]; then
    head -n "$2" "$dir/$1" >"$work/cut" && mv "$work/cut" "$dir/$1"
    echo "         $1 cut at $2 lines" >>"$notes"
  fi
}

# counters SUFFIX → one reading of the kernel counters
counters() {
  s="$1"
  file "proc-net-netstat$s.txt" /proc/net/netstat
  file "proc-net-snmp$s.txt" /proc/net/snmp
  file "proc-net-snmp6$s.txt" /proc/net/snmp6
  file "proc-net-sockstat$s.txt" /proc/net/sockstat
  file "proc-net-dev$s.txt" /proc/net/dev
  file "nf_conntrack-stat$s.txt" /proc/net/stat/nf_conntrack
  rec "conntrack-S$s.txt" "conntrack -S" conntrack -S
}

# sysctl -a without the sysctl tool: /proc/sys read directly, in sysctl's format
procsys() {
  for top in fs kernel net vm; do
    find "/proc/sys/$top" -type f 2>/dev/null | sort | while read -r f; do
      v="$(cat "$f" 2>/dev/null | tr -s '\t\n ' '   ')" || continue
      k="$(echo "${f#/proc/sys/}" | tr / .)"
      echo "$k = ${v% }"
    done
  done
}

suffix_before="" suffix_after=""
if [ "$interval" -gt 0 ] || [ -n "$iface" ]; then
  suffix_before="-before" suffix_after="-after"
  counters "$suffix_before"
fi
if [ -n "$iface" ]; then
  if have tcpdump; then
    echo "collect.sh: capturing on $iface for $csecs s" >&2
    # -B 8192 -U without --immediate-mode (whose ring drops under bursts); bounded in packets and time
    # shellcheck disable=SC2086
    tcpdump -i "$iface" -s 0 -B 8192 -U -n -c 1000000 -w "$dir/capture-$iface.pcap" $filter 2>"$work/tcpdump.log" &
    tpid=$!
    sleep "$csecs"
    sleep 1.2 2>/dev/null || sleep 1
    kill -INT "$tpid" 2>/dev/null
    wait "$tpid" 2>/dev/null
    echo "ok       capture-$iface.pcap: tcpdump -i $iface $filter for $csecs s ($(grep -E 'packets (captured|received|dropped)' "$work/tcpdump.log" | tr '\n' ',' | sed 's/,$//'))" >>"$notes"
    [ -s "$dir/capture-$iface.pcap" ] || rm -f "$dir/capture-$iface.pcap"
  else
    echo "skipped  tcpdump -i $iface: tcpdump is not installed" >>"$notes"
  fi
elif [ "$interval" -gt 0 ]; then
  echo "collect.sh: waiting $interval s for the second counter reading" >&2
  sleep "$interval"
fi

counters "$suffix_after"
uname -r >"$dir/uname-r.txt" && echo "ok       uname-r.txt: uname -r" >>"$notes"
if have sysctl; then
  rec sysctl-a.txt "sysctl -a" sysctl -a
else
  procsys >"$dir/sysctl-a.txt" && echo "ok       sysctl-a.txt: /proc/sys (no sysctl tool)" >>"$notes"
fi
rec ss-s.txt "ss -s" ss -s
rec ss-ltn.txt "ss -ltn" ss -ltn
rec ss-tan.txt "ss -tan" ss -tan
bounded ss-tan.txt "$MAXLINES"
rec ip-d-link.txt "ip -d link" ip -d link
rec ip-j-d-link.json "ip -j -d link" ip -j -d link
rec ip-addr.txt "ip addr" ip addr
rec ip-route.txt "ip route" ip route
rec ip-rule.txt "ip rule" ip rule
rec ip-neigh.txt "ip neigh" ip neigh
bounded ip-neigh.txt "$MAXLINES"
rec iptables-save-nat.txt "iptables-save -t nat" iptables-save -t nat
drop_empty iptables-save-nat.txt
rec nft-list-ruleset.txt "nft list ruleset" nft list ruleset
drop_empty nft-list-ruleset.txt
if have dmesg && dmesg >"$work/dmesg" 2>/dev/null; then
  grep -E "$KERNEL_NET_LOG" "$work/dmesg" | tail -n 2000 >"$dir/dmesg-net.txt"
  echo "ok       dmesg-net.txt: dmesg" >>"$notes"
  drop_empty dmesg-net.txt
else
  echo "skipped  dmesg: not readable here" >>"$notes"
fi

umask 077
tar -czf "$out" -C "$work" "$host" || { echo "collect.sh: could not write $out" >&2; exit 1; }
echo "collect.sh: wrote $out ($(find "$dir" -type f | wc -l) files)" >&2
