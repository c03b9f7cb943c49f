import { Id } from "../../../schemas/common";
import { TimelineEventCreate, type TimelineEvent } from "../../../schemas/timeline";
import { getPrisma } from "../../db";
import { toDbEnum } from "../../enums";
import { NotFoundError } from "../../errors";
import { isPrismaError } from "../../prisma-errors";
import { presentTimelineEvent } from "../../serialize";

/** Adds a hand-written event; status-change events are refused by the schema (only the status endpoint writes them). */
export async function addTimelineEvent(incidentId: string, input: unknown): Promise<TimelineEvent> {
  const incident = Id.parse(incidentId);
  const data = TimelineEventCreate.parse(input);
  const prisma = await getPrisma();
  try {
    const row = await prisma.timelineEvent.create({
      data: {
        incidentId: incident,
        kind: toDbEnum(data.kind),
        at: data.at ? new Date(data.at) : undefined,
        author: data.author,
        body: data.body,
      },
    });
    return presentTimelineEvent(row);
  } catch (err) {
    if (isPrismaError(err, "P2003")) throw new NotFoundError("incident", incident);
    throw err;
  }
}
