import { Id } from "../../../schemas/common";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { TimelineEventCreate, type TimelineEvent } from "../../../schemas/timeline";
import { getPrisma } from "../../db";
import { toDbEnum } from "../../enums";
import { NotFoundError } from "../../errors";
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
    const row = await prisma.timelineEvent.create({
      data: {
        incidentId: incident,
        kind: toDbEnum(data.kind),
        at: data.at ? new Date(data.at) : undefined,
        authorId: actor.userId,
        body: data.body,
      },
      include: timelineInclude,
    });
    return presentTimelineEvent(row);
  } catch (err) {
    if (isPrismaError(err, "P2003")) throw new NotFoundError("incident", incident);
    throw err;
  }
}
