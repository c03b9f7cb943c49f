// The war room's view of an incident's evidence: the hosts and captures as the analysis read them (ingest's
// loader, one parser), the checklist computed from them (without people's entries) and the chart inputs. Computing
// it parses every stored text, so it is kept per process for the latest analysis and the linked nodes; a new
// analysis or a node linked or unlinked makes a new one.
import { createHash } from "node:crypto";
import { buildChecklist, chartInputs, type ChartInputs, type Checklist } from "../../analysis/checklist";
import type { HostEvidence } from "../../analysis/evidence/model";
import type { DraftGap } from "../../analysis/report";
import { getPrisma } from "../db";
import { assembleStored, loadIncidentEvidence } from "../ingest/analyse";
import { latestAnalysis } from "./analysis";

export type IncidentView = {
  analysisId: string | null;
  checklist: Checklist;
  charts: ChartInputs;
  hosts: HostEvidence[];
  gaps: DraftGap[];
};

const MAX_VIEWS = 24;
type Entry = { key: string; view: Promise<IncidentView>; value?: IncidentView };
const store = globalThis as typeof globalThis & { __netmortemViews?: Map<string, Entry> };
const views = (store.__netmortemViews ??= new Map<string, Entry>());

async function compute(incidentId: string, analysisId: string | null, nodes: string[]): Promise<IncidentView> {
  const prisma = await getPrisma();
  const latest = analysisId ? await latestAnalysis(prisma, incidentId) : null;
  const stored = await loadIncidentEvidence(prisma, incidentId);
  const { hosts, captures } = await assembleStored(stored);
  const input = { analysis: latest?.analysis ?? null, hosts, captures, nodes };
  const checklist = buildChecklist(input);
  const gaps = checklist.steps.flatMap((s) => s.items.filter((i) => i.status === "unknown").map((i) => ({ title: i.title, step: s.step })));
  return { analysisId: latest?.id ?? null, checklist, charts: chartInputs(input), hosts, gaps };
}

/** The view for the incident's latest analysis and linked nodes, computed once per process for each. */
export async function incidentView(incidentId: string): Promise<IncidentView> {
  const prisma = await getPrisma();
  const latest = await prisma.analysis.findFirst({ where: { incidentId }, orderBy: { version: "desc" }, select: { id: true } });
  const linked = await prisma.incidentNode.findMany({ where: { incidentId }, select: { node: { select: { name: true } } } });
  const nodes = linked.map((l) => l.node.name).sort();
  const key = `${latest?.id ?? "none"}|${createHash("sha256").update(nodes.join("\n")).digest("hex")}`;
  const hit = views.get(incidentId);
  if (hit && hit.key === key) {
    // most recently used last
    views.delete(incidentId);
    views.set(incidentId, hit);
    return hit.view;
  }
  const view = compute(incidentId, latest?.id ?? null, nodes);
  const entry: Entry = { key, view };
  views.set(incidentId, entry);
  view.then(
    (v) => (entry.value = v),
    () => {
      if (views.get(incidentId) === entry) views.delete(incidentId);
    },
  );
  while (views.size > MAX_VIEWS) views.delete(views.keys().next().value!);
  return view;
}

/** The checklist's gaps of the last computed view, for the report's lessons (empty when none was computed). */
export function cachedGaps(incidentId: string): DraftGap[] {
  return views.get(incidentId)?.value?.gaps ?? [];
}

export function forgetView(incidentId: string): void {
  views.delete(incidentId);
}
