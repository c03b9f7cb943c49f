/**
 * What a confidence means: over every case held here with a known answer (the 5 seed bundles, the seed
 * fragments pasted, the recorded paste-style cases, the held-out cases of testdata/heldout; e2e/lab's
 * bundles are checked by lab.test.ts when root),
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
import { judge, type HeldoutCase } from "./heldout";
import type { Analysis } from "./model";

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
// cases the engine was never tuned on (testdata/heldout/MANIFEST.md): no rule may name one of their files,
// hosts or values; a change that helps them is a general rule with its own test on other recordings
const heldout = JSON.parse(readFileSync(T("heldout", "cases.json"), "utf8")) as HeldoutCase[];
for (const c of heldout) {
  cases.push({ name: `heldout/${c.id}`, paths: c.input === "folder" ? [T("heldout", c.id)] : c.files.map((f) => T("heldout", c.id, f)), expect: c.expect });
}
// each case analysed once for both tests
const analyses = new Map<string, Promise<Analysis>>();
const analysis = (c: Case) => {
  let a = analyses.get(c.name);
  if (!a) analyses.set(c.name, (a = analyzeBundle(c.paths, c.latencies ? { latencies: c.latencies } : {})));
  return a;
};

const BANDS: Array<[number, number]> = [[0.8, 1.01], [0.5, 0.8], [0.3, 0.5], [0, 0.3]];

describe("confidence bands", () => {
  it(`per band, how often findings were right over ${cases.length} cases`, async () => {
    const tally = BANDS.map(() => ({ right: 0, wrong: 0 }));
    const wrongHigh: string[] = [];
    for (const c of cases) {
      const a = await analysis(c);
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
  }, 180_000);

  it(`held-out: ${heldout.length} cases never tuned on, hit rate and no false alarm on the healthy ones`, async () => {
    const rows: string[] = [];
    let hits = 0;
    const healthyMissed: string[] = [];
    for (const c of cases.filter((x) => x.name.startsWith("heldout/"))) {
      const v = judge(c, await analysis(c));
      if (v.hit) hits++;
      else if (c.expect === "none") healthyMissed.push(`${c.name}: ${v.got}`);
      rows.push(`  ${v.hit ? "hit " : "MISS"} ${c.name.padEnd(48)} expect ${c.expect.padEnd(34)} got ${v.got}`);
    }
    console.log(`held-out: ${hits}/${heldout.length}\n${rows.join("\n")}`);
    expect(healthyMissed, "healthy or unrelated held-out cases with a root cause or a leading hypothesis").toEqual([]);
    // the floor reached so far (15/30 before any change, 26/30 at the end of session 5): it may only rise
    expect(hits).toBeGreaterThanOrEqual(26);
  }, 180_000);
});
