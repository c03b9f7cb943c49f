import type { Prisma } from "../../../generated/prisma/client";
import type { Actor } from "../../auth/policy";
import { incidentScope } from "../../auth/scope";
import { IncidentListQuery, type Incident } from "../../../schemas/incident";
import { decodeCursor, pageOf } from "../../cursor";
import { getPrisma } from "../../db";
import { incidentInclude, presentIncident } from "../../serialize";

/** Newest startedAt first, optionally only one status and/or one cluster. */
export async function listIncidents(actor: Actor, query: unknown): Promise<{ data: Incident[]; nextCursor: string | null }> {
  const { limit, cursor, status, clusterId } = IncidentListQuery.parse(query);
  const after = decodeCursor(cursor);
  const where: Prisma.IncidentWhereInput = {
    AND: [incidentScope(actor)],
    ...(status ? { status } : {}),
    ...(clusterId ? { clusterId: clusterId.toLowerCase() } : {}),
    ...(after ? { OR: [{ startedAt: { lt: after.at } }, { startedAt: after.at, id: { lt: after.id } }] } : {}),
  };
  const prisma = await getPrisma();
  const rows = await prisma.incident.findMany({
    where,
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: incidentInclude,
  });
  return pageOf(rows, limit, (r) => ({ at: r.startedAt, id: r.id }), presentIncident);
}
