import type { Prisma } from "../../../generated/prisma/client";
import { Id } from "../../../schemas/common";
import type { Actor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { TimelineListQuery, type TimelineEvent } from "../../../schemas/timeline";
import { decodeCursor, pageOf } from "../../cursor";
import { getPrisma } from "../../db";
import { presentTimelineEvent, timelineInclude } from "../../serialize";

/** Oldest first: a timeline reads forwards. An unknown (or not visible) incident is 404, not an empty list. */
export async function listTimeline(
  actor: Actor,
  incidentId: string,
  query: unknown,
): Promise<{ data: TimelineEvent[]; nextCursor: string | null }> {
  const incident = Id.parse(incidentId);
  const { limit, cursor } = TimelineListQuery.parse(query);
  const after = decodeCursor(cursor);
  const prisma = await getPrisma();
  await visibleIncident(actor, incident, prisma);
  const where: Prisma.TimelineEventWhereInput = {
    incidentId: incident,
    ...(after ? { OR: [{ at: { gt: after.at } }, { at: after.at, id: { gt: after.id } }] } : {}),
  };
  const rows = await prisma.timelineEvent.findMany({
    where,
    orderBy: [{ at: "asc" }, { id: "asc" }],
    take: limit + 1,
    include: timelineInclude,
  });
  return pageOf(rows, limit, (r) => ({ at: r.at, id: r.id }), presentTimelineEvent);
}
