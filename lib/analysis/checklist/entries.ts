/**
 * What people did with the checklist (ticks, notes, manual checks) laid over the computed items. Pure: the
 * server passes the stored entries in.
 */
import { stepStatus } from "./context";
import { Checklist, ItemStatus, Step, type ChecklistItem } from "./model";

export type ChecklistEntryInput = {
  itemKey: string;
  step: Step;
  manual: boolean;
  title: string | null;
  ticked: boolean;
  /** a manual check's result as the engineer judged it */
  result: string | null;
  note: string | null;
  version: number;
  updatedBy: { id: string; name: string } | null;
  updatedAt: string;
};

export type ViewItem = ChecklistItem & {
  manual: boolean;
  ticked: boolean;
  note: string | null;
  /** the stored entry's version (for its next change) and who touched it last; null when nobody did */
  entry: { version: number; updatedBy: { id: string; name: string } | null; updatedAt: string } | null;
};

export type ChecklistView = Omit<Checklist, "steps"> & {
  steps: Array<{ step: Step; title: string; status: ItemStatus; items: ViewItem[] }>;
};

export function withEntries(checklist: Checklist, entries: ChecklistEntryInput[]): ChecklistView {
  const byKey = new Map(entries.map((e) => [e.itemKey, e] as const));
  const steps = checklist.steps.map((s) => {
    const items: ViewItem[] = s.items.map((i) => {
      const e = byKey.get(i.key);
      return {
        ...i,
        manual: false,
        ticked: e?.ticked ?? false,
        note: e?.note ?? null,
        entry: e ? { version: e.version, updatedBy: e.updatedBy, updatedAt: e.updatedAt } : null,
      };
    });
    const manual = entries
      .filter((e) => e.manual && e.step === s.step)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.itemKey.localeCompare(b.itemKey));
    for (const e of manual) {
      const status = ItemStatus.safeParse(e.result);
      items.push({
        key: e.itemKey,
        step: s.step,
        title: e.title ?? "Manual check",
        status: status.success ? status.data : "unknown",
        summary: "Added by hand.",
        facts: [],
        collect: [],
        findings: [],
        manual: true,
        ticked: e.ticked,
        note: e.note,
        entry: { version: e.version, updatedBy: e.updatedBy, updatedAt: e.updatedAt },
      });
    }
    return { step: s.step, title: s.title, status: stepStatus(items), items };
  });
  const counts: Record<ItemStatus, number> = { pass: 0, warn: 0, fail: 0, unknown: 0 };
  for (const s of steps) for (const i of s.items) counts[i.status]++;
  return { ...checklist, steps, counts };
}
