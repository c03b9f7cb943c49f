// The in-process worker: one job at a time (analysis is CPU work and the machine has few cores), woken by
// NOTIFY netmortem_jobs and by a poll every POLL_MS (notifications are lost across reconnects), heartbeating
// the lease while a job runs.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Database } from "../db";
import { publish } from "../events";
import type { JobProgress } from "../../schemas/analysis";
import {
  HEARTBEAT_MS,
  JOBS_CHANNEL,
  LeaseLostError,
  claimJob,
  failExhausted,
  failJob,
  heartbeat,
  requeueOrphans,
  type ClaimedJob,
} from "./queue";

export const POLL_MS = 2_000;

export interface JobContext {
  db: Database;
  job: ClaimedJob;
  storeId: string;
  /** records progress (throttled: stage changes at once, the rest at most every PROGRESS_MS) */
  progress(p: JobProgress): Promise<void>;
  /** throws LeaseLostError once the job is no longer this worker's */
  checkLease(): void;
}

export type JobHandler = (ctx: JobContext) => Promise<void>;

const PROGRESS_MS = 1_000;

export interface WorkerOptions {
  db: Database;
  storeId: string;
  handler: JobHandler;
  pollMs?: number;
  log?: (msg: string) => void;
}

export class Worker {
  readonly id = `${hostname()}/${process.pid}/${randomBytes(3).toString("hex")}`;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private unlisten: (() => Promise<void>) | null = null;
  /** jobs finished by this worker (tests and logs) */
  finished = 0;

  constructor(private readonly opts: WorkerOptions) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const { db } = this.opts;
    if (db.kind === "pglite") {
      const n = await requeueOrphans(db.prisma);
      if (n > 0) this.log(`requeued ${n} job(s) left running by a previous start`);
    }
    try {
      this.unlisten = await db.listen(JOBS_CHANNEL, () => this.wake(), () => this.wake());
    } catch (err) {
      this.log(`LISTEN ${JOBS_CHANNEL} failed (polling only): ${err instanceof Error ? err.message : String(err)}`);
    }
    this.loop = this.run();
  }

  /** Stops after the current job (its lease simply runs out if the process dies first). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
    await this.unlisten?.().catch(() => undefined);
    this.unlisten = null;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private log(msg: string): void {
    (this.opts.log ?? ((m: string) => console.log(`[jobs] ${m}`)))(msg);
  }

  private async idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, this.opts.pollMs ?? POLL_MS);
      this.wakeUp = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wakeUp = null;
    this.woken = false;
  }

  private async run(): Promise<void> {
    const { db, storeId } = this.opts;
    while (this.running) {
      let job: ClaimedJob | null = null;
      try {
        for (const incidentId of await failExhausted(db.prisma)) {
          await publish(db.prisma, { incidentId, kind: "job" }).catch(() => undefined);
        }
        job = await claimJob(db.prisma, this.id, storeId);
      } catch (err) {
        this.log(`claim failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!job) {
        await this.idle();
        continue;
      }
      await this.runJob(job);
      this.finished++;
    }
  }

  /** Runs every job that can be claimed now, then returns how many ran (tests, scripts). */
  async drain(): Promise<number> {
    let n = 0;
    for (;;) {
      const job = await claimJob(this.opts.db.prisma, this.id, this.opts.storeId);
      if (!job) return n;
      await this.runJob(job);
      n++;
      this.finished++;
    }
  }

  private async runJob(job: ClaimedJob): Promise<void> {
    const { db } = this.opts;
    let lost = false;
    let lastProgress: JobProgress = { stage: "reading" };
    let lastWrite = 0;
    let beating: Promise<void> = Promise.resolve();
    const beat = (p?: JobProgress) => {
      beating = beating
        .then(() => heartbeat(db.prisma, job, p))
        .catch((err: unknown) => {
          if (err instanceof LeaseLostError) lost = true;
          else this.log(`heartbeat of ${job.id} failed: ${err instanceof Error ? err.message : String(err)}`);
        });
      return beating;
    };
    const timer = setInterval(() => void beat(), HEARTBEAT_MS);
    timer.unref();
    const notify = () => publish(db.prisma, { incidentId: job.incidentId, kind: "job", entityId: job.id }).catch(() => undefined);
    await notify();
    const started = Date.now();
    try {
      await this.opts.handler({
        db,
        job,
        storeId: this.opts.storeId,
        checkLease: () => {
          if (lost) throw new LeaseLostError(job.id);
        },
        progress: async (p) => {
          if (lost) throw new LeaseLostError(job.id);
          const now = Date.now();
          const stageChanged = p.stage !== lastProgress.stage;
          lastProgress = p;
          if (!stageChanged && now - lastWrite < PROGRESS_MS) return;
          lastWrite = now;
          await beat(p);
          if (lost) throw new LeaseLostError(job.id);
          if (stageChanged) await notify();
        },
      });
      this.log(`job ${job.id} (incident ${job.incidentId}) done in ${Date.now() - started} ms`);
    } catch (err) {
      if (err instanceof LeaseLostError) {
        this.log(`job ${job.id}: lease lost, left to the worker that took it over`);
      } else {
        const state = await failJob(db.prisma, job, err).catch((e: unknown) => {
          this.log(`recording the failure of ${job.id} failed: ${e instanceof Error ? e.message : String(e)}`);
          return null;
        });
        this.log(`job ${job.id} (incident ${job.incidentId}) ${state === "queued" ? "will be retried" : "failed"}: ${
          err instanceof Error ? err.message : String(err)
        }`);
        if (state === "failed" && !(err instanceof Error && err.name === "PermanentJobError")) console.error(err);
        await notify();
      }
    } finally {
      clearInterval(timer);
      await beating;
    }
  }
}
