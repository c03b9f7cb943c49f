/**
 * Runs the engine on every held-out case (lib/analysis/diagnosis/testdata/heldout, or DIR) the way a user would
 * (`netmortem analyze` on the case's files, or on its folder) and prints, per case, what it answered and whether
 * that is a hit: the expected root cause, or the expected leading hypothesis with a next step; for a healthy case,
 * `none` with no leading hypothesis. Ends with the hit rate.
 *
 *   npx tsx scripts/record/heldout/evaluate.ts [DIR] [--json]
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { analyzeBundle } from "../../../lib/analysis/diagnosis/analyze";
import { judge, type HeldoutCase } from "../../../lib/analysis/diagnosis/heldout";

const args = process.argv.slice(2);
const json = args.includes("--json");
const dir = args.find((a) => !a.startsWith("--")) ?? path.join(process.cwd(), "lib/analysis/diagnosis/testdata/heldout");
const cases = JSON.parse(readFileSync(path.join(dir, "cases.json"), "utf8")) as HeldoutCase[];
const rows = [];
let hits = 0;
for (const c of cases) {
  let verdict;
  try {
    const inputs = c.input === "folder" ? [path.join(dir, c.id)] : c.files.map((f) => path.join(dir, c.id, f));
    verdict = judge(c, await analyzeBundle(inputs));
  } catch (e) {
    verdict = { hit: false, got: `error: ${(e as Error).message}`, findings: "" };
  }
  if (verdict.hit) hits++;
  rows.push({ id: c.id, expect: c.expect, ...verdict });
  if (!json) console.log(`${verdict.hit ? "hit " : "MISS"} ${c.id.padEnd(40)} expect ${c.expect.padEnd(34)} got ${verdict.got}${verdict.findings ? `  [${verdict.findings}]` : ""}`);
}
if (json) console.log(JSON.stringify({ hits, total: cases.length, rows }, null, 2));
else console.log(`\nhit rate: ${hits}/${cases.length}`);
