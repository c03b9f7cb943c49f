import { z } from "zod";
import { Analysis } from "../analysis/diagnosis/model";

// The analysis of an incident, computed by a durable job from the evidence stored in the database.
//
//   POST /api/v1/incidents/{id}/analysis   (re)start it: 202 AnalysisQueued (a queued job is reused)
//   GET  /api/v1/incidents/{id}/analysis   AnalysisState: the latest job's status and the latest analysis
//
// The Analysis JSON is the engine's (lib/analysis/diagnosis/model.ts, ../shared/domain/root-causes.md); this file
// only adds the job around it, so fields the engine adds (leading, next, unreadable) appear here unchanged.

export const JOB_STAGES = ["queued", "reading", "capture", "parsing", "diagnosing", "saving"] as const;
export const JobStage = z.enum(JOB_STAGES);
export type JobStage = z.infer<typeof JobStage>;

/** `analysis_jobs.progress` (PLAN.md): `done`/`total` count bytes while reading, files while parsing. */
export const JobProgress = z
  .object({
    stage: JobStage,
    done: z.number().optional(),
    total: z.number().optional(),
    message: z.string().optional(),
  })
  .meta({ id: "JobProgress" });
export type JobProgress = z.infer<typeof JobProgress>;

export const JOB_STATES = ["queued", "running", "done", "failed"] as const;
export const JobState = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobState>;

/** "none": the incident has no evidence and no analysis yet. Otherwise the state of the latest job. */
export const ANALYSIS_STATUSES = ["none", ...JOB_STATES] as const;
export const AnalysisStatus = z.enum(ANALYSIS_STATUSES);
export type AnalysisStatus = z.infer<typeof AnalysisStatus>;

/** `POST …/analysis` takes an empty body or `{}`; the job reads everything else from the database. */
export const AnalysisRequest = z.strictObject({});
export type AnalysisRequest = z.infer<typeof AnalysisRequest>;

export const AnalysisQueued = z
  .object({
    jobId: z.string(),
    status: JobState,
  })
  .meta({ id: "AnalysisQueued" });
export type AnalysisQueued = z.infer<typeof AnalysisQueued>;

export const AnalysisJob = z
  .object({
    id: z.string(),
    state: JobState,
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    progress: JobProgress.nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "AnalysisJob" });
export type AnalysisJob = z.infer<typeof AnalysisJob>;

/**
 * `GET …/analysis`. `status`, `progress` and `error` are the latest job's; the Analysis fields (`rootCause`,
 * `findings`, …) are the latest finished analysis's, which may be older than a job still running (`analysisId`,
 * `version`, `computedAt` say which). `evidenceIds`: the evidence it was computed from; `stale`: evidence arrived
 * since.
 */
export const AnalysisState = Analysis.partial()
  .extend({
    status: AnalysisStatus,
    progress: JobProgress.optional(),
    error: z.string().optional(),
    job: AnalysisJob.nullable(),
    analysisId: z.string().nullable(),
    version: z.number().int().nullable(),
    computedAt: z.string().nullable(),
    evidenceIds: z.array(z.string()),
    stale: z.boolean(),
  })
  .meta({ id: "AnalysisState" });
export type AnalysisState = z.infer<typeof AnalysisState>;
