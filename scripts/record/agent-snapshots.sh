#!/usr/bin/env bash
# Records real agent snapshots for the ingest tests and bench:ingest: two network namespaces (a server running a
# small HTTP server, a client fetching from it in a bounded loop), and the netmortem agent (--spool-only, the body it
# would send; --server is required but never contacted) in each, one snapshot every INTERVAL seconds, N times. Writes OUT/<node>-<n>.json.gz (the agents'
# spooled bodies: SnapshotIngest JSON, gzip'd), then deletes the namespaces.
#   sudo bash scripts/record/agent-snapshots.sh lib/server/ingest/testdata/snapshots 6 60
set -euo pipefail
OUT="${1:?out dir}"
N="${2:-6}"
INTERVAL="${3:-60}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
A=nm-snap-srv
B=nm-snap-cli
NET=10.233.0
TMP="$(mktemp -d)"
# shellcheck source=two-ns.sh
source "$ROOT/scripts/record/two-ns.sh"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

ip netns exec "$A" python3 -m http.server 8080 --bind "$NET.1" --directory "$ROOT/lib/analysis" >/dev/null 2>&1 &
PIDS+=($!)
sleep 1
# light, steady traffic (bounded: at most N * INTERVAL * 4 requests)
ip netns exec "$B" bash -c "for i in \$(seq 1 $((N * INTERVAL * 4))); do curl -s -o /dev/null --max-time 2 http://$NET.1:8080/ || true; sleep 0.25; done" &
PIDS+=($!)

agent() { # ns node
  ip netns exec "$1" env NETMORTEM_FROM_SOURCE=1 node "$ROOT/cli/netmortem.js" agent --server http://127.0.0.1:9 --spool-only --spool "$TMP/$2" --node "$2" --interval "${INTERVAL}s" \
    >"$TMP/$2.log" 2>&1 &
  PIDS+=($!)
}
agent "$A" node-srv
agent "$B" node-cli
deadline=$(( $(date +%s) + N * INTERVAL + 60 ))
while :; do
  have=$({ find "$TMP/node-srv" -name '*.json.gz' 2>/dev/null || true; } | wc -l)
  have2=$({ find "$TMP/node-cli" -name '*.json.gz' 2>/dev/null || true; } | wc -l)
  [ "$have" -ge "$N" ] && [ "$have2" -ge "$N" ] && break
  [ "$(date +%s)" -lt "$deadline" ] || { echo "agent-snapshots: only $have/$have2 snapshots" >&2; cat "$TMP"/*.log >&2; exit 1; }
  sleep 2
done
for node in node-srv node-cli; do
  i=0
  for f in $(find "$TMP/$node" -name '*.json.gz' | sort | head -n "$N"); do
    i=$((i + 1))
    cp "$f" "$OUT/$node-$i.json.gz"
  done
done
ls -la "$OUT"
