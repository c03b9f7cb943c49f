// War-room actions leave an attributed line on the incident's timeline, written in the action's own transaction and
// announced to the other viewers (kind "timeline").
import type { Prisma } from "../../generated/prisma/client";
import type { UserActor } from "../auth/policy";
import { publish } from "../events";

export async function logToTimeline(
  tx: Prisma.TransactionClient,
  actor: UserActor,
  incidentId: string,
  body: string,
  kind: "note" | "diagnosis" | "repair" = "diagnosis",
): Promise<void> {
  const row = await tx.timelineEvent.create({
    data: { incidentId, kind, authorId: actor.userId, body: body.slice(0, 20_000) },
    select: { id: true },
  });
  await publish(tx, { incidentId, kind: "timeline", entityId: row.id, actorId: actor.userId });
}
