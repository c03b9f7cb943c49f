// The war room's draft: the judged root cause (confirmed or not), rejected hypotheses with reasons, times in UTC,
// the timeline and action items, on the analysis of a real lab bundle (testdata of lib/analysis/checklist).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeBundle } from "../diagnosis/analyze";
import { draftReport, judgedAnalysis, utc, type DraftInput } from "./draft";

const LAB = path.join(__dirname, "../checklist/testdata/lab");

const incident: DraftInput["incident"] = {
  title: "Checkout 502s | spikes",
  severity: "sev2",
  status: "mitigated",
  startedAt: "2026-12-07T02:00:00.000Z",
  detectedAt: "2026-12-07T02:12:00.000Z",
  mitigatedAt: "2026-12-07T03:30:30.000Z",
  resolvedAt: null,
  commander: "Ada",
  summary: "Payment callbacks failed with 502 for about 90 minutes.",
};

describe("draftReport", () => {
  it("drafts from the confirmed root cause with every section, citations and UTC times", async () => {
    const analysis = await analyzeBundle([path.join(LAB, "keepalive_timeout_mismatch.tar.gz")]);
    expect(analysis.rootCause).toBe("keepalive_timeout_mismatch");
    const { markdown, report } = draftReport({
      incident,
      analysis,
      decisions: [{ findingId: "keepalive_timeout_mismatch", verdict: "confirmed", reason: "upstream idle timeout 1 s vs nginx 60 s", by: "Ada", at: "2026-12-07T03:00:00.000Z" }],
      timeline: [
        { at: "2026-12-07T02:12:00.000Z", kind: "detection", author: "Bo", body: "PagerDuty: 502 rate > 2 %\nsecond line" },
        { at: "2026-12-07T02:05:00.000Z", kind: "key-moment", author: null, body: "deploy of payments-api" },
      ],
      actionItems: [{ title: "Set keepalive_timeout below the upstream's idle timeout", owner: "Bo", dueDate: "2026-12-14", status: "open" }],
      gaps: [{ title: "Kernel log lines", step: "logs" }],
    });
    expect(report?.rootCause.id).toBe("keepalive_timeout_mismatch");
    for (const s of ["## Summary", "## Impact", "## Root cause", "## Trigger", "## Resolution", "## Detection", "## Action items", "## Lessons learned", "## Timeline", "## Evidence appendix"]) {
      expect(markdown).toContain(s);
    }
    expect(markdown).toContain("# Postmortem: Checkout 502s | spikes");
    expect(markdown).toContain("| Mitigated | 2026-12-07 03:30 UTC (+1 h 30 min) |");
    expect(markdown).toContain("_Confirmed by Ada on 2026-12-07 03:00 UTC: upstream idle timeout 1 s vs nginx 60 s_");
    expect(markdown).toContain("Payment callbacks failed with 502 for about 90 minutes.");
    expect(markdown).toMatch(/\| keepalive_timeout_mismatch \| proxy \| nginx-error\.log \| 9 \| /);
    expect(markdown).toContain("| Set keepalive_timeout below the upstream's idle timeout | Bo | 2026-12-14 | open |");
    expect(markdown).toMatch(/\| mitigate: .* \| — \| — \| suggested \|/);
    expect(markdown).toContain("It took 12 min to detect the incident.");
    expect(markdown).toContain("Evidence we did not have: kernel log lines.");
    // timeline oldest first, newlines folded so the table holds
    const t = markdown.indexOf("## Timeline");
    expect(markdown.indexOf("deploy of payments-api", t)).toBeLessThan(markdown.indexOf("PagerDuty", t));
    expect(markdown).toContain("| 2026-12-07 02:12 | detection | Bo | PagerDuty: 502 rate > 2 % second line |");
    // the engine's own action-item table (kind | action | risk) is replaced by ours
    expect(markdown).not.toContain("| kind | action | risk |");
  });

  it("a confirmed finding below the threshold becomes the root cause; a rejected one is listed with its reason", async () => {
    const analysis = await analyzeBundle([path.join(LAB, "accept_queue_overflow.tar.gz")]);
    const weak = { ...analysis.findings[0]!, id: "conntrack_table_full" as const, confidence: 0.2, title: "Conntrack table full" };
    const a = { ...analysis, findings: [...analysis.findings, weak] };
    const j = judgedAnalysis(a, [
      { findingId: "accept_queue_overflow", verdict: "rejected", reason: "the backlog was raised before the incident", by: "Cy", at: "2026-12-07T04:00:00.000Z" },
      { findingId: "conntrack_table_full", verdict: "confirmed", reason: null, by: "Cy", at: "2026-12-07T04:01:00.000Z" },
    ]);
    expect(j.analysis.rootCause).toBe("conntrack_table_full");
    expect(j.rejected.map((f) => f.id)).toEqual(["accept_queue_overflow"]);
    const { markdown } = draftReport({ incident, analysis: a, decisions: [
      { findingId: "accept_queue_overflow", verdict: "rejected", reason: "the backlog was raised before the incident", by: "Cy", at: "2026-12-07T04:00:00.000Z" },
      { findingId: "conntrack_table_full", verdict: "confirmed", reason: null, by: "Cy", at: "2026-12-07T04:01:00.000Z" },
    ], timeline: [], actionItems: [] });
    expect(markdown).toContain("**Conntrack table full** (`conntrack_table_full`, confidence 0.2)");
    expect(markdown).toContain("## Hypotheses ruled out");
    expect(markdown).toContain("rejected by Cy: the backlog was raised before the incident");
  });

  it("without a decision the engine's root cause stands, marked unconfirmed; without an analysis the draft says so", async () => {
    const analysis = await analyzeBundle([path.join(LAB, "accept_queue_overflow.tar.gz")]);
    expect(draftReport({ incident, analysis, decisions: [], timeline: [], actionItems: [] }).markdown).toContain("_Not yet confirmed by an engineer: this is the analysis' top finding._");
    const empty = draftReport({ incident: { ...incident, summary: null, detectedAt: null }, analysis: null, decisions: [], timeline: [], actionItems: [] });
    expect(empty.report).toBeNull();
    expect(empty.markdown).toContain("No analysis yet");
    expect(empty.markdown).toContain("None yet.");
    expect(empty.markdown).toContain("- (to be written by the team)");
  });

  it("utc() prints UTC whatever the process zone", () => {
    expect(utc("2026-12-07T10:04:59+08:00")).toBe("2026-12-07 02:04 UTC");
  });
});
