// POST …/checklist: a manual check (something checked by hand), attributed, on the timeline, published.
import { Id } from "../../../schemas/common";
import { ManualCheckCreate, type ChecklistEntry } from "../../../schemas/warroom";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { publish } from "../../events";
import { logToTimeline } from "../../warroom/timeline";
import { newManualKey, presentEntry } from "./entries";

export async function addManualCheck(actor: UserActor, incidentIdRaw: string, input: unknown): Promise<ChecklistEntry> {
  const incidentId = Id.parse(incidentIdRaw);
  const body = ManualCheckCreate.parse(input);
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const row = await tx.checklistEntry.create({
      data: { incidentId, itemKey: newManualKey(), step: body.step, manual: true, title: body.title, result: body.result, note: body.note ?? null, updatedById: actor.userId },
    });
    await logToTimeline(tx, actor, incidentId, `Checklist · manual check added to ${body.step}: ${body.title} (${body.result})${body.note ? `; note: ${body.note}` : ""}`);
    await publish(tx, { incidentId, kind: "checklist", entityId: row.itemKey, actorId: actor.userId });
    return presentEntry(row, new Map([[actor.userId, { id: actor.userId, name: actor.name }]]));
  });
}
