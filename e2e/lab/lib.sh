# shellcheck shell=bash
# Shared helpers for the lab reproductions (e2e/lab/scenarios/*.sh). Source it, do not run it.
#
# Everything a scenario creates lives in network namespaces named "$LAB_NS_PREFIX-<host>" that this
# library creates and deletes again on exit (also on failure or Ctrl-C): links are created directly inside
# those namespaces, so nothing is ever added to the root namespace and no packet can leave them.
# Processes are started through lab_bg and stopped by their own pid, never by name.

set -euo pipefail

[ "$(id -u)" = 0 ] || { echo "lab: needs root (network namespaces)" >&2; exit 2; }

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# short: interface names are limited to 15 characters and netns names show up in ip output
LAB_NS_PREFIX="${LAB_NS_PREFIX:-nml$$}"
LAB_WORK="$(mktemp -d "/tmp/netmortem-lab.XXXXXX")"
LAB_CLEANUP=()
LAB_PIDS=()

lab_log() { printf '[lab %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Registers a shell command to run at exit; commands run in reverse order of registration.
lab_on_exit() { LAB_CLEANUP+=("$1"); }

lab_cleanup() {
  local rc=$?
  set +e
  local p
  for p in "${LAB_PIDS[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null
  done
  sleep 0.2
  for p in "${LAB_PIDS[@]:-}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null
  done
  local i
  for ((i = ${#LAB_CLEANUP[@]} - 1; i >= 0; i--)); do
    eval "${LAB_CLEANUP[$i]}" >/dev/null 2>&1
  done
  rm -rf "$LAB_WORK"
  exit "$rc"
}
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

# ns NAME → the full namespace name for host NAME
ns() { printf '%s-%s' "$LAB_NS_PREFIX" "$1"; }

# on HOST CMD… → run CMD inside HOST's namespace
on() {
  local h="$1"
  shift
  ip netns exec "$(ns "$h")" "$@"
}

# host_add NAME… → create namespaces with loopback up, registered for deletion
host_add() {
  local h
  for h in "$@"; do
    ip netns add "$(ns "$h")"
    lab_on_exit "ip netns del '$(ns "$h")'"
    ip -n "$(ns "$h")" link set lo up
  done
}

# link_veth HOST_A IF_A HOST_B IF_B [MTU] → a veth pair created directly inside the two namespaces
link_veth() {
  local ha="$1" ia="$2" hb="$3" ib="$4" mtu="${5:-1500}"
  ip link add "$ia" netns "$(ns "$ha")" mtu "$mtu" type veth peer name "$ib" netns "$(ns "$hb")" mtu "$mtu"
  ip -n "$(ns "$ha")" link set "$ia" up
  ip -n "$(ns "$hb")" link set "$ib" up
}

# addr HOST IF CIDR
addr() { ip -n "$(ns "$1")" addr add "$3" dev "$2"; }

# bridge_add HOST NAME CIDR [MTU]
bridge_add() {
  local h="$1" br="$2" cidr="$3" mtu="${4:-1500}"
  ip -n "$(ns "$h")" link add "$br" type bridge
  ip -n "$(ns "$h")" link set "$br" mtu "$mtu" up
  [ -n "$cidr" ] && ip -n "$(ns "$h")" addr add "$cidr" dev "$br"
  return 0
}

# pod_add NODE BRIDGE POD POD_CIDR GATEWAY [MTU] → a pod-like namespace whose eth0 is a veth on NODE's
# bridge (the CNI bridge plugin's layout: vethXXXX master cni0 on the node, eth0 in the pod)
pod_add() {
  local node="$1" br="$2" pod="$3" cidr="$4" gw="$5" mtu="${6:-1500}"
  host_add "$pod"
  local hv="veth${pod//[^a-z0-9]/}"
  hv="${hv:0:15}"
  ip link add eth0 netns "$(ns "$pod")" mtu "$mtu" type veth peer name "$hv" netns "$(ns "$node")" mtu "$mtu"
  ip -n "$(ns "$node")" link set "$hv" master "$br" up
  ip -n "$(ns "$pod")" link set eth0 up
  ip -n "$(ns "$pod")" addr add "$cidr" dev eth0
  ip -n "$(ns "$pod")" route add default via "$gw"
}

# lab_bg HOST LOGFILE CMD… → start CMD in HOST's namespace in the background; its pid is killed at exit
lab_bg() {
  local h="$1" log="$2"
  shift 2
  ip netns exec "$(ns "$h")" "$@" >"$log" 2>&1 &
  LAB_PIDS+=($!)
  LAB_LAST_PID=$!
}

# lab_stop PID → stop one background process now (SIGINT first: tcpdump flushes its file on it)
lab_stop() {
  local p="$1" i
  kill -INT "$p" 2>/dev/null || return 0
  for i in $(seq 40); do
    kill -0 "$p" 2>/dev/null || { wait "$p" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

# wait_listen HOST PORT [TRIES] → wait until a TCP listener on PORT exists in HOST
wait_listen() {
  local h="$1" port="$2" tries="${3:-100}" i
  for ((i = 0; i < tries; i++)); do
    on "$h" ss -Hltn "sport = :$port" | grep -q . && return 0
    sleep 0.1
  done
  lab_log "no listener on :$port in $h"
  return 1
}

# capture_start HOST IFACE PCAP FILTER… → tcpdump -s 0 -w, waits until it is listening; sets CAPTURE_PID
capture_start() {
  local h="$1" ifc="$2" pcap="$3"
  shift 3
  local log="$LAB_WORK/tcpdump-$(basename "$pcap").log"
  lab_bg "$h" "$log" tcpdump -i "$ifc" -s 0 -B 8192 -U -w "$pcap" "$@"
  CAPTURE_PID=$LAB_LAST_PID
  local i
  for i in $(seq 50); do
    grep -q "listening on" "$log" 2>/dev/null && return 0
    sleep 0.1
  done
  lab_log "tcpdump did not start: $(cat "$log")"
  return 1
}

# capture_stop PID PCAP TEXT → stop tcpdump, then render the same packets as tcpdump text (-nn, default
# timestamps, the form people paste into tickets)
capture_stop() {
  local pid="$1" pcap="$2" text="$3"
  # without --immediate-mode (whose ring holds only a few 256 KiB slots at -s 0 and drops under a burst)
  # packets wait in a ring block for up to its timeout: let it expire before stopping
  sleep 1.2
  lab_stop "$pid"
  # tcpdump's own statistics ("N packets dropped by kernel") say whether the capture is complete
  lab_log "$(basename "$pcap"): $(tail -n 3 "$LAB_WORK/tcpdump-$(basename "$pcap").log" 2>/dev/null | tr '\n' ' ')"
  tcpdump -nn -r "$pcap" >"$text" 2>/dev/null
  # no packets: the pcap (a valid, empty capture) says so; an empty text file would say nothing
  [ -s "$text" ] || rm -f "$text"
}

# rec FILE CMD… → record CMD's stdout into FILE; a command that fails leaves no file (and says so on
# stderr) rather than an empty or half-written one
rec() {
  local f="$1"
  shift
  if ! "$@" >"$f.tmp" 2>"$f.err"; then
    if [ -s "$f.tmp" ]; then
      mv "$f.tmp" "$f" # e.g. sysctl -a exits non-zero over a few unreadable keys but prints the rest
    else
      lab_log "not recorded: $(basename "$f"): $* ($(head -c 200 "$f.err"))"
      rm -f "$f.tmp"
    fi
  else
    mv "$f.tmp" "$f"
  fi
  rm -f "$f.err"
}

# counters HOST DIR SUFFIX → one reading of the kernel counters (before or after the fault)
counters() {
  local h="$1" d="$2" s="$3"
  local n
  n="$(ns "$h")"
  mkdir -p "$d"
  rec "$d/proc-net-netstat-$s.txt" ip netns exec "$n" cat /proc/net/netstat
  rec "$d/proc-net-snmp-$s.txt" ip netns exec "$n" cat /proc/net/snmp
  # a private history file: nstat otherwise keeps state in /tmp or $HOME and would print deltas
  rec "$d/nstat-$s.txt" env NSTAT_HISTORY="$LAB_WORK/nstat-$h.hist" ip netns exec "$n" nstat -az
  rec "$d/netstat-s-$s.txt" ip netns exec "$n" netstat -s
  rec "$d/conntrack-S-$s.txt" ip netns exec "$n" conntrack -S
}

# LAB_AGENT=DIR: the node agent takes each reading instead of the lab's own commands (lib/agent/lab-agent.test.ts):
# `netmortem agent --once --spool-only` in HOST's namespace, into DIR/HOST (it never contacts a server from inside
# the lab; the test delivers the spools afterwards with --flush). LAB_AGENT_ARGS: more agent options (--incident …).
lab_agent() {
  local h="$1"
  # shellcheck disable=SC2086
  ip netns exec "$(ns "$h")" node "$LAB_DIR/../../cli/netmortem.js" agent --once --spool-only --poll 0 \
    --server "${LAB_AGENT_SERVER:-http://127.0.0.1:3140}" --node "$h" --spool "$LAB_AGENT/$h" ${LAB_AGENT_ARGS:-} \
    2>>"$LAB_AGENT/agent.log"
}

# collect_before HOST OUTDIR → the "before" counter reading for HOST into OUTDIR/HOST
collect_before() {
  if [ -n "${LAB_AGENT:-}" ]; then
    lab_agent "$1"
    return
  fi
  counters "$1" "$2/$1" before
}

# collect_bundle HOST OUTDIR [PEER…] → everything an engineer would record on HOST, into OUTDIR/HOST:
# the "after" counters plus the state of sockets, links, routes, netfilter and sysctls, and for each
# PEER address `ip route get PEER`
collect_bundle() {
  local h="$1" out="$2"
  shift 2
  if [ -n "${LAB_AGENT:-}" ]; then
    lab_agent "$h"
    return
  fi
  local d="$out/$h" n
  n="$(ns "$h")"
  mkdir -p "$d"
  counters "$h" "$d" after
  rec "$d/uname-r.txt" uname -r
  rec "$d/sysctl-a.txt" ip netns exec "$n" sysctl -a
  rec "$d/ss-ltn.txt" ip netns exec "$n" ss -ltn
  rec "$d/ss-tanpie.txt" ip netns exec "$n" ss -tanpie
  rec "$d/ss-s.txt" ip netns exec "$n" ss -s
  rec "$d/ip-d-link.txt" ip -n "$n" -d link
  rec "$d/ip-j-d-link.json" ip -n "$n" -j -d link
  rec "$d/ip-addr.txt" ip -n "$n" addr
  rec "$d/ip-route.txt" ip -n "$n" route
  local p
  for p in "$@"; do
    rec "$d/ip-route-get-$p.txt" ip -n "$n" route get "$p"
  done
  rec "$d/nf_conntrack-stat.txt" ip netns exec "$n" cat /proc/net/stat/nf_conntrack
  rec "$d/nft-list-ruleset.txt" ip netns exec "$n" nft list ruleset
  rec "$d/iptables-save.txt" ip netns exec "$n" iptables-save
  # an empty ruleset is a real, meaningful output ("no rules"), but a zero-byte file says nothing
  local f
  for f in "$d/nft-list-ruleset.txt" "$d/iptables-save.txt"; do
    [ -s "$f" ] || rm -f "$f"
  done
}

# nginx_start HOST NAME HTTP_BLOCK → run nginx (foreground master, stopped at exit) in HOST with the given
# http{} body; its logs are "$LAB_WORK/NAME-access.log" and "$LAB_WORK/NAME-error.log"
nginx_start() {
  local h="$1" name="$2" body="$3" d="$LAB_WORK/$2"
  mkdir -p "$d"
  cat >"$d/nginx.conf" <<NGINX
daemon off;
user root;
worker_processes 1;
pid $d/nginx.pid;
error_log $LAB_WORK/$name-error.log info;
events { worker_connections 1024; }
http {
  access_log $LAB_WORK/$name-access.log;
  client_body_temp_path $d/body;
  proxy_temp_path $d/proxy;
  fastcgi_temp_path $d/fastcgi;
  uwsgi_temp_path $d/uwsgi;
  scgi_temp_path $d/scgi;
  default_type application/octet-stream;
$body
}
NGINX
  lab_bg "$h" "$LAB_WORK/$name-stderr.log" nginx -e "$LAB_WORK/$name-error.log" -c "$d/nginx.conf"
}

# lab_file NAME BYTES → a file of BYTES bytes in $LAB_WORK/www, for servers to serve
lab_file() {
  mkdir -p "$LAB_WORK/www"
  head -c "$2" /dev/zero | tr '\0' 'x' >"$LAB_WORK/www/$1"
}

# lab_uptime → seconds since boot, the clock of dmesg's [ 1234.567890] stamps
lab_uptime() { cut -d' ' -f1 /proc/uptime; }

# kernel_log_since SECONDS REGEX FILE → the kernel log lines (and the line after each, e.g. martian's
# "ll header") stamped after SECONDS that match REGEX; the log is the machine's, so the regex should name
# this scenario's addresses. Writes nothing when there is no such line.
kernel_log_since() {
  local since="$1" re="$2" f="$3"
  { dmesg 2>/dev/null || true; } | awk -v since="$since" -v re="$re" '
    { t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t) }
    keep { print; keep = 0; next }
    (t + 0) > since && $0 ~ re { print; keep = 1 }' >"$f"
  [ -s "$f" ] || rm -f "$f"
}

# sos_collect HOST DEST → a real sosreport tree of HOST (Debian's `sos report`, networking and kernel plugins
# only, --build: the tree, no archive) in DEST/sosreport-HOST-<date>-<id>/. It runs in HOST's network
# namespace with its own UTS namespace (hostname HOST) and mount namespace, where /run/netns is hidden so sos
# does not visit other namespaces of this machine. The machine's kernel log is not this namespace's: its
# dmesg output is removed from the tree. Without sos installed it says so and writes nothing.
sos_collect() {
  local h="$1" dest="$2"
  command -v sos >/dev/null 2>&1 || { lab_log "sos not installed (apt-get install sosreport): no sosreport for $h"; return 0; }
  mkdir -p "$dest"
  ip netns exec "$(ns "$h")" unshare -m -u sh -c "mount -t tmpfs none /run/netns 2>/dev/null; hostname '$h'; exec sos report --batch --build -q -o networking,kernel --tmp-dir '$dest'" >"$LAB_WORK/sos-$h.log" 2>&1 \
    || lab_log "sos report failed for $h (see $LAB_WORK/sos-$h.log)"
  rm -f "$dest"/sosreport-"$h"-*/sos_commands/kernel/dmesg
}
