#!/usr/bin/env bash
# Records REAL kernel log lines for the kernel-log parser's tests: a SYN flood warning and a martian
# source, provoked inside two network namespaces this script creates (deleted on exit, also on failure).
#   client 10.232.0.1/24 -- veth -- 10.232.0.2/24 server (listener on :80, backlog 1, never accepts)
# - SYN flood: the client sends SYNs from addresses nobody owns (raw socket, 10.232.0.100-119); the
#   server's SYN-ACKs go unanswered, its SYN queue fills, and the kernel logs "Possible SYN flooding".
# - martian: with log_martians=1 in the server namespace, a packet from 127.0.0.1 arriving on eth0.
# The kernel log is the host's (dmesg is not per namespace): only lines this run caused are kept, found
# by the marker addresses/ports, in the three formats people paste: `dmesg`, `dmesg -T`, `journalctl -k`.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
OUT="$(cd "$(dirname "$0")/../.." && pwd)/lib/analysis/evidence/testdata/recorded/kernel"
mkdir -p "$OUT"
C=nmrec-kc S=nmrec-ks
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.2
  ip netns del $C 2>/dev/null || true; ip netns del $S 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
ip netns add $C; ip netns add $S
ip link add nmrec-kc0 type veth peer name nmrec-ks0
ip link set nmrec-kc0 netns $C; ip link set nmrec-ks0 netns $S
ip -n $C link set nmrec-kc0 name eth0; ip -n $S link set nmrec-ks0 name eth0
ip -n $C addr add 10.232.0.1/24 dev eth0; ip -n $C link set eth0 up; ip -n $C link set lo up
ip -n $S addr add 10.232.0.2/24 dev eth0; ip -n $S link set eth0 up; ip -n $S link set lo up
ip netns exec $S sysctl -qw net.ipv4.conf.all.log_martians=1 net.ipv4.conf.eth0.log_martians=1 net.ipv4.tcp_syncookies=1
SINCE=$(date '+%Y-%m-%d %H:%M:%S')
cat > "$WORK/listen.py" <<'PY'
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.232.0.2", 80)); s.listen(1); time.sleep(20)
PY
ip netns exec $S python3 "$WORK/listen.py" & PIDS+=($!)
for _ in $(seq 50); do ip netns exec $S ss -ltn | grep -q '10.232.0.2:80 ' && break; sleep 0.1; done
cat > "$WORK/raw.py" <<'PY'
import socket, struct
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
def ip(src, dst, payload, proto=6):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
def syn(src, dst, sport, dport):
    t = struct.pack("!HHIIBBHHH", sport, dport, 1000 + sport, 0, 5 << 4, 0x02, 64240, 0, 0)
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(t))
    return t[:16] + struct.pack("!H", csum(ph + t)) + t[18:]
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for i in range(20):
    src = "10.232.0.%d" % (100 + i)
    r.sendto(ip(src, "10.232.0.2", syn(src, "10.232.0.2", 40000 + i, 80)), ("10.232.0.2", 0))
icmp = struct.pack("!BBHHH", 8, 0, 0, 1, 1); icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
r.sendto(ip("127.0.0.1", "10.232.0.2", icmp, proto=1), ("10.232.0.2", 0))
PY
# the neighbour entries for the unowned sources must resolve somewhere: point them at the client's MAC
MAC=$(ip -n $C -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
for i in $(seq 100 119); do ip -n $S neigh replace 10.232.0.$i lladdr "$MAC" dev eth0; done
ip netns exec $C python3 "$WORK/raw.py"
sleep 1
PAT='SYN flooding on port (10\.232\.0\.2:)?80\b|martian source 10\.232\.0\.2 from 127\.0\.0\.1|ll header: '
dmesg | grep -E "$PAT" | tail -n 6 > "$OUT/dmesg.txt" || true
dmesg -T | grep -E "$PAT" | tail -n 6 > "$OUT/dmesg-T.txt" || true
journalctl -k --since "$SINCE" --no-pager 2>/dev/null | grep -E "$PAT" > "$OUT/journalctl-k.txt" || true
[ -s "$OUT/journalctl-k.txt" ] || rm -f "$OUT/journalctl-k.txt"  # no journald on this machine
wc -l "$OUT"/*
