/** What the checklist is computed from, and the small helpers every step uses. */
import type { CaptureSummary } from "../capture/model";
import type { Analysis, Finding } from "../diagnosis/model";
import type { Cite, HostEvidence } from "../evidence/model";
import type { Citation, ChecklistItem, Collect, ItemStatus, Step } from "./model";

export type NextStep = { host: string; command: string; why: string };

/** The Analysis, read tolerantly: `leading` and per-finding `next` are additive fields of the diagnosis engine. */
export type ChecklistAnalysis = Analysis & {
  leading?: { id: string; confidence: number; next?: NextStep[] } | null;
  findings: Array<Finding & { next?: NextStep[] }>;
};

export type ChecklistInput = {
  /** the latest analysis of the incident; null before the first one */
  analysis: ChecklistAnalysis | null;
  /** every host's evidence as read (lib/analysis/evidence) */
  hosts: HostEvidence[];
  captures: Array<{ host: string; file: string; summary: CaptureSummary }>;
  /** nodes linked to the incident: where to collect when the evidence names no host */
  nodes?: string[];
};

export type Ctx = ChecklistInput & {
  findingsById: Map<string, ChecklistAnalysis["findings"][number]>;
  /** hosts to ask for something nobody sent yet */
  allHosts: string[];
};

export function makeCtx(input: ChecklistInput): Ctx {
  const findingsById = new Map((input.analysis?.findings ?? []).map((f) => [f.id, f] as const));
  const names = new Set<string>(input.hosts.map((h) => h.host));
  for (const n of input.nodes ?? []) names.add(n);
  return { ...input, findingsById, allHosts: [...names].sort() };
}

export function cite(host: string, c: Cite | undefined, fact: string): Citation {
  const out: Citation = { host, file: c?.file ?? "(input)", fact };
  if (c?.line !== undefined) out.line = c.line;
  return out;
}

export function hasKind(h: HostEvidence, ...kinds: string[]): boolean {
  return h.files.some((f) => kinds.includes(f.kind));
}

export function num(h: HostEvidence, sysctl: string): number | undefined {
  const f = h.sysctls[sysctl];
  if (!f) return undefined;
  const n = Number(f.value.trim().split(/\s+/)[0]);
  return Number.isFinite(n) ? n : undefined;
}

const RANK: Record<ItemStatus, number> = { pass: 0, unknown: 1, warn: 2, fail: 3 };
export function worst(...s: ItemStatus[]): ItemStatus {
  return s.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), "pass" as ItemStatus);
}
/** A step's status: any fail, else any warn, else any unknown, else pass. */
export function stepStatus(items: Array<{ status: ItemStatus }>): ItemStatus {
  return items.length === 0 ? "unknown" : worst(...items.map((i) => i.status));
}

/** The finding's own facts, at most `n`, when the analysis has it. */
export function findingFacts(ctx: Ctx, id: string, n = 4): Citation[] {
  const f = ctx.findingsById.get(id);
  return f ? f.evidence.slice(0, n).map((e) => ({ ...e })) : [];
}

/** A finding at or above the root-cause threshold is a fail, a weaker one a warning. */
export function findingStatus(ctx: Ctx, ids: string[]): ItemStatus | undefined {
  let out: ItemStatus | undefined;
  for (const id of ids) {
    const f = ctx.findingsById.get(id);
    if (!f) continue;
    out = worst(out ?? "pass", f.confidence >= 0.5 ? "fail" : "warn");
  }
  return out;
}

/** The diagnosis engine's own next steps for these findings (leading hypothesis first), as Collect entries. */
export function nextSteps(ctx: Ctx, ids: string[]): Collect[] {
  const out: Collect[] = [];
  const lead = ctx.analysis?.leading;
  if (lead && ids.includes(lead.id)) for (const n of lead.next ?? []) out.push({ ...n, send: ["paste", "upload", "agent"] });
  for (const id of ids) for (const n of ctx.findingsById.get(id)?.next ?? []) out.push({ ...n, send: ["paste", "upload", "agent"] });
  const seen = new Set<string>();
  return out.filter((c) => {
    const k = `${c.host}\u0000${c.command}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function fmt(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString("en-US") : String(Number(n.toFixed(3)));
}

export type ItemDraft = Omit<ChecklistItem, "step" | "findings"> & { findings?: string[] };

export function item(step: Step, d: ItemDraft): ChecklistItem {
  return { ...d, step, findings: d.findings ?? [] };
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmt(n)} ${n === 1 ? one : many}`;
}

/**
 * The summary of an item whose own signals passed but which a finding of the analysis flags: say so rather than
 * claim the item's own failure.
 */
export function leadSummary(ctx: Ctx, ids: string[]): string | undefined {
  const f = ids.map((id) => ctx.findingsById.get(id)).filter((x) => x !== undefined).sort((a, b) => b.confidence - a.confidence)[0];
  if (!f) return undefined;
  return f.confidence >= 0.5
    ? `The analysis finds: ${f.title} (confidence ${f.confidence}).`
    : `Nothing conclusive here, but the analysis has a weak lead: ${f.title} (confidence ${f.confidence}).`;
}
