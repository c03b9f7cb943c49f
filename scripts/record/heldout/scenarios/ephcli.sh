#!/usr/bin/env bash
# Held-out: source-port exhaustion in an application without connection pooling (no proxy): a worker opens a
# short connection per job to its database port and closes it itself, so every one leaves a TIME-WAIT socket;
# its host has a 16-port ephemeral range. After 16 connections, connect() fails at once with EADDRNOTAVAIL.
#
#   worker 10.221.0.5 ── veth ── 10.221.0.2 db (:5432, a line server)
#   worker: net.ipv4.ip_local_port_range = 45000 45015, tcp_tw_reuse = 0
#
# Recorded on worker: the application's log (Python logging, errno text, a traceback), ss -s, ss -tan state
# time-wait, sysctl -a, sysctl -n of the range, nstat -az after, a curl to the same port (its error), uname -r.
#
# usage: ephcli.sh OUTDIR   → OUTDIR/{worker,db}/…
source "$(dirname "$0")/../lib.sh"
OUT="${1:?usage: $0 OUTDIR}"
mkdir -p "$OUT/worker" "$OUT/db" && OUT="$(cd "$OUT" && pwd)"

host_add worker db
link_veth worker eth0 db eth0
addr worker eth0 10.221.0.5/24
addr db eth0 10.221.0.2/24
on worker sysctl -qw net.ipv4.ip_local_port_range="45000 45015"
on worker sysctl -qw net.ipv4.tcp_tw_reuse=0
lab_bg db "$LAB_WORK/db.log" python3 "$HELD_TOOLS/line_server.py" 10.221.0.2 5432 40
wait_listen db 5432

NSTAT_HISTORY="$LAB_WORK/nstat-w1" rec "$OUT/worker/nstat-before.txt" on worker nstat -az
rec "$OUT/worker/app.log" on worker python3 "$HELD_TOOLS/db_client.py" 10.221.0.2 5432 40
rec2 "$OUT/worker/curl.txt" on worker curl -sS --max-time 3 telnet://10.221.0.2:5432
rec2 "$OUT/worker/curl-v.txt" on worker curl -v --max-time 3 http://10.221.0.2:5432/
NSTAT_HISTORY="$LAB_WORK/nstat-w2" rec "$OUT/worker/nstat-after.txt" on worker nstat -az
rec "$OUT/worker/ss-s.txt" on worker ss -s
rec "$OUT/worker/ss-tan-tw.txt" on worker ss -tan state time-wait
rec "$OUT/worker/ss-tan.txt" on worker ss -tan
rec "$OUT/worker/sysctl-a.txt" on worker sysctl -a
rec "$OUT/worker/sysctl-n-range.txt" on worker sysctl -n net.ipv4.ip_local_port_range
rec "$OUT/worker/netstat-an.txt" on worker netstat -ant
rec "$OUT/worker/uname-r.txt" uname -r
grep -c . "$OUT/worker/ss-tan-tw.txt" >&2 || true
tail -n 3 "$OUT/worker/app.log" >&2
lab_log "done: $OUT"
