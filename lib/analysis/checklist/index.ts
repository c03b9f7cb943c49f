/**
 * The guided checklist (timeouts → resources → logs → capture → kernel), computed from the analysis and the
 * evidence as read. Pure: no I/O, no framework; the server feeds it, the browser only renders it.
 */
import { makeCtx, nextSteps, stepStatus, type ChecklistInput } from "./context";
import { Checklist, STEP_TITLES, STEPS, type ChecklistItem, type ItemStatus, type Step } from "./model";
import { captureStep } from "./steps/capture";
import { kernelStep } from "./steps/kernel";
import { logsStep } from "./steps/logs";
import { resourcesStep } from "./steps/resources";
import { timeoutsStep } from "./steps/timeouts";

export * from "./model";
export { RECIPES, collect } from "./collect";
export { chartInputs, MAX_CHART_LATENCIES, type ChartInputs } from "./charts";
export { compareHosts, type HostComparison, type CompareSide } from "./compare";
export { withEntries, type ChecklistEntryInput, type ChecklistView, type ViewItem } from "./entries";
export type { ChecklistInput, ChecklistAnalysis, NextStep } from "./context";

const BUILDERS: Record<Step, (ctx: ReturnType<typeof makeCtx>) => ChecklistItem[]> = {
  timeouts: timeoutsStep,
  resources: resourcesStep,
  logs: logsStep,
  capture: captureStep,
  kernel: kernelStep,
};

export function buildChecklist(input: ChecklistInput): Checklist {
  const ctx = makeCtx(input);
  const steps = STEPS.map((step) => {
    const items = BUILDERS[step](ctx).map((i) => {
      // the diagnosis engine's own next steps for the findings an item bears on come first
      const findings = i.findings.filter((id) => ctx.findingsById.has(id));
      const seen = new Set<string>();
      const collect = [...nextSteps(ctx, findings), ...i.collect].filter((k) => {
        const key = `${k.host}\u0000${k.command}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      return { ...i, findings, collect };
    });
    return { step, title: STEP_TITLES[step], status: stepStatus(items), items };
  });
  const counts: Record<ItemStatus, number> = { pass: 0, warn: 0, fail: 0, unknown: 0 };
  for (const s of steps) for (const i of s.items) counts[i.status]++;

  const a = input.analysis;
  let headline: Checklist["headline"] = null;
  if (a && a.rootCause !== "none") {
    const f = ctx.findingsById.get(a.rootCause);
    if (f) headline = { id: f.id, title: f.title, confidence: f.confidence, confirmed: true, next: [] };
  } else if (a?.leading) {
    const f = ctx.findingsById.get(a.leading.id);
    headline = {
      id: a.leading.id,
      title: f?.title ?? a.leading.id,
      confidence: a.leading.confidence,
      confirmed: false,
      next: nextSteps(ctx, [a.leading.id]),
    };
  }
  return Checklist.parse({ steps, counts, headline });
}
