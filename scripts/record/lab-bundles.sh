#!/usr/bin/env bash
# Records every e2e/lab scenario (real namespaces, real commands: see e2e/lab/README.md) and packs each as the
# .tar.gz bundle an engineer would upload: lib/analysis/checklist/testdata/lab/<scenario>.tar.gz. The war-room
# checklist tests read them, and the war-room e2e journey uploads one through the page.
#   sudo bash scripts/record/lab-bundles.sh [scenario…]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="$ROOT/lib/analysis/checklist/testdata/lab"
WORK="$(mktemp -d /tmp/netmortem-lab-bundles.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DEST"
LAB_OUT="$WORK" bash "$ROOT/e2e/lab/run.sh" "$@"
for d in "$WORK"/*/; do
  s="$(basename "$d")"
  # fixed owner, mode order and mtime so a re-recording differs only where the outputs do
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-12-07 00:00:00Z' -C "$WORK" -czf "$DEST/$s.tar.gz" "$s"
  echo "lab-bundles: $DEST/$s.tar.gz ($(stat -c %s "$DEST/$s.tar.gz") bytes)"
done
