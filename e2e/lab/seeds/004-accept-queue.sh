#!/usr/bin/env bash
# Records the parts of seed 004's evidence ("神秘的溢出与丢包": an nginx pod whose worker is blocked on NFS,
# accept queue overflowing) that this machine can produce, into
# lib/analysis/diagnosis/testdata/seeds/004-accept-queue/nginx-pod/. See that folder's README.md.
#
#   client 10.0.0.3/24 (another node) ── veth ── 172.26.0.8/26 nginx-pod (eth0, mtu 1500)
#
# nginx-pod: net.core.somaxconn=128 (the pre-5.4 default the seed's `man listen` quotes), nginx with its
# default backlog (511 on Linux) listening on :80, its only worker stopped (SIGSTOP) the way a worker
# blocked in an NFS read stops accepting; a bounded burst of 300 connects (6 s) from the client.
source "$(dirname "$0")/../lib.sh"
SEED="$(cd "$LAB_DIR/../.." && pwd)/lib/analysis/diagnosis/testdata/seeds/004-accept-queue"
H=nginx-pod
D="$SEED/$H"
mkdir -p "$D"

host_add client "$H"
link_veth client eth0 "$H" eth0
addr client eth0 10.0.0.3/24
addr "$H" eth0 172.26.0.8/26
ip -n "$(ns client)" route add 172.26.0.0/26 dev eth0
ip -n "$(ns "$H")" route add 10.0.0.0/24 dev eth0
on "$H" sysctl -qw net.core.somaxconn=128

mkdir -p "$LAB_WORK/www"
echo ok >"$LAB_WORK/www/index.html"
nginx_start "$H" web "
  server {
    listen 80;
    root $LAB_WORK/www;
  }"
MASTER=$LAB_LAST_PID
wait_listen "$H" 80
WORKER="$(pgrep -P "$MASTER" -f 'nginx: worker' | head -1)"
[ -n "$WORKER" ] || { lab_log "no nginx worker"; exit 1; }
lab_on_exit "kill -CONT $WORKER; kill $WORKER"
kill -STOP "$WORKER"

collect_before "$H" "$SEED"
on client python3 "$LAB_DIR/tools/burst.py" 172.26.0.8 80 300 6 $'GET /images/1.png HTTP/1.1\r\nHost: img\r\n\r\n' >&2
collect_bundle "$H" "$SEED" 10.0.0.3
# files this seed's evidence does not include (conntrack/netfilter state of an empty pod netns)
rm -f "$D"/conntrack-S-*.txt "$D/nf_conntrack-stat.txt"
lab_log "recorded into $D"
