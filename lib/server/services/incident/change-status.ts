import { publish } from "../../events";
import { Id } from "../../../schemas/common";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { IncidentStatusChange, STATUS_TRANSITIONS, type Incident, type IncidentStatus } from "../../../schemas/incident";
import { getPrisma } from "../../db";
import { ConflictError, InvalidTransitionError, NotFoundError } from "../../errors";
import { incidentInclude, presentIncident } from "../../serialize";

function timesFor(to: IncidentStatus, now: Date) {
  switch (to) {
    case "mitigated":
      return { mitigatedAt: now, resolvedAt: null };
    case "resolved":
      return { resolvedAt: now };
    case "open":
      // Reopening means the earlier mitigation/resolution did not hold; keeping their times would lie.
      return { mitigatedAt: null, resolvedAt: null };
  }
}

/**
 * Moves an incident to another status if the caller saw the latest version. The version guard sits in the
 * UPDATE's WHERE, so of two concurrent changes made from the same version exactly one matches a row; the loser
 * gets 409 with the incident as it now is. The status-change timeline event is written in the same transaction.
 */
export async function changeIncidentStatus(actor: UserActor, id: string, input: unknown): Promise<Incident> {
  const incidentId = Id.parse(id);
  const { to, expectedVersion, note } = IncidentStatusChange.parse(input);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    await visibleIncident(actor, incidentId, tx);
    const current = await tx.incident.findUnique({ where: { id: incidentId }, include: incidentInclude });
    if (!current) throw new NotFoundError("incident", incidentId);
    const conflict = (row: typeof current) =>
      new ConflictError(
        `the incident is at version ${row.version}, not ${expectedVersion}; someone changed it first`,
        presentIncident(row),
      );
    if (current.version !== expectedVersion) throw conflict(current);
    if (!STATUS_TRANSITIONS[current.status].includes(to)) {
      throw new InvalidTransitionError(`an incident cannot go from ${current.status} to ${to}`);
    }
    const now = new Date();
    const { count } = await tx.incident.updateMany({
      where: { id: incidentId, version: expectedVersion },
      data: { status: to, ...timesFor(to, now), version: { increment: 1 } },
    });
    if (count === 0) {
      const latest = await tx.incident.findUnique({ where: { id: incidentId }, include: incidentInclude });
      if (!latest) throw new NotFoundError("incident", incidentId);
      throw conflict(latest);
    }
    const event = await tx.timelineEvent.create({
      data: {
        incidentId,
        at: now,
        kind: "status_change",
        authorId: actor.userId,
        body: `Status changed from ${current.status} to ${to}.${note ? `\n\n${note}` : ""}`,
      },
      select: { id: true },
    });
    // the other viewers of the war room refetch the incident and its timeline
    await publish(tx, { incidentId, kind: "timeline", entityId: event.id, actorId: actor.userId, data: { status: to } });
    const updated = await tx.incident.findUniqueOrThrow({ where: { id: incidentId }, include: incidentInclude });
    return presentIncident(updated);
  });
}
