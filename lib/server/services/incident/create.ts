import type { UserActor } from "../../auth/policy";
import { visibleCluster } from "../../auth/scope";
import { IncidentCreate, type Incident } from "../../../schemas/incident";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";
import { isPrismaError } from "../../prisma-errors";
import { incidentInclude, presentIncident } from "../../serialize";
import { assertTimeOrder } from "./rules";

/** A responder may open an incident in a cluster they see (a hidden cluster is "not found", like a missing one). */
export async function createIncident(actor: UserActor, input: unknown): Promise<Incident> {
  const data = IncidentCreate.parse(input);
  const startedAt = data.startedAt ? new Date(data.startedAt) : new Date();
  const detectedAt = data.detectedAt ? new Date(data.detectedAt) : null;
  assertTimeOrder({ startedAt, detectedAt, mitigatedAt: null, resolvedAt: null });
  if (data.clusterId) await visibleCluster(actor, data.clusterId.toLowerCase());
  const prisma = await getPrisma();
  try {
    const row = await prisma.incident.create({
      data: {
        clusterId: data.clusterId ? data.clusterId.toLowerCase() : null,
        title: data.title,
        severity: data.severity,
        startedAt,
        detectedAt,
        commander: data.commander,
        summary: data.summary,
      },
      include: incidentInclude,
    });
    return presentIncident(row);
  } catch (err) {
    if (isPrismaError(err, "P2003")) throw new NotFoundError("cluster", data.clusterId ?? undefined);
    throw err;
  }
}
