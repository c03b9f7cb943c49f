// The durable analysis queue: rows of analysis_jobs, claimed with FOR UPDATE SKIP LOCKED, held by a lease that a
// heartbeat extends, retried with backoff, and never inside a long transaction (PGlite has one connection: an open
// transaction would stall every request). See README.md beside this file.
import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import type { JobProgress } from "../../schemas/analysis";

export const LEASE_MS = 30_000;
export const HEARTBEAT_MS = 10_000;
/** a wake-up for workers: payload-less, lower-case (PGlite drops mixed-case channels) */
export const JOBS_CHANNEL = "netmortem_jobs";

export type QueueClient = Pick<Prisma.TransactionClient | PrismaClient, "$executeRaw" | "$queryRaw">;

export interface ClaimedJob {
  id: string;
  incidentId: string;
  attempts: number;
  maxAttempts: number;
  affinity: string | null;
  workerId: string;
}

/** A failure retrying will not fix (an unreadable upload): the job fails at once with this message. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentJobError";
  }
}

/** The job was taken over by another worker (this one's lease ran out): stop without writing anything. */
export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`lease on job ${jobId} was lost`);
    this.name = "LeaseLostError";
  }
}

/**
 * Asks for an analysis of the incident, inside the caller's transaction (so the evidence and its job commit
 * together). A job still queued for the incident is reused (a burst of snapshots makes one analysis, not fifty);
 * `affinity` (a store id) is set when the job must read spooled files. Workers are woken after the commit.
 */
export async function enqueueAnalysis(
  tx: QueueClient,
  opts: { incidentId: string; affinity?: string | null; requestedById?: string | null; delayMs?: number },
): Promise<{ jobId: string; created: boolean }> {
  const affinity = opts.affinity ?? null;
  const delay = Math.max(0, Math.round(opts.delayMs ?? 0));
  const queued = await tx.$queryRaw<Array<{ id: string; affinity: string | null }>>`
    SELECT id, affinity FROM analysis_jobs
    WHERE incident_id = ${opts.incidentId}::uuid AND state = 'queued'
    ORDER BY created_at DESC LIMIT 1 FOR UPDATE`;
  const found = queued[0];
  if (found && (affinity === null || found.affinity === null || found.affinity === affinity)) {
    if (affinity !== null && found.affinity === null) {
      await tx.$executeRaw`UPDATE analysis_jobs SET affinity = ${affinity}, updated_at = now() WHERE id = ${found.id}::uuid`;
    }
    await tx.$executeRaw`SELECT pg_notify(${JOBS_CHANNEL}, '')`;
    return { jobId: found.id, created: false };
  }
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    INSERT INTO analysis_jobs (incident_id, affinity, requested_by_id, run_at, progress)
    VALUES (${opts.incidentId}::uuid, ${affinity}, ${opts.requestedById ?? null}::uuid,
            now() + make_interval(secs => ${delay / 1000}), ${JSON.stringify({ stage: "queued" })}::jsonb)
    RETURNING id`;
  await tx.$executeRaw`SELECT pg_notify(${JOBS_CHANNEL}, '')`;
  return { jobId: rows[0].id, created: true };
}

/** Jobs whose lease ran out too often fail, saying so (a job that kills its process must not loop forever). */
export async function failExhausted(db: QueueClient): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ id: string; incident_id: string }>>`
    UPDATE analysis_jobs
    SET state = 'failed', finished_at = now(), locked_by = NULL, lease_until = NULL, updated_at = now(),
        error = 'the analysis was interrupted ' || attempts || ' times (the server stopped or crashed while it ran)'
    WHERE state = 'running' AND lease_until < now() AND attempts >= max_attempts
    RETURNING id, incident_id`;
  return rows.map((r) => r.incident_id);
}

/**
 * Claims the next runnable job: queued and due, or running with an expired lease (its worker died). Jobs of an
 * incident that has a job running are left for later, so one incident is analysed by one worker at a time.
 */
export async function claimJob(db: QueueClient, workerId: string, storeId: string): Promise<ClaimedJob | null> {
  const rows = await db.$queryRaw<
    Array<{ id: string; incident_id: string; attempts: number; max_attempts: number; affinity: string | null }>
  >`
    UPDATE analysis_jobs j
    SET state = 'running', locked_by = ${workerId}, lease_until = now() + make_interval(secs => ${LEASE_MS / 1000}),
        heartbeat_at = now(), attempts = j.attempts + 1, updated_at = now(),
        progress = ${JSON.stringify({ stage: "reading" })}::jsonb
    WHERE j.id = (
      SELECT c.id FROM analysis_jobs c
      WHERE ((c.state = 'queued' AND c.run_at <= now())
             OR (c.state = 'running' AND c.lease_until < now() AND c.attempts < c.max_attempts))
        AND (c.affinity IS NULL OR c.affinity = ${storeId})
        AND NOT EXISTS (SELECT 1 FROM analysis_jobs r
                        WHERE r.incident_id = c.incident_id AND r.id <> c.id
                          AND r.state = 'running' AND r.lease_until >= now())
      ORDER BY c.run_at, c.created_at
      LIMIT 1
      FOR UPDATE SKIP LOCKED)
    RETURNING j.id, j.incident_id, j.attempts, j.max_attempts, j.affinity`;
  const r = rows[0];
  return r
    ? { id: r.id, incidentId: r.incident_id, attempts: r.attempts, maxAttempts: r.max_attempts, affinity: r.affinity, workerId }
    : null;
}

/** Extends the lease and records progress; LeaseLostError when another worker took the job over. */
export async function heartbeat(db: QueueClient, job: ClaimedJob, progress?: JobProgress): Promise<void> {
  const n = progress
    ? await db.$executeRaw`
        UPDATE analysis_jobs SET lease_until = now() + make_interval(secs => ${LEASE_MS / 1000}), heartbeat_at = now(),
               progress = ${JSON.stringify(progress)}::jsonb, updated_at = now()
        WHERE id = ${job.id}::uuid AND locked_by = ${job.workerId} AND state = 'running'`
    : await db.$executeRaw`
        UPDATE analysis_jobs SET lease_until = now() + make_interval(secs => ${LEASE_MS / 1000}), heartbeat_at = now(),
               updated_at = now()
        WHERE id = ${job.id}::uuid AND locked_by = ${job.workerId} AND state = 'running'`;
  if (n === 0) throw new LeaseLostError(job.id);
}

/**
 * Marks the job done inside the transaction that saves its result; throws LeaseLostError (rolling the result back)
 * when the job is no longer this worker's, so a job taken over is never saved twice.
 */
export async function completeJob(
  tx: QueueClient,
  job: ClaimedJob,
  result: { analysisId: string | null; warning?: string | null },
): Promise<void> {
  const n = await tx.$executeRaw`
    UPDATE analysis_jobs
    SET state = 'done', finished_at = now(), lease_until = NULL, analysis_id = ${result.analysisId}::uuid,
        error = ${result.warning ?? null}, progress = ${JSON.stringify({ stage: "saving", message: "done" })}::jsonb,
        updated_at = now()
    WHERE id = ${job.id}::uuid AND locked_by = ${job.workerId} AND state = 'running'`;
  if (n === 0) throw new LeaseLostError(job.id);
}

/** Seconds before retry n (1-based): 2, 4, 8 … capped at 5 minutes. */
export function backoffSeconds(attempt: number): number {
  return Math.min(300, 2 ** Math.max(1, attempt));
}

/**
 * Records a failure: retried with backoff while attempts remain, else failed. A PermanentJobError fails at once.
 * Returns the state the job is now in (null when the job was no longer this worker's).
 */
export async function failJob(
  db: QueueClient,
  job: ClaimedJob,
  err: unknown,
): Promise<"queued" | "failed" | null> {
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
  const permanent = err instanceof PermanentJobError;
  if (!permanent && job.attempts < job.maxAttempts) {
    const n = await db.$executeRaw`
      UPDATE analysis_jobs
      SET state = 'queued', locked_by = NULL, lease_until = NULL, error = ${message},
          run_at = now() + make_interval(secs => ${backoffSeconds(job.attempts)}),
          progress = ${JSON.stringify({ stage: "queued", message: `retrying after: ${message}`.slice(0, 500) })}::jsonb,
          updated_at = now()
      WHERE id = ${job.id}::uuid AND locked_by = ${job.workerId} AND state = 'running'`;
    return n === 0 ? null : "queued";
  }
  const n = await db.$executeRaw`
    UPDATE analysis_jobs
    SET state = 'failed', finished_at = now(), locked_by = NULL, lease_until = NULL, error = ${message},
        updated_at = now()
    WHERE id = ${job.id}::uuid AND locked_by = ${job.workerId} AND state = 'running'`;
  return n === 0 ? null : "failed";
}

/**
 * On an embedded PGlite every `running` row belongs to a previous run of this process (the data directory is
 * locked to one process), so they are requeued at once instead of waiting for their leases.
 */
export async function requeueOrphans(db: QueueClient): Promise<number> {
  await db.$executeRaw`
    UPDATE analysis_jobs SET lease_until = now() - interval '1 second'
    WHERE state = 'running' AND attempts >= max_attempts`;
  await failExhausted(db);
  return db.$executeRaw`
    UPDATE analysis_jobs SET state = 'queued', locked_by = NULL, lease_until = NULL, run_at = now(), updated_at = now(),
           progress = ${JSON.stringify({ stage: "queued", message: "requeued after a restart" })}::jsonb
    WHERE state = 'running'`;
}
