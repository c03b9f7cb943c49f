#!/usr/bin/env bash
# Records the paste-style cases of lib/analysis/diagnosis/testdata/pastes/recorded: runs the e2e/lab
# reproductions (real commands in network namespaces this script's scenarios create and delete) into a
# temporary folder, and scripts/record/proxy-logs.sh (HAProxy, nginx JSON logs; needs haproxy), then shapes their outputs the way people paste them (scripts/record/paste-cases.ts).
#   sudo bash scripts/record/paste-cases.sh [DEST]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="${1:-$ROOT/lib/analysis/diagnosis/testdata/pastes/recorded}"
OUT="$(mktemp -d /tmp/netmortem-paste-cases.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT
LAB_OUT="$OUT" bash "$ROOT/e2e/lab/run.sh" accept_queue_overflow overlay_mtu_mismatch port_range_nodeport_collision \
  rp_filter_asymmetric_route pmtu_blackhole ephemeral_port_exhaustion bridge_subnet_collision keepalive_timeout_mismatch \
  bridge_nf_call_iptables_disabled healthy
bash "$ROOT/scripts/record/proxy-logs.sh" "$OUT/proxy"
cd "$ROOT" && npx tsx scripts/record/paste-cases.ts "$OUT" "$DEST"
