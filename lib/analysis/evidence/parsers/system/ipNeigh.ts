/**
 * `ip neigh`: `10.0.0.2 dev eth0 lladdr 22:36:58:bf:8b:4d REACHABLE`. The contract has no neighbour list,
 * so the file yields counts by NUD state (Neigh.total, Neigh.REACHABLE, Neigh.FAILED…): many FAILED /
 * INCOMPLETE entries point at an unreachable next hop or a neighbour table under pressure.
 */
import type { CounterReading, TextParser, Warning } from "../../parser";
import { fail, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

const STATES = new Set(["REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "INCOMPLETE", "PERMANENT", "NOARP", "NONE"]);
const LINE = /^([0-9a-fA-F.:]+) (dev \S+ )?(lladdr \S+ )?(router )?(proxy )?(extern_learn )?(offload )?/;

function stateOf(line: string): string | undefined {
  const words = line.trim().split(/\s+/);
  const last = words[words.length - 1];
  if (STATES.has(last)) return last;
  // `ip -s neigh` appends "used a/b/c probes n STATE"
  for (let k = words.length - 1; k >= 0; k--) if (STATES.has(words[k])) return words[k];
  return undefined;
}

function sniff(head: string): number {
  const lines = headLines(head, 40);
  if (lines.length === 0) return 0;
  let good = 0;
  for (const l of lines) if (LINE.test(l) && / dev /.test(l) && stateOf(l)) good++;
  const frac = good / lines.length;
  return frac < 0.6 ? 0 : 0.6 + 0.35 * frac;
}

function parse(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const counters: CounterReading = {};
  let total = 0;
  let lastLine = 0;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === "") continue;
    const st = LINE.test(l) ? stateOf(l) : undefined;
    if (!st) {
      warnings.push({ line: i + 1, message: `not a neighbour entry: ${l.slice(0, 120)}` });
      continue;
    }
    total++;
    lastLine = i + 1;
    const k = `Neigh.${st}`;
    counters[k] = { value: (counters[k]?.value ?? 0) + 1, line: counters[k]?.line ?? i + 1 };
  }
  if (total === 0) return fail("ip neigh: no entry");
  counters["Neigh.total"] = { value: total, line: lastLine };
  return ok({ counters }, warnings);
}

export const ipNeighParser: TextParser = {
  kind: "ip-neigh",
  sniff: guardedSniff(sniff),
  parse: guarded("ip-neigh", parse),
};
