#!/usr/bin/env bash
# Records the node's outputs of a Service connection between two pods of one bridge with
# net.bridge.bridge-nf-call-iptables=0, for the bridge_nf_call_iptables_disabled rule's conntrack test
# (lib/analysis/diagnosis/rules/conntrack.test.ts): conntrack -L (the DNATed SYN_SENT entry left [UNREPLIED]
# because the backend's SYN-ACK crossed the bridge without netfilter), ip -d link (the pods' veths enslaved to
# cni0), ip addr, ip route and sysctl -a. The lab scenario e2e/lab/scenarios/bridge_nf_call_iptables_disabled.sh
# builds the namespaces, runs the pods and removes everything on exit; its node folder's files are kept here.
#
# BNF_CALL=1 runs the same with the sysctl at 1 (the healthy twin): bridge-nf-1-node.
#
# usage (root): bash scripts/record/bridge-nf-conntrack.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/lib/analysis/diagnosis/testdata/recorded/bridge-nf-${BNF_CALL:-0}-node"
RUN="$(mktemp -d)"
trap 'rm -rf "$RUN"' EXIT
BNF_CALL="${BNF_CALL:-0}" bash "$ROOT/e2e/lab/scenarios/bridge_nf_call_iptables_disabled.sh" "$RUN/bundle" >/dev/null
mkdir -p "$OUT"
for f in conntrack-L.txt ip-d-link.txt ip-addr.txt ip-route.txt sysctl-a.txt; do cp "$RUN/bundle/node/$f" "$OUT/$f"; done
grep -c UNREPLIED "$OUT/conntrack-L.txt" | sed 's/^/UNREPLIED entries: /'
