// The report's PDF from a real draft: Chromium prints it (A4, tagged, an outline from the headings), with the one
// print stylesheet; the HTML it prints carries the report's content and no script.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeBundle } from "../../analysis/diagnosis";
import { draftReport } from "../../analysis/report";
import { closePdfBrowser, reportHtml, reportPdf } from "./pdf";

const LAB = path.resolve(__dirname, "../../analysis/checklist/testdata/lab");

describe("report PDF", () => {
  afterAll(() => closePdfBrowser());

  it("prints the draft of a real analysis", async () => {
    const analysis = await analyzeBundle([path.join(LAB, "accept_queue_overflow.tar.gz")]);
    const { markdown } = draftReport({
      incident: { title: "Images <fail> to load", severity: "sev2", status: "open", startedAt: "2026-12-07T09:00:00Z", detectedAt: null, mitigatedAt: null, resolvedAt: null, commander: null, summary: null },
      analysis, decisions: [], timeline: [], actionItems: [],
    });
    const html = await reportHtml(`${markdown}\n\n<script>alert(1)</script>\n`, "Postmortem: Images <fail> to load");
    expect(html).toContain("<title>Postmortem: Images &lt;fail&gt; to load</title>");
    expect(html).toContain("<h2>Root cause</h2>");
    expect(html).toContain("<table>");
    expect(html).toContain(".report-doc h2"); // the print stylesheet, inlined
    expect(html).not.toContain("<script>alert(1)</script>");
    const pdf = await reportPdf(markdown, "Postmortem: Images <fail> to load");
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(10_000);
    const text = pdf.toString("latin1");
    expect(text).toMatch(/\/StructTreeRoot/); // tagged
    expect(text).toMatch(/\/Outlines/); // headings as bookmarks
    expect(text).toMatch(/\/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]/); // A4
  }, 60_000);
});
