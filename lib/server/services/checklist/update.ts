// PATCH …/checklist/{key}: tick, untick, note or (manual checks) result. Guarded by the entry's version when the
// caller sends one (a stale note is a 409 with the entry as it now is), attributed, on the timeline, published.
import { Id } from "../../../schemas/common";
import { ChecklistEntryPatch, ItemKey, type ChecklistEntry } from "../../../schemas/warroom";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { ConflictError, NotFoundError } from "../../errors";
import { publish } from "../../events";
import { peopleById } from "../../warroom/people";
import { logToTimeline } from "../../warroom/timeline";
import { COMPUTED_ITEMS, presentEntry } from "./entries";

const STEP_TITLE: Record<string, string> = { timeouts: "Timeouts", resources: "Resources", logs: "Logs", capture: "Capture", kernel: "Kernel" };

export async function updateChecklistEntry(actor: UserActor, incidentIdRaw: string, keyRaw: string, input: unknown): Promise<ChecklistEntry> {
  const incidentId = Id.parse(incidentIdRaw);
  const key = ItemKey.parse(keyRaw);
  const patch = ChecklistEntryPatch.parse(input);
  await visibleIncident(actor, incidentId);
  const computed = COMPUTED_ITEMS.get(key);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const existing = await tx.checklistEntry.findUnique({ where: { incidentId_itemKey: { incidentId, itemKey: key } } });
    if (!existing && !computed) throw new NotFoundError("checklist item", key);
    if (patch.result !== undefined && !(existing?.manual ?? false)) {
      throw new ConflictError("only a manual check's result is set by hand; computed items are judged from the evidence");
    }
    const current = existing?.version ?? 0;
    if (patch.expectedVersion !== undefined && patch.expectedVersion !== current) {
      const people = await peopleById(tx, [existing?.updatedById]);
      throw new ConflictError("the item was changed meanwhile", existing ? presentEntry(existing, people) : null);
    }
    const data = {
      ...(patch.ticked !== undefined ? { ticked: patch.ticked } : {}),
      ...(patch.note !== undefined ? { note: patch.note } : {}),
      ...(patch.result !== undefined ? { result: patch.result } : {}),
      updatedById: actor.userId,
    };
    let row;
    if (existing) {
      const n = await tx.checklistEntry.updateMany({ where: { id: existing.id, version: existing.version }, data: { ...data, version: { increment: 1 } } });
      if (n.count === 0) throw new ConflictError("the item was changed meanwhile");
      row = await tx.checklistEntry.findUniqueOrThrow({ where: { id: existing.id } });
    } else {
      row = await tx.checklistEntry.create({ data: { incidentId, itemKey: key, step: computed!.step, manual: false, ...data } });
    }
    const title = existing?.title ?? computed?.title ?? key;
    const where = `${STEP_TITLE[row.step] ?? row.step} › ${title}`;
    const parts: string[] = [];
    if (patch.ticked !== undefined && patch.ticked !== (existing?.ticked ?? false)) parts.push(patch.ticked ? "ticked" : "unticked");
    if (patch.result !== undefined && patch.result !== existing?.result) parts.push(`result ${patch.result}`);
    if (patch.note !== undefined && patch.note !== (existing?.note ?? null)) parts.push(patch.note ? `note: ${patch.note}` : "note removed");
    if (parts.length > 0) await logToTimeline(tx, actor, incidentId, `Checklist · ${where}: ${parts.join("; ")}`);
    await publish(tx, { incidentId, kind: "checklist", entityId: key, actorId: actor.userId });
    return presentEntry(row, new Map([[actor.userId, { id: actor.userId, name: actor.name }]]));
  });
}
