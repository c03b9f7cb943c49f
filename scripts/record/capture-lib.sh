#!/usr/bin/env bash
# Shared helpers of the capture recorders (scripts/record/capture-*.sh). Each recorder creates its own
# network namespaces (names carry the recorder's PID), sends traffic only between them, and removes
# everything it started on exit, also on failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# CAPTURE_OUTDIR: record elsewhere (to try a recorder without touching the committed files)
OUTDIR="${CAPTURE_OUTDIR:-$ROOT/lib/analysis/capture/testdata}"
PIDS=()
CAP_PIDS=()
NSES=()
TMP="$(mktemp -d /tmp/nmrec.XXXXXX)"

cap_cleanup() {
  set +e
  for p in "${CAP_PIDS[@]}" "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${CAP_PIDS[@]}" "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for n in "${NSES[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null; done
  sleep 0.2
  for n in "${NSES[@]}"; do ip netns del "$n" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cap_cleanup EXIT INT TERM

need_root() {
  [ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
  for t in ip tcpdump "$@"; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 1; }; done
}

new_ns() { ip netns add "$1"; NSES+=("$1"); ip -n "$1" link set lo up; }

# veth NAME_A in NS_A with ADDR_A, NAME_B in NS_B with ADDR_B (both /24)
veth_pair() {
  local na=$1 ns_a=$2 addr_a=$3 nb=$4 ns_b=$5 addr_b=$6
  ip link add "$na" netns "$ns_a" type veth peer name "$nb" netns "$ns_b"
  ip -n "$ns_a" addr add "$addr_a/24" dev "$na"
  ip -n "$ns_b" addr add "$addr_b/24" dev "$nb"
  ip -n "$ns_a" link set "$na" up
  ip -n "$ns_b" link set "$nb" up
  # wire-size segments in the capture, as a physical NIC would show them
  if command -v ethtool >/dev/null; then
    ip netns exec "$ns_a" ethtool -K "$na" gro off gso off tso off >/dev/null 2>&1 || true
    ip netns exec "$ns_b" ethtool -K "$nb" gro off gso off tso off >/dev/null 2>&1 || true
  fi
}

# start_capture NS IFACE FILE [filter...]
start_capture() {
  local ns=$1 dev=$2 file=$3; shift 3
  ip netns exec "$ns" tcpdump -i "$dev" -s 0 -B ${CAPTURE_BUFFER_KB:-16384} -U --immediate-mode -w "$file" "$@" 2>>"$TMP/tcpdump.log" &
  CAP_PIDS+=($!)
  sleep 1
}

stop_captures() {
  # tcpdump drops what is still in a not-yet-retired ring block when interrupted: give it time
  sleep 2
  for p in "${CAP_PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  for p in "${CAP_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  CAP_PIDS=()
  grep -E "listening|captured|dropped by kernel|rror" "$TMP/tcpdump.log" | sed 's/^/  tcpdump: /' || true
}

# bg NS CMD...: a background process inside NS, stopped on exit
bg() { local ns=$1; shift; ip netns exec "$ns" "$@" & PIDS+=($!); }

# http_server_dual NS DIR SECONDS: python3's http.server on [::]:8080 in NS for IPv4 and IPv6 clients
# (one dual-stack socket), serving DIR, stopped after SECONDS
http_server_dual() {
  bg "$1" timeout "$3" python3 -c '
import http.server, socket, sys
class S(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()
h = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=sys.argv[1], **k)
S(("::", 8080), h).serve_forever()
' "$2"
}
