/**
 * The war room's postmortem draft: the analysis as the engineers judged it (the root cause they confirmed, the
 * hypotheses they rejected and why), the incident's times, its timeline and action items, and what the checklist
 * could not check. Pure: the server loads the rows and passes them in; the Markdown it returns is what the
 * editor starts from.
 */
import type { Analysis, Finding } from "../diagnosis/model";
import { toMarkdown, toReport } from "./postmortem";
import type { Postmortem } from "./model";

export type DraftIncident = {
  title: string;
  severity: string;
  status: string;
  startedAt: string;
  detectedAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  commander: string | null;
  summary: string | null;
};

export type DraftDecision = { findingId: string; verdict: "confirmed" | "rejected"; reason: string | null; by: string | null; at: string };
export type DraftTimelineEvent = { at: string; kind: string; author: string | null; body: string };
export type DraftActionItem = { title: string; owner: string | null; dueDate: string | null; status: string; kind?: string | null };
/** checklist items nobody could check for want of evidence (their titles), for the lessons learned */
export type DraftGap = { title: string; step: string };

export type DraftInput = {
  incident: DraftIncident;
  analysis: Analysis | null;
  decisions: DraftDecision[];
  timeline: DraftTimelineEvent[];
  actionItems: DraftActionItem[];
  gaps?: DraftGap[];
};

/** "2026-12-07 10:04 UTC": postmortems are read across time zones, so times are UTC and say so. */
export function utc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function duration(from: string, to: string | null): string | null {
  if (!to) return null;
  const s = Math.round((new Date(to).getTime() - new Date(from).getTime()) / 1000);
  if (!Number.isFinite(s) || s < 0) return null;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${s} s`;
}

/** Table cells: pipes escaped, newlines folded, so a note cannot break the table. */
function cell(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ").trim();
}

/**
 * The analysis as judged: a confirmed finding becomes the root cause whatever its confidence; rejected findings
 * leave the alternatives. Without a confirmation the engine's own root cause stands (flagged as unconfirmed).
 */
export function judgedAnalysis(a: Analysis, decisions: DraftDecision[]): { analysis: Analysis; confirmed: Finding | null; rejected: Finding[] } {
  const rejectedIds = new Set(decisions.filter((d) => d.verdict === "rejected").map((d) => d.findingId));
  const confirmedId = decisions.find((d) => d.verdict === "confirmed")?.findingId;
  const confirmed = (confirmedId && a.findings.find((f) => f.id === confirmedId)) || null;
  const rejected = a.findings.filter((f) => rejectedIds.has(f.id) && f.id !== confirmed?.id);
  const rest = a.findings.filter((f) => f !== confirmed && !rejectedIds.has(f.id));
  if (confirmed) return { analysis: { ...a, rootCause: confirmed.id, findings: [confirmed, ...rest] }, confirmed, rejected };
  const top = a.rootCause !== "none" && !rejectedIds.has(a.rootCause) ? a.rootCause : "none";
  return { analysis: { ...a, rootCause: top, findings: rest }, confirmed: null, rejected };
}

export function draftReport(input: DraftInput): { report: Postmortem | null; markdown: string } {
  const { incident: i } = input;
  const out: string[] = [];
  const judged = input.analysis ? judgedAnalysis(input.analysis, input.decisions) : null;
  const report = judged ? toReport(judged.analysis) : null;
  const confirmedBy = input.decisions.find((d) => d.verdict === "confirmed");

  out.push(`# Postmortem: ${i.title}`, "");
  out.push("| | |", "|---|---|");
  out.push(`| Severity | ${cell(i.severity)} |`, `| Status | ${cell(i.status)} |`);
  out.push(`| Started | ${utc(i.startedAt)} |`);
  for (const [label, at] of [["Detected", i.detectedAt], ["Mitigated", i.mitigatedAt], ["Resolved", i.resolvedAt]] as const) {
    if (at) out.push(`| ${label} | ${utc(at)} (+${duration(i.startedAt, at) ?? "?"}) |`);
  }
  if (i.commander) out.push(`| Incident commander | ${cell(i.commander)} |`);
  out.push("");

  if (!report || !judged) {
    out.push("## Summary", "", i.summary?.trim() || "No analysis yet: upload or paste evidence, then draft again.", "");
  } else {
    // the body the engine drafts, minus its own title line, with the judged root cause
    const body = toMarkdown(report).split("\n");
    const start = body.findIndex((l) => l.startsWith("## "));
    const sections = body.slice(start);
    if (i.summary?.trim()) {
      const s = sections.indexOf("## Summary");
      sections.splice(s + 2, 0, i.summary.trim(), "");
    }
    const rc = sections.indexOf("## Root cause");
    if (rc >= 0) {
      const note = judged.confirmed
        ? `Confirmed by ${confirmedBy?.by ?? "an engineer"} on ${utc(confirmedBy!.at)}${confirmedBy?.reason ? `: ${confirmedBy.reason}` : "."}`
        : report.rootCause.id !== "none"
          ? "Not yet confirmed by an engineer: this is the analysis' top finding."
          : "";
      if (note) sections.splice(rc + 2, 0, `_${note}_`, "");
    }
    out.push(...cutActionItems(sections));
  }

  out.push("## Action items", "");
  const engine = report?.actionItems ?? [];
  if (input.actionItems.length === 0 && engine.length === 0) out.push("None yet.", "");
  else {
    out.push("| action | owner | due | status |", "|---|---|---|---|");
    for (const a of input.actionItems) out.push(`| ${cell(a.title)} | ${cell(a.owner ?? "—")} | ${a.dueDate ?? "—"} | ${a.status} |`);
    // the engine's suggestions that nobody turned into an action item yet
    const taken = new Set(input.actionItems.map((a) => a.title.trim()));
    for (const a of engine) if (!taken.has(a.action.trim())) out.push(`| ${cell(`${a.kind}: ${a.action}`)} (risk: ${cell(a.risk)}) | — | — | suggested |`);
    out.push("");
  }

  if (judged && judged.rejected.length > 0) {
    out.push("## Hypotheses ruled out", "");
    for (const f of judged.rejected) {
      const d = input.decisions.find((x) => x.findingId === f.id && x.verdict === "rejected");
      out.push(`- **${f.title}** (\`${f.id}\`, confidence ${f.confidence}): rejected${d?.by ? ` by ${d.by}` : ""}${d?.reason ? `: ${d.reason}` : ""}`);
    }
    out.push("");
  }

  out.push("## Lessons learned", "");
  const lessons: string[] = [];
  const detect = i.detectedAt ? duration(i.startedAt, i.detectedAt) : null;
  if (detect) lessons.push(`It took ${detect} to detect the incident.`);
  if ((input.gaps ?? []).length > 0) {
    lessons.push(`Evidence we did not have: ${input.gaps!.map((g) => g.title.toLowerCase()).join("; ")}. Collect it by default next time (agent snapshots, captures).`);
  }
  out.push(...(lessons.length ? lessons.map((l) => `- ${l}`) : ["- (to be written by the team)"]), "");

  out.push("## Timeline", "");
  if (input.timeline.length === 0) out.push("No timeline entries.", "");
  else {
    out.push("| time (UTC) | kind | who | what |", "|---|---|---|---|");
    for (const e of [...input.timeline].sort((a, b) => a.at.localeCompare(b.at))) {
      out.push(`| ${utc(e.at).replace(" UTC", "")} | ${e.kind} | ${cell(e.author ?? "—")} | ${cell(e.body)} |`);
    }
    out.push("");
  }
  return { report, markdown: out.join("\n").replace(/\n{3,}/g, "\n\n") };
}

/** The engine's action-item table is replaced by ours (owner, due date, status); the rest stays in order. */
function cutActionItems(sections: string[]): string[] {
  const at = sections.indexOf("## Action items");
  if (at < 0) return sections;
  let end = sections.findIndex((l, k) => k > at && l.startsWith("## "));
  if (end < 0) end = sections.length;
  return [...sections.slice(0, at), ...sections.slice(end)];
}
