#!/usr/bin/env bash
# Issue 12's first acceptance, by hand against a running server, with README.md's curl commands ("Evidence into an
# incident with curl"): sign in, make a personal token, then per input an incident, an upload and GET …/analysis
# polled until done; prints the root cause and the seconds from the upload's 202 to "done".
#
#   bash scripts/check/ingest-curl-flow.sh http://127.0.0.1:3000 admin@example.org 'a long password'
#
# Inputs (real recordings): seed 000's three hosts (.tar.gz) and seed 002's two hosts (.zip), recorded by
# e2e/lab/seeds/*.sh; an IPIP MTU black hole capture recorded by scripts/record/capture-ipip-mtu-blackhole.sh; a
# terminal paste of two `netstat -s` readings of seed 004's nginx pod (recorded by e2e/lab/seeds/004-accept-queue.sh)
# with its prompts. Needs curl, jq, tar, zip.
set -euo pipefail
S=${1:-http://127.0.0.1:3000}
EMAIL=${2:-admin@example.org}
PASSWORD=${3:-a long password}
cd "$(dirname "$0")/../.."
SEEDS=lib/analysis/diagnosis/testdata/seeds
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tar -C "$SEEDS/000-overlay-mtu" -czf "$work/bundle.tar.gz" .
(cd "$SEEDS/002-nodeport" && zip -qr "$work/bundle.zip" .)
cp lib/analysis/capture/testdata/ipip-mtu-blackhole-overlay.pcap "$work/eth0.pcap"
P="$SEEDS/004-accept-queue/nginx-pod"
{ echo "root@nginx-pod:~# netstat -s"; cat "$P/netstat-s-before.txt"; echo "root@nginx-pod:~# sleep 10"
  echo "root@nginx-pod:~# netstat -s"; cat "$P/netstat-s-after.txt"; } > "$work/netstat-s.txt"

jar="$work/jar"
curl -fsS -c "$jar" -o /dev/null -H 'content-type: application/json' \
  -d "$(jq -nc --arg e "$EMAIL" --arg p "$PASSWORD" '{email:$e,password:$p}')" "$S/api/auth/sign-in/email"
TOKEN=$(curl -fsS -b "$jar" -H "origin: $S" -H 'content-type: application/json' -d '{"name":"curl flow"}' \
  "$S/api/v1/tokens" | jq -r .data.token)
A="authorization: Bearer $TOKEN"

status=0
run() { # label expected content-type file [extra header] [query]
  local label=$1 expected=$2 type=$3 file=$4 extra=${5:-x-nothing: 1} query=${6:-}
  local inc t0 up a t1 got
  inc=$(curl -fsS -H "$A" -H 'content-type: application/json' -d "{\"title\":\"curl flow: $label\",\"severity\":\"sev2\"}" \
    "$S/api/v1/incidents" | jq -r .data.id)
  t0=$(date +%s.%N)
  up=$(curl -sS -w ' %{http_code}' -H "$A" -H "content-type: $type" -H "$extra" --data-binary "@$file" \
    "$S/api/v1/incidents/$inc/evidence$query")
  for _ in $(seq 1 600); do
    a=$(curl -fsS -H "$A" "$S/api/v1/incidents/$inc/analysis")
    case $(jq -r .data.status <<<"$a") in done|failed) break ;; esac
    sleep 0.1
  done
  t1=$(date +%s.%N)
  got=$(jq -r '.data.rootCause' <<<"$a")
  printf '%-8s %-6s upload %s → %s in %.1f s: rootCause %s, leading %s (expected %s) %s\n' "$label" "$(du -h "$file" | cut -f1)" \
    "${up##* }" "$(jq -r .data.status <<<"$a")" "$(echo "$t1 - $t0" | bc)" "$(jq -r .data.rootCause <<<"$a")" \
    "$(jq -r '.data.leading.id // "null"' <<<"$a")" "$expected" "$([ "$got" = "$expected" ] && echo OK || echo WRONG)"
  [ "$got" = "$expected" ] || status=1
  awk -v s="$(echo "$t1 - $t0" | bc)" 'BEGIN { exit !(s <= 10) }' || { echo "  over 10 s"; status=1; }
}
run tar.gz overlay_mtu_mismatch application/gzip "$work/bundle.tar.gz" 'x-filename: bundle.tar.gz'
run zip port_range_nodeport_collision application/zip "$work/bundle.zip" 'x-filename: bundle.zip'
run pcap pmtu_blackhole application/vnd.tcpdump.pcap "$work/eth0.pcap" 'x-host: node-1' '?keepRaw=true'
run paste accept_queue_overflow text/plain "$work/netstat-s.txt"
exit $status
