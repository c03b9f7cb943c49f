/**
 * /proc/net/sockstat and sockstat6: `TCP: inuse 4 orphan 0 tw 4 alloc 17 mem 1` → Sockstat.TCP.inuse…
 * (sockstat6's `TCP6:` lines become Sockstat.TCP6.inuse). `tw` is the number of TIME-WAIT sockets, so it
 * also feeds socketStates["TIME-WAIT"]; note `mem` is in pages, not bytes.
 */
import type { CounterReading, TextParser, Warning } from "../../parser";
import { fail, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

const LINE = /^(sockets|TCP6?|UDP6?|UDPLITE6?|RAW6?|FRAG6?|MPTCP|SCTP6?|DCCP6?): ?(.*)$/;

function pairs(rest: string): Array<[string, number]> | undefined {
  const f = rest.trim().split(/\s+/);
  if (f.length < 2 || f.length % 2 !== 0) return undefined;
  const out: Array<[string, number]> = [];
  for (let k = 0; k < f.length; k += 2) {
    if (!/^[a-z_]+$/.test(f[k]) || !/^\d+$/.test(f[k + 1])) return undefined;
    out.push([f[k], Number(f[k + 1])]);
  }
  return out;
}

function sniff(head: string): number {
  const lines = headLines(head, 20);
  if (lines.length === 0) return 0;
  let good = 0;
  for (const l of lines) {
    const m = LINE.exec(l);
    if (m && pairs(m[2])) good++;
  }
  const frac = good / lines.length;
  return frac < 0.6 ? 0 : 0.6 + 0.35 * frac;
}

function parse(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const counters: CounterReading = {};
  const socketStates: Record<string, number> = {};
  let n = 0;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === "") continue;
    const m = LINE.exec(l);
    const p = m ? pairs(m[2]) : undefined;
    if (!m || !p) {
      warnings.push({ line: i + 1, message: `not a sockstat line: ${l.slice(0, 120)}` });
      continue;
    }
    for (const [k, v] of p) counters[`Sockstat.${m[1]}.${k}`] = { value: v, line: i + 1 };
    if (m[1] === "TCP") {
      const tw = p.find(([k]) => k === "tw");
      if (tw) socketStates["TIME-WAIT"] = tw[1];
    }
    n++;
  }
  if (n === 0) return fail("sockstat: no protocol line");
  return ok(Object.keys(socketStates).length ? { counters, socketStates } : { counters }, warnings);
}

export const sockstatParser: TextParser = {
  kind: "sockstat",
  sniff: guardedSniff(sniff),
  parse: guarded("sockstat", parse),
};
