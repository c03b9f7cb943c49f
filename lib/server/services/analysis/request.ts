import { AnalysisRequest, type AnalysisQueued } from "../../../schemas/analysis";
import { Id } from "../../../schemas/common";
import type { Actor } from "../../auth/policy";
import { incidentScope } from "../../auth/scope";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";
import { publish } from "../../events";
import { enqueueAnalysis } from "../../jobs/queue";

/** POST /incidents/{id}/analysis: (re)analyse the incident from what the database holds; a queued job is reused. */
export async function requestAnalysis(actor: Actor | null, incidentIdRaw: string, body: unknown): Promise<AnalysisQueued> {
  const incidentId = Id.parse(incidentIdRaw);
  AnalysisRequest.parse(body ?? {});
  const prisma = await getPrisma();
  const incident = await prisma.incident.findFirst({ where: { AND: [{ id: incidentId }, actor ? incidentScope(actor) : {}] }, select: { id: true } });
  if (!incident) throw new NotFoundError("incident", incidentId);
  const userId = actor?.kind === "user" ? actor.userId : null;
  const job = await prisma.$transaction(async (tx) => {
    const j = await enqueueAnalysis(tx, { incidentId, requestedById: userId });
    await publish(tx, { incidentId, kind: "job", entityId: j.jobId, actorId: userId });
    return j;
  });
  return { jobId: job.jobId, status: "queued" };
}
