/**
 * net-tools `netstat -ant` / `-lnp` / `-aeep` / `-tulpn` tables. netstat reads /proc/net/tcp, so for a
 * LISTEN row Send-Q is not the backlog (the kernel prints write_seq - snd_una there); listeners from
 * netstat carry backlogKnown=false. States are normalised to ss spelling (SYN_SENT → SYN-SENT,
 * ESTABLISHED → ESTAB). The "Active UNIX domain sockets" part is skipped.
 */
import type { FileFacts, TextParser, Warning } from "../../parser";
import { SS_STATES, normaliseState, splitHostPort } from "./addr";
import { fail, fields, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

const PROTO = /^(tcp6?|udp6?|udpl6?|raw6?)$/;
const HEADER = /^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address/;

type Row = { proto: string; recvQ: number; sendQ: number; local: string; peer: string; state?: string; rest: string[] };

function parseRow(line: string): Row | undefined {
  const f = fields(line);
  if (f.length < 5 || !PROTO.test(f[0]) || !/^\d+$/.test(f[1]) || !/^\d+$/.test(f[2])) return undefined;
  const row: Row = { proto: f[0], recvQ: Number(f[1]), sendQ: Number(f[2]), local: f[3], peer: f[4], rest: f.slice(5) };
  if (f.length > 5) {
    const st = normaliseState(f[5]);
    if (SS_STATES.has(st) || /^[A-Z_0-9]+$/.test(f[5]) && f[0].startsWith("tcp")) {
      row.state = st;
      row.rest = f.slice(6);
    }
  }
  return row;
}

function sniff(head: string): number {
  const lines = headLines(head, 60);
  let header = false;
  let active = false;
  let rows = 0;
  let inet = 0;
  for (const l of lines) {
    if (/^Active (Internet|UNIX domain|Bluetooth)/.test(l)) active = true;
    else if (HEADER.test(l)) header = true;
    else if (/^Proto\s+RefCnt/.test(l) || /^unix\s/.test(l)) continue;
    else {
      rows++;
      if (parseRow(l)) inet++;
    }
  }
  if (!header && inet === 0) return 0;
  if (rows > 0 && inet / rows < 0.5 && !header) return 0;
  return Math.min(1, (header ? 0.6 : 0.3) + (active ? 0.2 : 0) + (inet > 0 ? 0.15 : 0));
}

function parse(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const listeners: NonNullable<FileFacts["listeners"]> = [];
  const sockets: NonNullable<FileFacts["sockets"]> = [];
  const socketStates: Record<string, number> = {};
  let inUnix = false;
  let rows = 0;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "") continue;
    if (/^Active (UNIX domain|Bluetooth)/.test(l)) {
      inUnix = true;
      continue;
    }
    if (/^Active Internet/.test(l)) {
      inUnix = false;
      continue;
    }
    if (inUnix || HEADER.test(l)) continue;
    const r = parseRow(l);
    if (!r) {
      warnings.push({ line: lineNo, message: `not a netstat socket row: ${l.slice(0, 120)}` });
      continue;
    }
    rows++;
    const proto = r.proto.startsWith("tcp") ? "tcp" : r.proto.startsWith("udp") ? "udp" : undefined;
    if (!proto) continue;
    const local = splitHostPort(r.local);
    const peer = splitHostPort(r.peer);
    if (!local || !peer) {
      warnings.push({ line: lineNo, message: `unreadable address in: ${l.slice(0, 120)}` });
      continue;
    }
    const state = r.state ?? (proto === "udp" ? "UNCONN" : "UNKNOWN");
    if (proto === "tcp") socketStates[state] = (socketStates[state] ?? 0) + 1;
    // PID/Program name is the last column when -p was given ("1215/sshd", "6492/sshd: kbrazil")
    const pidProg = r.rest.find((x) => /^\d+\/\S/.test(x));
    const process = pidProg ? pidProg.slice(pidProg.indexOf("/") + 1).replace(/:$/, "") : undefined;
    if (state === "LISTEN" || proto === "udp" && state === "UNCONN") {
      listeners.push({
        proto, local: local.address, port: local.port, recvQ: r.recvQ, sendQ: r.sendQ, backlogKnown: false,
        ...(process ? { process } : {}), line: lineNo,
      });
    } else {
      sockets.push({
        proto, state, local: local.address, localPort: local.port, peer: peer.address, peerPort: peer.port,
        recvQ: r.recvQ, sendQ: r.sendQ, line: lineNo,
      });
    }
  }
  // a header with no row is a host with no such sockets: a fact, not a failure
  if (rows === 0 && !lines.some((l) => HEADER.test(l))) return fail("netstat: no socket row");
  return ok({ listeners, sockets, socketStates }, warnings);
}

export const netstatSocketsParser: TextParser = {
  kind: "netstat-sockets",
  sniff: guardedSniff(sniff),
  parse: guarded("netstat-sockets", parse),
};
