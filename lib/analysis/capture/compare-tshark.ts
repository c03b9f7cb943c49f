/**
 * Flow-by-flow comparison of a CaptureSummary with tshark's TCP streams: the recorder of the test
 * fixture (scripts/record/tshark-streams.ts), the check on any capture (scripts/check/vs-tshark.ts) and
 * streams.test.ts share it. tshark's figures come from one `tshark -T fields` run (TSHARK_ARGS).
 */
import type { CaptureSummary, FlowSummary } from "./model";

/** one tcp.stream; retrans counts retransmission, fast and spurious retransmission; outOfOrder apart */
export type TsharkStream = { a: string; b: string; ab: number; ba: number; syn: number; rst: number; retrans: number; outOfOrder: number; dupAcks: number; zeroWindows: number; payload: number };

const FIELDS = ["tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport", "tcp.flags.syn", "tcp.flags.reset", "tcp.analysis.retransmission", "tcp.analysis.fast_retransmission", "tcp.analysis.spurious_retransmission", "tcp.analysis.out_of_order", "tcp.analysis.duplicate_ack", "tcp.analysis.zero_window", "tcp.len", "frame.protocols"];

/**
 * tshark's arguments for one capture. VXLAN on 8472 (flannel's port) is decoded like 4789; TCP headers
 * sampled inside sFlow datagrams are not connections, nor are the packets ICMP errors quote.
 */
export function tsharkArgs(file: string): string[] {
  const args = ["-r", file, "-d", "udp.port==8472,vxlan", "-Y", "tcp && !icmp && !icmpv6 && !sflow", "-T", "fields", "-E", "occurrence=l"];
  for (const x of FIELDS) args.push("-e", x);
  return args;
}

/** tshark's field output → one entry per tcp.stream, in stream order */
export function parseTsharkFields(text: string): TsharkStream[] {
  const streams = new Map<string, TsharkStream>();
  for (const line of text.split("\n")) {
    if (!line) continue;
    const [st, s4, s6, sp, d4, d6, dp, syn, rst, rtx, frtx, srtx, ooo, dup, zw, len, protos] = line.split("\t");
    // the innermost IP layer's addresses (IPv6 in IPv4, IPv4 in IPv6: both fields are set)
    const layers = (protos ?? "").split(":");
    const v6 = s4 && s6 ? layers.lastIndexOf("ipv6") > layers.lastIndexOf("ip") : !s4;
    const src = `${v6 ? s6 : s4}:${sp}`;
    const dst = `${v6 ? d6 : d4}:${dp}`;
    let e = streams.get(st);
    if (!e) {
      e = { a: src, b: dst, ab: 0, ba: 0, syn: 0, rst: 0, retrans: 0, outOfOrder: 0, dupAcks: 0, zeroWindows: 0, payload: 0 };
      streams.set(st, e);
    }
    if (src === e.a) e.ab++;
    else e.ba++;
    if (syn === "1" || syn === "True") e.syn++;
    if (rst === "1" || rst === "True") e.rst++;
    if (rtx || frtx || srtx) e.retrans++;
    else if (ooo) e.outOfOrder++;
    if (dup) e.dupAcks++;
    if (zw) e.zeroWindows++;
    e.payload += Number(len || 0);
  }
  return [...streams.values()];
}

export type Mismatch = { stream: string; field: string; tshark: number | string; ours: number | string };

const ep = (e: FlowSummary["orig"]) => `${e.addr}:${e.port}`;

/**
 * Matches every tshark stream to one of our TCP flows (same endpoints either way round, same frames each
 * way) and compares the other facts. Our retransmissions are tshark's plus its out-of-order segments
 * (a re-sent segment arriving within an RTT is out-of-order for tshark; README: Definitions).
 * The summary must keep all flows (maxFlowsKept large enough).
 */
export function compareWithTshark(s: CaptureSummary, streams: TsharkStream[]): { matched: number; mismatches: Mismatch[] } {
  const ours = s.flows.filter((f) => f.proto === "tcp");
  // endpoints → our flows, in order, so that a capture with 100 000 connections is not quadratic
  const byPair = new Map<string, number[]>();
  ours.forEach((f, j) => {
    const k = [ep(f.orig), ep(f.resp)].sort().join("|");
    const l = byPair.get(k);
    if (l) l.push(j);
    else byPair.set(k, [j]);
  });
  const used = new Set<number>();
  const mismatches: Mismatch[] = [];
  let matched = 0;
  for (const t of streams) {
    const name = `${t.a}->${t.b}`;
    const cands = byPair.get([t.a, t.b].sort().join("|")) ?? [];
    const i = cands.find((j) => {
      if (used.has(j)) return false;
      const f = ours[j];
      return ep(f.orig) === t.a ? f.origPackets === t.ab && f.respPackets === t.ba : f.origPackets === t.ba && f.respPackets === t.ab;
    });
    if (i === undefined) {
      mismatches.push({ stream: name, field: "flow", tshark: `${t.ab}/${t.ba} frames`, ours: "no flow with these endpoints and frame counts" });
      continue;
    }
    used.add(i);
    matched++;
    const f = ours[i];
    const got: Record<string, number> = {
      syn: f.synTimes.length + f.synAckTimes.length,
      rst: f.resets.orig + f.resets.resp,
      retrans: f.retransmissions.orig + f.retransmissions.resp,
      dupAcks: f.dupAcks.orig + f.dupAcks.resp,
      zeroWindows: f.zeroWindows.orig + f.zeroWindows.resp,
      payload: f.payloadBytes.orig + f.payloadBytes.resp,
    };
    const want: Record<string, number> = { syn: t.syn, rst: t.rst, retrans: t.retrans + t.outOfOrder, dupAcks: t.dupAcks, zeroWindows: t.zeroWindows, payload: t.payload };
    for (const k of Object.keys(want)) if (got[k] !== want[k]) mismatches.push({ stream: name, field: k, tshark: want[k], ours: got[k] });
  }
  ours.forEach((f, j) => {
    if (!used.has(j)) mismatches.push({ stream: `${ep(f.orig)}->${ep(f.resp)}`, field: "flow", tshark: "no stream", ours: `${f.origPackets}/${f.respPackets} frames, ${f.connState}` });
  });
  return { matched, mismatches };
}
