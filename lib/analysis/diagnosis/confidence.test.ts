/**
 * What a confidence means: over every case held here with a known answer (the 5 seed bundles, the seed
 * fragments pasted, the recorded paste-style cases; e2e/lab's bundles are checked by lab.test.ts when root),
 * every finding the engine gives is right when its id is the case's cause and wrong otherwise (on a
 * healthy case every finding is wrong). The test prints, per confidence band, how many findings fell in it
 * and how often they were right, and holds the bands to it: the root-cause bands must be right nearly
 * always, and a higher band never less often than a lower one.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeBundle } from "./analyze";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const T = (...p: string[]) => path.join(HERE, "testdata", ...p);
type Case = { name: string; paths: string[]; expect: string; latencies?: number[] };

const cases: Case[] = [
  { name: "seed 000", paths: [T("seeds", "000-overlay-mtu")], expect: "overlay_mtu_mismatch" },
  { name: "seed 001", paths: [T("seeds", "001-tw-recycle-swarm")], expect: "tw_recycle_nat_paws" },
  { name: "seed 002", paths: [T("seeds", "002-nodeport")], expect: "port_range_nodeport_collision" },
  { name: "seed 003", paths: [T("seeds", "003-tw-recycle-nat")], expect: "tw_recycle_nat_paws" },
  { name: "seed 004", paths: [T("seeds", "004-accept-queue")], expect: "accept_queue_overflow" },
  { name: "seed 004 pasted", paths: [T("pastes", "seed-004", "netstat.txt"), T("pastes", "seed-004", "tcpdump.txt")], expect: "accept_queue_overflow" },
  { name: "seed 002 pasted", paths: [T("pastes", "seed-002", "sysctl.txt"), T("pastes", "seed-002", "tcp-sysctls.txt")], expect: "port_range_nodeport_collision", latencies: [31.7] },
  ...(JSON.parse(readFileSync(T("pastes", "recorded", "cases.json"), "utf8")) as Array<{ id: string; expect: string; files: string[] }>)
    .map((c) => ({ name: c.id, paths: c.files.map((f) => T("pastes", "recorded", c.id, f)), expect: c.expect })),
];

const BANDS: Array<[number, number]> = [[0.8, 1.01], [0.5, 0.8], [0.3, 0.5], [0, 0.3]];

describe("confidence bands", () => {
  it(`per band, how often findings were right over ${cases.length} cases`, async () => {
    const tally = BANDS.map(() => ({ right: 0, wrong: 0 }));
    const wrongHigh: string[] = [];
    for (const c of cases) {
      const a = await analyzeBundle(c.paths, c.latencies ? { latencies: c.latencies } : {});
      for (const f of a.findings) {
        const b = BANDS.findIndex(([lo, hi]) => f.confidence >= lo && f.confidence < hi);
        const right = f.id === c.expect;
        tally[b]![right ? "right" : "wrong"]++;
        if (!right && f.confidence >= 0.5) wrongHigh.push(`${c.name}: ${f.id} ${f.confidence}`);
      }
    }
    const rows = BANDS.map(([lo, hi], i) => {
      const t = tally[i]!;
      const n = t.right + t.wrong;
      return { band: `[${lo}, ${Math.min(hi, 1)}${hi > 1 ? "]" : ")"}`, findings: n, right: t.right, rate: n ? t.right / n : NaN };
    });
    console.log(`confidence bands over ${cases.length} cases:\n${rows.map((r) => `  ${r.band.padEnd(11)} ${String(r.findings).padStart(4)} findings, ${String(r.right).padStart(3)} right (${Number.isNaN(r.rate) ? "-" : `${Math.round(r.rate * 100)}%`})`).join("\n")}`);
    expect(wrongHigh, "wrong findings at root-cause confidence").toEqual([]);
    expect(rows[0]!.rate).toBeGreaterThanOrEqual(0.95);
    expect(rows[1]!.findings === 0 || rows[1]!.rate >= 0.9).toBe(true);
    const rates = rows.map((r) => r.rate).filter((r) => !Number.isNaN(r));
    for (let i = 1; i < rates.length; i++) expect(rates[i - 1]!).toBeGreaterThanOrEqual(rates[i]!);
  }, 120_000);
});
