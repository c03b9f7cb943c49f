import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { emptyHost } from "../evidence/model";
import { diagnose } from "../diagnosis/diagnose";
import { Postmortem, toMarkdown, toReport, formatText } from ".";

function analysisWithConntrackFull() {
  const h = emptyHost("node-1");
  h.conntrack.count = { value: 131070, cite: { file: "nf_conntrack_count", line: 1 } };
  h.conntrack.max = { value: 131072, cite: { file: "nf_conntrack_max", line: 1 } };
  h.logEvents.push({ kind: "conntrack_table_full", message: "nf_conntrack: table full, dropping packet", cite: { file: "dmesg.txt", line: 42 } });
  return diagnose({ hosts: [h], captures: [], latencies: [3.02] });
}

describe("postmortem report", () => {
  it("turns the top finding into root cause, resolution and action items, with an evidence appendix", () => {
    const a = analysisWithConntrackFull();
    const r = toReport(a);
    expect(Postmortem.safeParse(r).success).toBe(true);
    expect(r.rootCause.id).toBe("conntrack_table_full");
    expect(r.resolution).toContain("nf_conntrack_max");
    expect(r.actionItems.map((x) => x.kind)).toEqual(expect.arrayContaining(["mitigate", "detect"]));
    expect(r.evidenceAppendix.some((e) => e.file === "dmesg.txt" && e.line === 42)).toBe(true);
    expect(r.impact).toContain("3.02 s");
  });
  it("renders Markdown with every section and the cited evidence", () => {
    const md = toMarkdown(toReport(analysisWithConntrackFull()));
    for (const s of ["## Summary", "## Impact", "## Root cause", "## Trigger", "## Resolution", "## Detection", "## Action items", "## Evidence appendix", "## What was checked"]) {
      expect(md).toContain(s);
    }
    expect(md).toContain("| conntrack_table_full | node-1 | dmesg.txt | 42 |");
  });
  it("a `none` analysis still gives a draft that says what was checked", () => {
    const a = diagnose({ hosts: [emptyHost("quiet")], captures: [] });
    const r = toReport(a);
    expect(r.rootCause.id).toBe("none");
    expect(r.actionItems).toHaveLength(0);
    expect(r.checked.length).toBe(13);
    expect(toMarkdown(r)).toContain("no network- or kernel-level root cause");
    expect(formatText(a)).toContain("Root cause: none found");
  });
  it("escapes table pipes in facts", () => {
    const a = analysisWithConntrackFull();
    a.findings[0]!.evidence[0]!.fact = "a | b";
    expect(toMarkdown(toReport(a))).toContain("a \\| b");
  });
});

describe("impact from the evidence", () => {
  it("seed 002: the ingress access log's 5 requests (4 × 200, 1 × 502; counted with awk) and the 32.05 s request", async () => {
    const { analyzeBundle } = await import("../diagnosis/analyze");
    const here = path.dirname(fileURLToPath(import.meta.url));
    const a = await analyzeBundle([path.join(here, "../diagnosis/testdata/seeds/002-nodeport")]);
    expect(a.observed?.requests).toEqual({ total: 5, byStatus: { "200": 4, "502": 1 }, errors5xx: 1 });
    const r = toReport(a);
    expect(r.impact).toContain("1 of 5 logged requests failed with 5xx (4 × 200, 1 × 502)");
    expect(r.impact).toContain("Slowest observed latency: 32.05 s");
  });
});
