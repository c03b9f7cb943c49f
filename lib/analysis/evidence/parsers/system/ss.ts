/**
 * `ss` socket tables (-ltn, -ltnp, -lntu, -tan, -tanpie, -a, -ant4/6) and `ss -s`.
 *
 * For LISTEN sockets ss reports Recv-Q = current accept-queue length and Send-Q = the backlog
 * (min(listen() backlog, somaxconn)); those rows become `listeners`. Other tcp/udp rows become `sockets`.
 * Netlink, unix and packet rows (ss -a) are recognised and skipped. Continuation lines of -e/-i/-m
 * start with whitespace and belong to the row above.
 */
import { detached } from "../../detach";
import type { FileFacts, TextParser, Warning } from "../../parser";
import { SS_STATES, normaliseState, splitHostPort } from "./addr";
import { fail, fields, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

const NETIDS = new Set([
  "tcp", "udp", "nl", "u_str", "u_dgr", "u_seq", "raw", "p_raw", "p_dgr", "icmp6", "v_str", "v_dgr", "tipc",
  "mptcp", "sctp", "xdp", "u_seqpacket", "udp6", "tcp6", "???",
]);
const HEADER = /^(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port/;

function processName(rest: string): string | undefined {
  const at = rest.indexOf('users:(("');
  if (at < 0) return undefined;
  const start = at + 9;
  const end = rest.indexOf('"', start);
  return end > start ? rest.slice(start, end) : undefined;
}

type Row = {
  netid?: string; state: string; recvQ: number; sendQ: number; local: string; peer: string; rest: string;
};

function parseRow(line: string): Row | undefined {
  const f = fields(line);
  let k = 0;
  let netid: string | undefined;
  if (f.length > 0 && NETIDS.has(f[0])) {
    netid = f[0];
    k = 1;
  }
  if (f.length < k + 5) return undefined;
  const state = normaliseState(f[k]);
  if (!SS_STATES.has(state)) return undefined;
  if (!/^\d+$/.test(f[k + 1]) || !/^\d+$/.test(f[k + 2])) return undefined;
  return {
    netid, state, recvQ: Number(f[k + 1]), sendQ: Number(f[k + 2]), local: f[k + 3], peer: f[k + 4],
    rest: f.slice(k + 5).join(" "),
  };
}

type Table = { header: boolean; rows: Row[]; lines: number };
// the socket and the listen sniffers read the same head one after the other
let tableHead: string | undefined;
let tableOf: Table = { header: false, rows: [], lines: 0 };

function table(head: string): Table {
  if (head.length > 65536) return tableUncached(head);
  if (head !== tableHead) {
    // a copy, computed from: a slice of a file's text held here would keep the whole text alive (detach.ts)
    tableHead = detached(head);
    tableOf = tableUncached(tableHead);
  }
  return tableOf;
}

function tableUncached(head: string): Table {
  const lines = headLines(head, 80);
  let header = false;
  const rows: Row[] = [];
  let counted = 0;
  for (const l of lines) {
    if (HEADER.test(l)) {
      header = true;
      continue;
    }
    if (/^\s/.test(l)) continue; // -e/-i continuation
    counted++;
    const r = parseRow(l);
    if (r) rows.push(r);
  }
  return { header, rows, lines: counted };
}

function sniffTable(head: string, wantListen: boolean): number {
  const t = table(head);
  // a header alone is a real answer (no such sockets: nothing listens), though -l cannot be told apart
  if (t.rows.length === 0) return t.header && t.lines === 0 ? (wantListen ? 0.55 : 0.6) : 0;
  const frac = t.rows.length / Math.max(1, t.lines);
  if (frac < 0.6) return 0;
  const inet = t.rows.filter((r) => !r.netid || r.netid === "tcp" || r.netid === "udp");
  const allListen = inet.length > 0 && inet.every((r) => r.state === "LISTEN" || r.state === "UNCONN");
  const base = 0.55 + 0.25 * frac + (t.header ? 0.15 : 0);
  // an all-LISTEN table is `ss -l`; anything else is a socket listing. Both parse the same way.
  if (wantListen) return allListen ? base + 0.04 : base - 0.1;
  return allListen ? base - 0.05 : base;
}

function parseTable(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const listeners: NonNullable<FileFacts["listeners"]> = [];
  const sockets: NonNullable<FileFacts["sockets"]> = [];
  const socketStates: Record<string, number> = {};
  let rows = 0;
  let header = false;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "") continue;
    if (HEADER.test(l)) {
      header = true;
      continue;
    }
    if (/^\s/.test(l)) continue;
    const r = parseRow(l);
    if (!r) {
      warnings.push({ line: lineNo, message: `not an ss row: ${l.slice(0, 120)}` });
      continue;
    }
    rows++;
    // without a Netid column ss was asked for one protocol; UNCONN only exists for datagram sockets
    const proto = r.netid ?? (r.state === "UNCONN" ? "udp" : "tcp");
    if (proto !== "tcp" && proto !== "udp") continue;
    const local = splitHostPort(r.local);
    const peer = splitHostPort(r.peer);
    if (!local || !peer) {
      warnings.push({ line: lineNo, message: `unreadable address in: ${l.slice(0, 120)}` });
      continue;
    }
    if (proto === "tcp") socketStates[r.state] = (socketStates[r.state] ?? 0) + 1;
    if (r.state === "LISTEN" || proto === "udp" && r.state === "UNCONN") {
      const process = processName(r.rest);
      listeners.push({
        proto, local: local.address, port: local.port, recvQ: r.recvQ, sendQ: r.sendQ,
        ...(proto === "udp" ? { backlogKnown: false } : {}), ...(process ? { process } : {}), line: lineNo,
      });
    } else {
      sockets.push({
        proto, state: r.state, local: local.address, localPort: local.port, peer: peer.address,
        peerPort: peer.port, recvQ: r.recvQ, sendQ: r.sendQ, line: lineNo,
      });
    }
  }
  if (rows === 0 && !header) return fail("ss: no socket row");
  return ok({ listeners, sockets, socketStates }, warnings);
}

export const ssListenParser: TextParser = {
  kind: "ss-listen",
  sniff: guardedSniff((h) => sniffTable(h, true)),
  parse: guarded("ss-listen", parseTable),
};

export const ssSocketsParser: TextParser = {
  kind: "ss-sockets",
  sniff: guardedSniff((h) => sniffTable(h, false)),
  parse: guarded("ss-sockets", parseTable),
};

/**
 * `ss -s`:
 *   Total: 18
 *   TCP:   220 (estab 0, closed 218, orphaned 0, timewait 0)      (older: synrecv 0, timewait 0/0), ports 0)
 *   Transport Total     IP        IPv6
 *   TCP	  2         2         0
 * → counters Ss.Total, Ss.TCP, Ss.TCP.estab…, Ss.Transport.TCP.Total/IP/IPv6 and socketStates
 * ESTAB / CLOSED / ORPHANED / TIME-WAIT / SYN-RECV.
 */
const SUMMARY_STATE: Record<string, string> = {
  estab: "ESTAB", closed: "CLOSED", orphaned: "ORPHANED", timewait: "TIME-WAIT", synrecv: "SYN-RECV",
};

function sniffSummary(head: string): number {
  const lines = headLines(head, 20);
  const total = lines.some((l) => /^Total: \d+/.test(l));
  const tcp = lines.some((l) => /^TCP:\s+\d+ \(estab \d+/.test(l));
  const transport = lines.some((l) => /^Transport\s+Total\s+IP\s+IPv6/.test(l));
  return (total ? 0.3 : 0) + (tcp ? 0.5 : 0) + (transport ? 0.15 : 0);
}

function parseSummary(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const counters: NonNullable<FileFacts["counters"]> = {};
  const socketStates: Record<string, number> = {};
  let inTransport = false;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "") continue;
    let m = /^Total: (\d+)/.exec(l);
    if (m) {
      counters["Ss.Total"] = { value: Number(m[1]), line: lineNo };
      continue;
    }
    m = /^TCP:\s+(\d+) \((.*)\)/.exec(l);
    if (m) {
      counters["Ss.TCP"] = { value: Number(m[1]), line: lineNo };
      for (const part of m[2].split(",")) {
        const kv = /^\s*([a-z]+) (\d+)(?:\/(\d+))?\s*$/.exec(part);
        if (!kv) continue;
        counters[`Ss.TCP.${kv[1]}`] = { value: Number(kv[2]), line: lineNo };
        const st = SUMMARY_STATE[kv[1]];
        if (st) socketStates[st] = Number(kv[2]);
      }
      const ports = /ports (\d+)/.exec(l.slice(m[0].length));
      if (ports) counters["Ss.TCP.ports"] = { value: Number(ports[1]), line: lineNo };
      continue;
    }
    if (/^Transport\s+Total\s+IP\s+IPv6/.test(l)) {
      inTransport = true;
      continue;
    }
    const f = fields(l);
    if (inTransport && f.length === 4 && /^[A-Z]+$/.test(f[0]) && f.slice(1).every((x) => /^(\d+|-)$/.test(x))) {
      const names = ["Total", "IP", "IPv6"];
      for (let k = 0; k < 3; k++) {
        if (f[k + 1] !== "-") counters[`Ss.Transport.${f[0]}.${names[k]}`] = { value: Number(f[k + 1]), line: lineNo };
      }
      continue;
    }
    warnings.push({ line: lineNo, message: `not an ss -s line: ${l.slice(0, 120)}` });
  }
  if (counters["Ss.TCP"] === undefined && counters["Ss.Total"] === undefined) return fail("ss -s: no Total/TCP line");
  return ok({ counters, socketStates }, warnings);
}

export const ssSummaryParser: TextParser = {
  kind: "ss-summary",
  sniff: guardedSniff(sniffSummary),
  parse: guarded("ss-summary", parseSummary),
};
