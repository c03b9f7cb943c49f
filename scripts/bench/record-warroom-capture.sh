#!/usr/bin/env bash
# Records the capture `npm run bench:warroom` uploads: 12 000 short TCP connections (connect, a request, close)
# between two network namespaces this script makes, plus a few hundred to a port nobody listens on (refused, REJ),
# recorded with tcpdump on the server side. Real kernel, real packets; nothing leaves the namespaces.
# Output: .bench/warroom-flows.pcap (gitignored). Usage: record-warroom-capture.sh [OUT] [CONNECTIONS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-$ROOT/.bench/warroom-flows.pcap}"
N="${2:-12000}"
NS_S="nmwr-srv-$$"
NS_C="nmwr-cli-$$"
TCPDUMP_PID=""
SERVER_PID=""
cleanup() {
  set +e
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  [ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null && wait "$TCPDUMP_PID" 2>/dev/null
  ip netns del "$NS_S" 2>/dev/null
  ip netns del "$NS_C" 2>/dev/null
}
trap cleanup EXIT INT TERM
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
for t in ip tcpdump python3; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 1; }; done
mkdir -p "$(dirname "$OUT")"

ip netns add "$NS_S"
ip netns add "$NS_C"
ip link add nmwr-s type veth peer name nmwr-c
ip link set nmwr-s netns "$NS_S"
ip link set nmwr-c netns "$NS_C"
ip -n "$NS_S" addr add 10.232.0.1/24 dev nmwr-s
ip -n "$NS_C" addr add 10.232.0.2/24 dev nmwr-c
ip -n "$NS_S" link set lo up; ip -n "$NS_S" link set nmwr-s up
ip -n "$NS_C" link set lo up; ip -n "$NS_C" link set nmwr-c up
# plenty of source ports and no TIME-WAIT stalls for 12 000 connections
ip netns exec "$NS_C" sysctl -qw net.ipv4.ip_local_port_range="10000 65000"

ip netns exec "$NS_S" timeout 300 python3 -c '
import asyncio
async def h(r, w):
    try:
        await r.readline()
        w.write(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await w.drain()
    finally:
        w.close()
async def main():
    s = await asyncio.start_server(h, "10.232.0.1", 8080, backlog=4096)
    async with s: await s.serve_forever()
asyncio.run(main())' &
SERVER_PID=$!
sleep 0.5
ip netns exec "$NS_S" tcpdump -i nmwr-s -s 128 -U -w "$OUT" 'tcp' 2>/dev/null &
TCPDUMP_PID=$!
sleep 1
ip netns exec "$NS_C" timeout 280 python3 -c '
import asyncio, sys
N = int(sys.argv[1])
async def one(port):
    try:
        r, w = await asyncio.open_connection("10.232.0.1", port)
        w.write(b"GET / HTTP/1.0\r\n\r\n"); await w.drain()
        await r.read(); w.close()
    except OSError:
        pass
async def main():
    sem = asyncio.Semaphore(64)
    async def run(i):
        async with sem: await one(8080 if i % 40 else 8081)
    await asyncio.gather(*(run(i) for i in range(N)))
asyncio.run(main())' "$N"
sleep 1
kill "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null || true
TCPDUMP_PID=""
echo "record-warroom-capture: $OUT ($(stat -c %s "$OUT") bytes)"
