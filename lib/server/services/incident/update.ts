import { Id } from "../../../schemas/common";
import type { UserActor } from "../../auth/policy";
import { visibleCluster, visibleIncident } from "../../auth/scope";
import { IncidentPatch, type Incident } from "../../../schemas/incident";
import { getPrisma } from "../../db";
import { ConflictError, NotFoundError } from "../../errors";
import { isPrismaError } from "../../prisma-errors";
import { incidentInclude, presentIncident } from "../../serialize";
import { assertTimeOrder } from "./rules";

/**
 * Edits the descriptive fields (never status). The write is guarded on the version read, so the time-order
 * check cannot pass against a row that a concurrent status change has already moved on.
 */
export async function updateIncident(actor: UserActor, id: string, input: unknown): Promise<Incident> {
  const incidentId = Id.parse(id);
  const patch = IncidentPatch.parse(input);
  await visibleIncident(actor, incidentId);
  // Moving it into a cluster needs that cluster to be visible too (else it could be hidden from its own editors).
  if (patch.clusterId) await visibleCluster(actor, patch.clusterId.toLowerCase());
  const prisma = await getPrisma();
  const current = await prisma.incident.findUnique({ where: { id: incidentId } });
  if (!current) throw new NotFoundError("incident", incidentId);
  const startedAt = patch.startedAt ? new Date(patch.startedAt) : current.startedAt;
  const detectedAt =
    patch.detectedAt === undefined ? current.detectedAt : patch.detectedAt ? new Date(patch.detectedAt) : null;
  assertTimeOrder({ startedAt, detectedAt, mitigatedAt: current.mitigatedAt, resolvedAt: current.resolvedAt });
  try {
    const { count } = await prisma.incident.updateMany({
      where: { id: incidentId, version: current.version },
      data: {
        title: patch.title,
        severity: patch.severity,
        commander: patch.commander,
        summary: patch.summary,
        clusterId: patch.clusterId === undefined ? undefined : (patch.clusterId?.toLowerCase() ?? null),
        startedAt,
        detectedAt,
        version: { increment: 1 },
      },
    });
    const row = await prisma.incident.findUnique({ where: { id: incidentId }, include: incidentInclude });
    if (!row) throw new NotFoundError("incident", incidentId);
    if (count === 0) throw new ConflictError("the incident changed while it was being edited; reload and retry", presentIncident(row));
    return presentIncident(row);
  } catch (err) {
    if (isPrismaError(err, "P2003")) throw new NotFoundError("cluster", patch.clusterId ?? undefined);
    throw err;
  }
}
