#!/usr/bin/env bash
# Records the same kind of traffic with three writers and settings the reader must take as they come:
# dumpcap's pcapng (section and interface options, interface statistics block at the end), tcpdump with
# nanosecond timestamps (pcap magic a1b23c4d, little-endian), and tcpdump -s 96 (every data segment cut
# short by the snapshot length: flows and payload sizes must still come from the IP and TCP headers).
#   client 10.247.0.2 ── veth ── 10.247.0.1 server (python3 http.server :8080)
# Output: lib/analysis/capture/testdata/writer-{dumpcap.pcapng,tcpdump-nano.pcap,tcpdump-snaplen96.pcap}
source "$(dirname "$0")/capture-lib.sh"
need_root python3 curl dumpcap
A="nmrecwr-c-$$"; B="nmrecwr-s-$$"
new_ns "$A"; new_ns "$B"
veth_pair wr-c "$A" 10.247.0.2 wr-s "$B" 10.247.0.1
mkdir -p "$TMP/www"; head -c 20000 /dev/urandom > "$TMP/www/20k.bin"; chmod -R a+rX "$TMP"
bg "$B" timeout 60 python3 -m http.server --bind 10.247.0.1 --directory "$TMP/www" 8080
sleep 1
traffic() {
  for i in 1 2 3; do
    ip netns exec "$A" curl -s -o /dev/null --max-time 5 -w "  GET 20k.bin: http %{http_code} %{size_download} bytes\n" "http://10.247.0.1:8080/20k.bin"
  done
}
D="$OUTDIR/writer-dumpcap.pcapng"
ip netns exec "$B" dumpcap -q -i wr-s -f "tcp port 8080" -w "$D" 2>>"$TMP/dumpcap.log" &
CAP_PIDS+=($!); sleep 2
traffic
stop_captures
start_capture "$B" wr-s "$TMP/nano.pcap" --time-stamp-precision=nano tcp port 8080
traffic
stop_captures
mv "$TMP/nano.pcap" "$OUTDIR/writer-tcpdump-nano.pcap"
ip netns exec "$B" tcpdump -i wr-s -s 96 -B 16384 -U --immediate-mode -w "$TMP/s96.pcap" tcp port 8080 2>>"$TMP/tcpdump.log" &
CAP_PIDS+=($!); sleep 1
traffic
stop_captures
mv "$TMP/s96.pcap" "$OUTDIR/writer-tcpdump-snaplen96.pcap"
for f in writer-dumpcap.pcapng writer-tcpdump-nano.pcap writer-tcpdump-snaplen96.pcap; do echo "recorded $OUTDIR/$f ($(stat -c %s "$OUTDIR/$f") bytes)"; done
