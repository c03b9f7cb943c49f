// The queue's semantics on both databases: coalescing, claiming (one worker per job, one job per incident at a
// time, affinity), leases that expire and are taken over, retries with backoff, requeue after a restart.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../db";
import { testTargets } from "../testing/databases";
import {
  LeaseLostError,
  PermanentJobError,
  backoffSeconds,
  claimJob,
  completeJob,
  enqueueAnalysis,
  failExhausted,
  failJob,
  heartbeat,
  requeueOrphans,
} from "./queue";

describe.each(testTargets())("job queue on $name", (target) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let incidentA: string;
  let incidentB: string;

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    const mk = async (title: string) =>
      (await db.prisma.incident.create({ data: { title, severity: "sev2", startedAt: new Date() } })).id;
    incidentA = await mk("a");
    incidentB = await mk("b");
  });
  afterAll(() => dispose());
  beforeEach(async () => {
    await db.prisma.analysisJob.deleteMany({});
  });

  const state = async (id: string) => db.prisma.analysisJob.findUniqueOrThrow({ where: { id } });
  const expireLease = (id: string) =>
    db.prisma.$executeRaw`UPDATE analysis_jobs SET lease_until = now() - interval '1 second' WHERE id = ${id}::uuid`;
  const makeDue = (id: string) =>
    db.prisma.$executeRaw`UPDATE analysis_jobs SET run_at = now() - interval '1 second' WHERE id = ${id}::uuid`;

  it("reuses a queued job of the incident instead of queueing another", async () => {
    const a = await db.prisma.$transaction((tx) => enqueueAnalysis(tx, { incidentId: incidentA }));
    const b = await db.prisma.$transaction((tx) => enqueueAnalysis(tx, { incidentId: incidentA }));
    expect(a.created).toBe(true);
    expect(b).toEqual({ jobId: a.jobId, created: false });
    // a job that must read spooled files takes the store on; another store's upload gets a job of its own
    const c = await db.prisma.$transaction((tx) => enqueueAnalysis(tx, { incidentId: incidentA, affinity: "store-1" }));
    expect(c.jobId).toBe(a.jobId);
    expect((await state(a.jobId)).affinity).toBe("store-1");
    const d = await db.prisma.$transaction((tx) => enqueueAnalysis(tx, { incidentId: incidentA, affinity: "store-2" }));
    expect(d.created).toBe(true);
    expect(await db.prisma.analysisJob.count()).toBe(2);
  });

  it("claims a job once, one job per incident at a time, and only on its store", async () => {
    const a1 = await enqueueAnalysis(db.prisma, { incidentId: incidentA, affinity: "store-1" });
    const b1 = await enqueueAnalysis(db.prisma, { incidentId: incidentB });
    expect(await claimJob(db.prisma, "w-other-store", "store-9")).toMatchObject({ id: b1.jobId, attempts: 1 });
    expect(await claimJob(db.prisma, "w-other-store", "store-9")).toBeNull();
    const got = await claimJob(db.prisma, "w1", "store-1");
    expect(got).toMatchObject({ id: a1.jobId, incidentId: incidentA, attempts: 1, workerId: "w1" });
    // a second job for A while A's first runs waits for it
    await db.prisma.analysisJob.create({ data: { incidentId: incidentA } });
    expect(await claimJob(db.prisma, "w2", "store-1")).toBeNull();
    await completeJob(db.prisma, got!, { analysisId: null });
    expect(await claimJob(db.prisma, "w2", "store-1")).toMatchObject({ incidentId: incidentA });
  });

  it("two workers claiming at once get different jobs", async () => {
    await enqueueAnalysis(db.prisma, { incidentId: incidentA });
    await enqueueAnalysis(db.prisma, { incidentId: incidentB });
    const [x, y] = await Promise.all([claimJob(db.prisma, "w1", "s"), claimJob(db.prisma, "w2", "s")]);
    expect(x).not.toBeNull();
    expect(y).not.toBeNull();
    expect(x!.id).not.toBe(y!.id);
  });

  it("a lease that runs out is taken over; the old worker can neither heartbeat nor complete", async () => {
    const { jobId } = await enqueueAnalysis(db.prisma, { incidentId: incidentA });
    const first = (await claimJob(db.prisma, "w1", "s"))!;
    await heartbeat(db.prisma, first, { stage: "parsing", done: 1, total: 3 });
    expect((await state(jobId)).progress).toEqual({ stage: "parsing", done: 1, total: 3 });
    expect(await claimJob(db.prisma, "w2", "s")).toBeNull();
    await expireLease(jobId);
    const second = (await claimJob(db.prisma, "w2", "s"))!;
    expect(second).toMatchObject({ id: jobId, attempts: 2 });
    await expect(heartbeat(db.prisma, first)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(completeJob(db.prisma, first, { analysisId: null })).rejects.toBeInstanceOf(LeaseLostError);
    await completeJob(db.prisma, second, { analysisId: null });
    expect(await state(jobId)).toMatchObject({ state: "done", attempts: 2, leaseUntil: null });
  });

  it("retries with backoff, then fails; a permanent error fails at once", async () => {
    expect([1, 2, 3, 20].map(backoffSeconds)).toEqual([2, 4, 8, 300]);
    const { jobId } = await enqueueAnalysis(db.prisma, { incidentId: incidentA });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const job = (await claimJob(db.prisma, "w", "s"))!;
      expect(job.attempts).toBe(attempt);
      const to = await failJob(db.prisma, job, new Error(`boom ${attempt}`));
      expect(to).toBe(attempt < 3 ? "queued" : "failed");
      const row = await state(jobId);
      expect(row.error).toBe(`boom ${attempt}`);
      if (attempt < 3) {
        expect(row.runAt.getTime()).toBeGreaterThan(Date.now() + backoffSeconds(attempt) * 1000 - 1500);
        expect(await claimJob(db.prisma, "w", "s")).toBeNull(); // not due yet
        await makeDue(jobId);
      }
    }
    expect((await state(jobId)).finishedAt).not.toBeNull();
    const other = await enqueueAnalysis(db.prisma, { incidentId: incidentB });
    const job = (await claimJob(db.prisma, "w", "s"))!;
    expect(await failJob(db.prisma, job, new PermanentJobError("x.tar.gz: not a tar, tar.gz or zip archive"))).toBe("failed");
    expect(await state(other.jobId)).toMatchObject({ state: "failed", attempts: 1, error: "x.tar.gz: not a tar, tar.gz or zip archive" });
  });

  it("a job interrupted as often as it may run fails saying so", async () => {
    const { jobId } = await enqueueAnalysis(db.prisma, { incidentId: incidentA });
    for (let i = 0; i < 3; i++) {
      expect(await claimJob(db.prisma, `w${i}`, "s")).not.toBeNull();
      await expireLease(jobId);
    }
    expect(await claimJob(db.prisma, "w9", "s")).toBeNull();
    expect(await failExhausted(db.prisma)).toEqual([incidentA]);
    expect(await state(jobId)).toMatchObject({ state: "failed", error: expect.stringMatching(/interrupted 3 times/) });
  });

  it("requeues what a previous start left running", async () => {
    const { jobId } = await enqueueAnalysis(db.prisma, { incidentId: incidentA });
    await claimJob(db.prisma, "dead-worker", "s");
    expect(await requeueOrphans(db.prisma)).toBe(1);
    expect(await state(jobId)).toMatchObject({ state: "queued", lockedBy: null, attempts: 1 });
    expect(await claimJob(db.prisma, "w", "s")).toMatchObject({ id: jobId, attempts: 2 });
  });
});
