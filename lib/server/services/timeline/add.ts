import { Id } from "../../../schemas/common";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { TimelineEventCreate, type TimelineEvent } from "../../../schemas/timeline";
import { getPrisma } from "../../db";
import { toDbEnum } from "../../enums";
import { NotFoundError } from "../../errors";
import { publish } from "../../events";
import { isPrismaError } from "../../prisma-errors";
import { presentTimelineEvent, timelineInclude } from "../../serialize";

/**
 * Adds a hand-written event, attributed to the acting user; status-change events are refused by the schema (only the
 * status endpoint writes them).
 */
export async function addTimelineEvent(actor: UserActor, incidentId: string, input: unknown): Promise<TimelineEvent> {
  const incident = Id.parse(incidentId);
  const data = TimelineEventCreate.parse(input);
  await visibleIncident(actor, incident);
  const prisma = await getPrisma();
  try {
    // the note and its live event commit together (the war room's other viewers see it within a second)
    const row = await prisma.$transaction(async (tx) => {
      const created = await tx.timelineEvent.create({
        data: {
          incidentId: incident,
          kind: toDbEnum(data.kind),
          at: data.at ? new Date(data.at) : undefined,
          authorId: actor.userId,
          body: data.body,
        },
        include: timelineInclude,
      });
      await publish(tx, { incidentId: incident, kind: "timeline", entityId: created.id, actorId: actor.userId });
      return created;
    });
    return presentTimelineEvent(row);
  } catch (err) {
    if (isPrismaError(err, "P2003")) throw new NotFoundError("incident", incident);
    throw err;
  }
}
