/**
 * How a held-out or recorded case is judged (testdata/heldout, scripts/record/heldout/evaluate.ts, confidence.test.ts):
 * a hit is the expected root cause, or — when the evidence is too thin to confirm it — the expected leading
 * hypothesis with at least one next step; a healthy or unrelated case (`none`) is a hit only with no root cause
 * and no leading hypothesis.
 */
import type { Analysis } from "./model";

export type HeldoutCase = {
  id: string;
  expect: string;
  recording: string;
  shapes: string[];
  seen: string;
  fair: string;
  shows: string;
  input: "files" | "folder";
  files: string[];
};

export type Verdict = { hit: boolean; got: string; findings: string };

export function judge(c: Pick<HeldoutCase, "expect">, a: Analysis): Verdict {
  const findings = a.findings.map((f) => `${f.id} ${f.confidence}${f.basis === "configuration" ? " (configuration)" : ""}`).join(", ");
  if (c.expect === "none") {
    const hit = a.rootCause === "none" && a.leading === null;
    return { hit, got: a.rootCause !== "none" ? `root ${a.rootCause}` : a.leading ? `leading ${a.leading.id}` : "none", findings };
  }
  if (a.rootCause !== "none") return { hit: a.rootCause === c.expect, got: `root ${a.rootCause}`, findings };
  if (a.leading) return { hit: a.leading.id === c.expect && a.leading.next.length > 0, got: `leading ${a.leading.id} (${a.leading.next.length} next)`, findings };
  return { hit: false, got: "none", findings };
}
