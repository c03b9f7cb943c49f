#!/usr/bin/env bash
# Records healthy traffic: a few HTTP requests (each on its own connection, closed normally) between two
# namespaces. Every TCP flow should be SF with one SYN, one SYN-ACK and no retransmission.
# Output: lib/analysis/capture/testdata/healthy-http.pcap
source "$(dirname "$0")/capture-lib.sh"
need_root python3 curl
A="nmrecok-c-$$"; B="nmrecok-s-$$"
new_ns "$A"; new_ns "$B"
veth_pair ok-c "$A" 10.244.0.2 ok-s "$B" 10.244.0.1
mkdir -p "$TMP/www"; head -c 20000 /dev/urandom > "$TMP/www/20k.bin"; echo ok > "$TMP/www/index.html"; chmod -R a+rX "$TMP"
bg "$B" timeout 30 python3 -m http.server --bind 10.244.0.1 --directory "$TMP/www" 8080
sleep 1
OUT="$OUTDIR/healthy-http.pcap"
start_capture "$B" ok-s "$OUT" tcp port 8080
for path in / /20k.bin / /20k.bin /; do
  ip netns exec "$A" curl -s -o /dev/null --max-time 5 -w "  GET $path: http %{http_code} %{size_download} bytes\n" "http://10.244.0.1:8080$path"
done
stop_captures
echo "recorded $OUT ($(stat -c %s "$OUT") bytes)"
