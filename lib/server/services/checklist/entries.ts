// Checklist entries (ticks, notes, manual checks) as rows and as the wire shape.
import { randomBytes } from "node:crypto";
import { buildChecklist, type ChecklistEntryInput, type Step } from "../../../analysis/checklist";
import type { ChecklistEntry } from "../../../schemas/warroom";
import type { ChecklistEntry as Row, Prisma, PrismaClient } from "../../../generated/prisma/client";
import { peopleById } from "../../warroom/people";

type Client = PrismaClient | Prisma.TransactionClient;

/** Every computed item's key and title (the checklist's items do not depend on the evidence, only their verdicts). */
export const COMPUTED_ITEMS: ReadonlyMap<string, { step: Step; title: string }> = new Map(
  buildChecklist({ analysis: null, hosts: [], captures: [] }).steps.flatMap((s) => s.items.map((i) => [i.key, { step: s.step, title: i.title }] as const)),
);

export function newManualKey(): string {
  return `manual.${randomBytes(6).toString("hex")}`;
}

export function presentEntry(row: Row, people: Map<string, { id: string; name: string }>): ChecklistEntry {
  return {
    key: row.itemKey,
    step: row.step,
    manual: row.manual,
    title: row.title,
    ticked: row.ticked,
    result: (row.result as ChecklistEntry["result"]) ?? null,
    note: row.note,
    version: row.version,
    updatedBy: row.updatedById ? (people.get(row.updatedById) ?? null) : null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The stored entries of an incident as the pure checklist's withEntries takes them. */
export async function entriesOf(db: Client, incidentId: string): Promise<ChecklistEntryInput[]> {
  const rows = await db.checklistEntry.findMany({ where: { incidentId }, orderBy: [{ createdAt: "asc" }, { itemKey: "asc" }] });
  const people = await peopleById(db, rows.map((r) => r.updatedById));
  return rows.map((r) => {
    const e = presentEntry(r, people);
    return { itemKey: e.key, step: e.step, manual: e.manual, title: e.title, ticked: e.ticked, result: e.result, note: e.note, version: e.version, updatedBy: e.updatedBy, updatedAt: e.updatedAt };
  });
}
