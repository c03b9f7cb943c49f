// Starts this process's job worker and the housekeeping of the files directory (instrumentation.ts calls it when the
// server starts). Set NETMORTEM_WORKER=0 to run a server that only serves requests (another instance analyses).
import { getDatabase, type Database } from "../db";
import { enforceBlobRetention, sweepOrphans } from "../storage/blobs";
import { getFilesDir } from "../storage/files";
import { makeAnalysisJob } from "./analysis-job";
import { Worker } from "./worker";

const HOUSEKEEPING_MS = 15 * 60_000;

const store = globalThis as typeof globalThis & { __netmortemWorker?: Promise<Worker | null> };

async function housekeeping(db: Database): Promise<void> {
  const dir = getFilesDir();
  await sweepOrphans(db.prisma, dir);
  await enforceBlobRetention(db.prisma, dir);
  // a retried ingest request is recognised for a day
  await db.prisma.idempotencyKey.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - 86_400_000) } } });
}

export function startJobs(): Promise<Worker | null> {
  store.__netmortemWorker ??= (async () => {
    if (process.env.NETMORTEM_WORKER === "0") return null;
    const db = await getDatabase();
    const dir = getFilesDir();
    const worker = new Worker({ db, storeId: dir.storeId, handler: makeAnalysisJob() });
    await worker.start();
    console.log(`[jobs] worker ${worker.id} started (files directory ${dir.root}, store ${dir.storeId})`);
    const tick = () =>
      void housekeeping(db).catch((err: unknown) => console.error("[jobs] housekeeping failed:", err instanceof Error ? err.message : err));
    tick();
    setInterval(tick, HOUSEKEEPING_MS).unref();
    return worker;
  })().catch((err: unknown) => {
    console.error("[jobs] the worker did not start:", err);
    store.__netmortemWorker = undefined;
    return null;
  });
  return store.__netmortemWorker;
}
