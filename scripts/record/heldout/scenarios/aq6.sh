#!/usr/bin/env bash
# Held-out: accept queue overflow over IPv6, another port, another somaxconn and backlog than the lab's.
#
#   lb fd10:218::2/64 ── veth ── fd10:218::1/64 api   (api: somaxconn 32, a listener on [fd10:218::1]:9443
#                                                      with listen(64) that never accepts)
#
# A burst of 150 connections from lb fills the queue (min(64, 32) = 32). Recorded on api: nstat in its default
# mode (increments since its previous run: a first run before the burst, a second after), ss -ltnp with the
# process column, netstat -s, sysctl -a, /proc/uptime, tcpdump -i any with -tttt; on lb: curl -v of one more
# request (its verbose log). Also a script(1) terminal session on api (the shape of a pasted terminal log).
#
# usage: aq6.sh OUTDIR   → OUTDIR/{api,lb}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT/api" "$OUT/lb" && OUT="$(cd "$OUT" && pwd)"

host_add lb api
link_veth lb eth0 api eth0
addr6 lb eth0 fd10:218::2/64
addr6 api eth0 fd10:218::1/64
on api sysctl -qw net.core.somaxconn=32
lab_bg api "$LAB_WORK/listener.log" python3 "$HELD_TOOLS/listener.py" fd10:218::1 9443 64 45 stalled
wait_listen api 9443

export NSTAT_HISTORY="$LAB_WORK/nstat-api.hist"
rec "$OUT/api/nstat-1.txt" on api nstat
rec "$OUT/api/netstat-s-before.txt" on api netstat -s
date -u >"$OUT/api/date-before.txt"
capture_start api any "$OUT/api/any.pcap" tcp port 9443
on lb python3 "$HELD_TOOLS/burst.py" fd10:218::1 9443 150 6 $'GET /healthz HTTP/1.1\r\nHost: api\r\n\r\n' >&2
rec2 "$OUT/lb/curl-v.txt" on lb curl -v -g --max-time 5 "http://[fd10:218::1]:9443/v1/orders"
date -u >"$OUT/api/date-after.txt"
rec "$OUT/api/nstat-2.txt" on api nstat
rec "$OUT/api/netstat-s-after.txt" on api netstat -s
rec "$OUT/api/ss-ltnp.txt" on api ss -ltnp
rec "$OUT/api/ss-ltn-sport.txt" on api ss -ltn "sport = :9443"
rec "$OUT/api/sysctl-a.txt" on api sysctl -a
rec "$OUT/api/uptime.txt" on api cat /proc/uptime
rec "$OUT/api/uname-a.txt" as api api-7f9c uname -a
rec "$OUT/api/ip-6-addr.txt" ip -n "$(ns api)" -6 addr
# a real sosreport archive of api at the same moment, as sos writes it by default (.tar.xz)
[ -n "${HELD_SOS:-1}" ] && sos_archive api api-7f9c "$OUT/api-sos"
session api api-7f9c "$OUT/api/typescript.txt" "uptime" "ss -ltn 'sport = :9443'" "nstat -az | grep -i -E 'listen|synretrans'" "sysctl net.core.somaxconn net.ipv4.tcp_max_syn_backlog"
capture_stop "$CAPTURE_PID" "$OUT/api/any.pcap" "$OUT/api/tcpdump-any.txt"
# -i any stores interface indexes: render inside the namespace so they name its interfaces
on api tcpdump -nn -r "$OUT/api/any.pcap" >"$OUT/api/tcpdump-any.txt" 2>/dev/null || true
on api tcpdump -nn -tttt -r "$OUT/api/any.pcap" 2>/dev/null | head -400 >"$OUT/api/tcpdump-any-tttt.txt" || true
rm -f "$OUT/api/any.pcap"
lab_log "done: $OUT"
