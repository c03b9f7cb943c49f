import type { Analysis } from "../../../analysis/diagnosis/model";
import { type AnalysisState, JobProgress } from "../../../schemas/analysis";
import { Id } from "../../../schemas/common";
import type { Actor } from "../../auth/policy";
import { incidentScope } from "../../auth/scope";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";

/**
 * GET /incidents/{id}/analysis: the latest job's state and progress, and the latest saved analysis (which a job
 * still running will replace). `stale` when evidence arrived after that analysis was computed.
 */
export async function getAnalysis(actor: Actor | null, incidentIdRaw: string): Promise<AnalysisState> {
  const incidentId = Id.parse(incidentIdRaw);
  const prisma = await getPrisma();
  const incident = await prisma.incident.findFirst({ where: { AND: [{ id: incidentId }, actor ? incidentScope(actor) : {}] }, select: { id: true } });
  if (!incident) throw new NotFoundError("incident", incidentId);
  const [job, analysis, newest] = await Promise.all([
    prisma.analysisJob.findFirst({ where: { incidentId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
    prisma.analysis.findFirst({ where: { incidentId }, orderBy: { version: "desc" } }),
    prisma.evidenceItem.findFirst({ where: { incidentId }, orderBy: { createdAt: "desc" }, select: { createdAt: true } }),
  ]);
  const progress = job?.progress ? JobProgress.safeParse(job.progress) : undefined;
  const state: AnalysisState = {
    status: job ? job.state : analysis ? "done" : "none",
    job: job
      ? {
          id: job.id,
          state: job.state,
          attempts: job.attempts,
          maxAttempts: job.maxAttempts,
          progress: progress?.success ? progress.data : null,
          error: job.error,
          createdAt: job.createdAt.toISOString(),
          finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
        }
      : null,
    analysisId: analysis?.id ?? null,
    version: analysis?.version ?? null,
    computedAt: analysis ? analysis.createdAt.toISOString() : null,
    evidenceIds: analysis?.evidenceIds ?? [],
    stale: Boolean(analysis && newest && newest.createdAt > analysis.createdAt),
  };
  if (progress?.success && job && (job.state === "queued" || job.state === "running")) state.progress = progress.data;
  if (job?.error) state.error = job.error;
  if (analysis) Object.assign(state, analysis.result as Analysis);
  return state;
}
