#!/usr/bin/env bash
# Records the held-out cases of lib/analysis/diagnosis/testdata/heldout (issue 15's last point): runs the
# held-out reproductions (scripts/record/heldout/scenarios/*.sh: real commands in network namespaces each script
# makes and deletes, nothing in the root namespace), then shapes their outputs (shape.ts). Needs root, iproute2,
# nftables, iptables, conntrack, tcpdump, nginx, curl, python3, sosreport (Debian's sos: the .tar.xz case).
#   sudo bash scripts/record/heldout/record.sh [DEST]      (RAW=/some/dir keeps the raw recordings)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
DEST="${1:-$ROOT/lib/analysis/diagnosis/testdata/heldout}"
RAW="${RAW:-$(mktemp -d /tmp/netmortem-heldout.XXXXXX)}"
[ -n "${RAW_KEEP:-}" ] || trap 'rm -rf "$RAW"' EXIT
for s in aq6 ovcal pmtu6 rpif ephcli brcompose kaingress bnfkubenet prnft ov6 healthy; do
  echo "== $s" >&2
  timeout 240 bash "$HERE/scenarios/$s.sh" "$RAW/$s"
done
cd "$ROOT" && npx tsx scripts/record/heldout/shape.ts "$RAW" "$DEST"
