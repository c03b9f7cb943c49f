/**
 * /proc/net/tcp, tcp6 (and udp, udp6, which share the layout):
 *   sl  local_address rem_address   st tx_queue rx_queue …
 *   0: 0500000A:0016 00000000:0000 0A 00000000:00000001 …
 * Addresses are little-endian hex words; the state is the kernel's TCP state number.
 * For a LISTEN row rx_queue is sk_ack_backlog (the accept-queue length) but tx_queue is write_seq - snd_una,
 * NOT the backlog (normally 0): listeners carry backlogKnown=false so no rule reads "queue full" from it.
 */
import type { FileFacts, TextParser, Warning } from "../../parser";
import { fail, firstContentLine, guarded, guardedSniff, headLines, hexToInt, ok, splitLines } from "./util";

/** include/net/tcp_states.h, in ss spelling */
const TCP_STATES: Record<number, string> = {
  1: "ESTAB", 2: "SYN-SENT", 3: "SYN-RECV", 4: "FIN-WAIT-1", 5: "FIN-WAIT-2", 6: "TIME-WAIT", 7: "UNCONN",
  8: "CLOSE-WAIT", 9: "LAST-ACK", 10: "LISTEN", 11: "CLOSING", 12: "NEW-SYN-RECV",
};

const HEADER = /^\s*sl\s+local_address\s+rem(ote)?_address\s+st\s+tx_queue\s+rx_queue/;
const ROW = /^\s*\d+: ([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4}) ([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4}) ([0-9A-Fa-f]{2}) ([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8})(\s|$)/;

function ipv4(hex: string): string {
  // the kernel prints the __be32 as a host-order (little-endian) integer
  const b: number[] = [];
  for (let k = 6; k >= 0; k -= 2) b.push(parseInt(hex.slice(k, k + 2), 16));
  return b.join(".");
}

function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let k = 6; k >= 0; k -= 2) bytes.push(parseInt(word.slice(k, k + 2), 16));
  }
  // ::ffff:a.b.c.d is printed the way ss prints it
  if (bytes.slice(0, 10).every((x) => x === 0) && bytes[10] === 255 && bytes[11] === 255) {
    return `::ffff:${bytes.slice(12).join(".")}`;
  }
  const groups: string[] = [];
  for (let k = 0; k < 16; k += 2) groups.push(((bytes[k] << 8) | bytes[k + 1]).toString(16));
  // compress the longest run of zero groups (RFC 5952)
  let bestAt = -1;
  let bestLen = 0;
  for (let k = 0; k < 8;) {
    if (groups[k] !== "0") {
      k++;
      continue;
    }
    let j = k;
    while (j < 8 && groups[j] === "0") j++;
    if (j - k > bestLen && j - k > 1) {
      bestAt = k;
      bestLen = j - k;
    }
    k = j;
  }
  if (bestAt < 0) return groups.join(":");
  return `${groups.slice(0, bestAt).join(":")}::${groups.slice(bestAt + bestLen).join(":")}`;
}

function addr(hex: string): string {
  return hex.length === 8 ? ipv4(hex) : ipv6(hex);
}

function sniff(head: string): number {
  const lines = headLines(head, 30);
  if (lines.length === 0) return 0;
  const header = HEADER.test(lines[0]);
  let rows = 0;
  for (const l of lines) if (ROW.test(l)) rows++;
  if (!header && rows === 0) return 0;
  return Math.min(1, (header ? 0.7 : 0.4) + 0.25 * (rows / Math.max(1, lines.length - (header ? 1 : 0))));
}

function parse(text: string, proto: "tcp" | "udp" | undefined): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const listeners: NonNullable<FileFacts["listeners"]> = [];
  const sockets: NonNullable<FileFacts["sockets"]> = [];
  const socketStates: Record<string, number> = {};
  let rows = 0;
  // the header does not say tcp or udp; udp sockets are only ever in state 07 (UNCONN) or 01 (connected)
  let isUdp = proto === "udp";
  // /proc/net/udp(6) headers end in "ref pointer drops"; tcp headers do not have "drops"
  const headerLine = lines.find((l) => HEADER.test(l));
  if (!proto && headerLine && /\bdrops\s*$/.test(headerLine)) isUdp = true;
  else if (!proto) {
    let sawTcpOnly = false;
    let sawSeven = false;
    for (const l of lines) {
      const m = ROW.exec(l);
      if (!m) continue;
      const st = parseInt(m[5], 16);
      if (st === 7) sawSeven = true;
      else if (st !== 1) sawTcpOnly = true;
    }
    isUdp = sawSeven && !sawTcpOnly;
  }
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "" || HEADER.test(l)) continue;
    const m = ROW.exec(l);
    if (!m) {
      warnings.push({ line: lineNo, message: `not a /proc/net/tcp row: ${l.slice(0, 120)}` });
      continue;
    }
    rows++;
    const stNum = parseInt(m[5], 16);
    const state = TCP_STATES[stNum] ?? `UNKNOWN-${m[5]}`;
    const p = isUdp ? "udp" : "tcp";
    const tx = hexToInt(m[6]) ?? 0;
    const rx = hexToInt(m[7]) ?? 0;
    const local = addr(m[1]);
    const localPort = parseInt(m[2], 16);
    if (p === "tcp") socketStates[state] = (socketStates[state] ?? 0) + 1;
    if (state === "LISTEN" || p === "udp" && state === "UNCONN") {
      listeners.push({ proto: p, local, port: localPort, recvQ: rx, sendQ: tx, backlogKnown: false, line: lineNo });
    } else {
      sockets.push({
        proto: p, state, local, localPort, peer: addr(m[3]), peerPort: parseInt(m[4], 16), recvQ: rx, sendQ: tx,
        line: lineNo,
      });
    }
  }
  // a table with only its header is a host with no such sockets, which is a fact too
  if (rows === 0 && !lines.some((l) => HEADER.test(l))) return fail("/proc/net/tcp: no header and no socket row");
  return ok({ listeners, sockets, socketStates }, warnings);
}

export const procNetTcpParser: TextParser = {
  kind: "proc-net-tcp",
  sniff: guardedSniff(sniff),
  parse: guarded("proc-net-tcp", (t) => parse(t, undefined)),
};
