# Sourced by the evidence recorders: two network namespaces $A and $B joined by a veth pair
# (veth0 $NET.1/24 in A, veth1 $NET.2/24 in B), deleted on exit (also on failure) together with the
# background jobs in PIDS and, if set, the temp dir TMP. Needs: A, B, NET. Sets: a(), b() (run a command in
# A or B; background jobs call ip netns exec directly so that $! is the process itself), PIDS.
PIDS=()
cleanup() {
  set +e
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  ip netns del "$A" 2>/dev/null
  ip netns del "$B" 2>/dev/null
  [ -n "${TMP:-}" ] && rm -rf "$TMP"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "needs root (ip netns)" >&2; exit 1; }
ip netns del "$A" 2>/dev/null || true
ip netns del "$B" 2>/dev/null || true
ip netns add "$A"
ip netns add "$B"
a() { ip netns exec "$A" "$@"; }
b() { ip netns exec "$B" "$@"; }
a ip link set lo up
b ip link set lo up
ip -n "$A" link add veth0 type veth peer name veth1 netns "$B"
a ip addr add "$NET.1/24" dev veth0
b ip addr add "$NET.2/24" dev veth1
a ip link set veth0 up
b ip link set veth1 up
