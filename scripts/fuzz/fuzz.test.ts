/**
 * CI's smoke of `npm run fuzz` (seconds): every target runs a few hundred deterministic inputs in its worker
 * with the hang and memory watch, and must report no crash, hang or over-memory input. The campaigns at scale
 * (10^6 inputs per target) are run by hand: see lib/analysis/bundle/README.md, "Fuzzing".
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { TARGETS } from "./targets";

it("every target: 150 inputs, 0 crashes, 0 hangs over 5 s, 0 over the memory budget", () => {
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "run.ts"), "--target", Object.keys(TARGETS).join(","), "--runs", "150", "--seed", "7"], {
    encoding: "utf8", timeout: 170_000,
  });
  const rows = out.split("\n").filter((l) => l.startsWith("| "));
  expect(rows.map((r) => r.split("|")[1]!.trim())).toEqual(Object.keys(TARGETS));
  for (const r of rows) expect(r.split("|").slice(5, 8).map((c) => c.trim()), r).toEqual(["0", "0", "0"]);
}, 180_000);

it("inputs are deterministic: input i of seed s is always the same bytes (so a failure replays)", () => {
  for (const t of Object.values(TARGETS)) expect(Buffer.from(t.input(3, 42)).equals(Buffer.from(t.input(3, 42)))).toBe(true);
});
