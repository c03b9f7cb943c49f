// The analysis job: reads the incident's uploads still waiting in this files directory's spool (bundle → texts,
// capture summaries, what was skipped), stores them, then analyses the incident from the database alone and saves
// a new version of its analysis. Re-runnable: an upload read before a crash is read again from its spool file; the
// result is saved in one transaction that also marks the job done (only if it is still this worker's).
import { mkdir, rename, stat } from "node:fs/promises";
import path from "node:path";
import type { Prisma } from "../../generated/prisma/client";
import { publish } from "../events";
import { analyseStored, loadIncidentEvidence } from "../ingest/analyse";
import { collectGarbage } from "../memory";
import { readUpload } from "../ingest/read";
import { getFilesDir, removeSpool, type FilesDir } from "../storage/files";
import { enforceBlobRetention } from "../storage/blobs";
import { putTextBlobs, textBlob, type TextBlobInput } from "../storage/text-blobs";
import { PermanentJobError, completeJob } from "./queue";
import type { JobContext, JobHandler } from "./worker";

/**
 * The job's transactions wait for a busy or slow database instead of failing at Prisma's defaults (2 s to start,
 * 5 s in all): a 10 MB capture summary (a SYN flood's 10 000 kept flows) took 9-11 s to store on the loaded machine
 * and the upload failed three times with Prisma's "expired transaction" as its error. The job holds a lease, not a
 * request: waiting is right.
 */
const JOB_TX = { maxWait: 30_000, timeout: 120_000 };

/** NETMORTEM_MEMORY_LOG=1: the process's memory at each step of a job, on stdout (bench:ingest reads it). */
function memoryAt(step: string): void {
  if (!process.env.NETMORTEM_MEMORY_LOG) return;
  const u = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  console.log(`[job memory] ${step}: rss ${mb(u.rss)} MB, heap ${mb(u.heapUsed)}/${mb(u.heapTotal)} MB, external ${mb(u.external)} MB (array buffers ${mb(u.arrayBuffers)} MB)`);
}

type Pending = {
  id: string;
  incidentId: string | null;
  filename: string | null;
  spoolPath: string | null;
  options: unknown;
};

export function makeAnalysisJob(files: () => FilesDir = getFilesDir): JobHandler {
  return async (ctx) => {
    const prisma = ctx.db.prisma;
    const dir = files();
    const pending: Pending[] = await prisma.evidenceItem.findMany({
      where: { incidentId: ctx.job.incidentId, storeId: ctx.storeId, spoolPath: { not: null }, status: { in: ["received", "processing"] } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, incidentId: true, filename: true, spoolPath: true, options: true },
    });
    const failures: string[] = [];
    memoryAt("start");
    for (const item of pending) {
      ctx.checkLease();
      const failed = await ingestItem(ctx, dir, item);
      if (failed) failures.push(failed);
      collectGarbage();
    }

    ctx.checkLease();
    await ctx.progress({ stage: "diagnosing" });
    const evidence = await loadIncidentEvidence(prisma, ctx.job.incidentId);
    collectGarbage();
    memoryAt("evidence loaded");
    if (evidence.itemIds.length === 0) {
      if (failures.length > 0) throw new PermanentJobError(failures.join("; ").slice(0, 2000));
      await prisma.$transaction(async (tx) => {
        await completeJob(tx, ctx.job, { analysisId: null, warning: "no evidence yet: upload a bundle, a capture or a paste" });
        await publish(tx, { incidentId: ctx.job.incidentId, kind: "job", entityId: ctx.job.id });
      }, JOB_TX);
      return;
    }
    const analysis = await analyseStored(evidence);
    memoryAt("diagnosed");
    ctx.checkLease();
    await ctx.progress({ stage: "saving" });
    const warning = failures.length > 0
      ? `${failures.length} upload(s) could not be read (the analysis uses the rest): ${failures.join("; ")}`.slice(0, 2000)
      : null;
    await prisma.$transaction(async (tx) => {
      const last = await tx.analysis.findFirst({
        where: { incidentId: ctx.job.incidentId },
        orderBy: { version: "desc" },
        select: { version: true },
      });
      const row = await tx.analysis.create({
        data: {
          incidentId: ctx.job.incidentId,
          version: (last?.version ?? 0) + 1,
          rootCause: analysis.rootCause,
          leading: (analysis as { leading?: { id?: string } | null }).leading?.id ?? null,
          result: analysis as unknown as Prisma.InputJsonValue,
          evidenceIds: evidence.itemIds,
          jobId: ctx.job.id,
        },
        select: { id: true },
      });
      await completeJob(tx, ctx.job, { analysisId: row.id, warning });
      await publish(tx, { incidentId: ctx.job.incidentId, kind: "analysis", entityId: row.id });
      await publish(tx, { incidentId: ctx.job.incidentId, kind: "job", entityId: ctx.job.id });
    }, JOB_TX);
    memoryAt("saved");
  };
}

/** The location of an upload's raw file once kept (keepRaw): blobs/<evidence id>/<file name>. */
export function blobPathOf(itemId: string, filename: string): string {
  return path.posix.join("blobs", itemId, filename);
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

/** Reads one spooled upload and stores what it holds. Returns a message when it could not be read. */
async function ingestItem(ctx: JobContext, dir: FilesDir, item: Pending): Promise<string | null> {
  const prisma = ctx.db.prisma;
  const incidentId = item.incidentId!;
  const options = (item.options ?? {}) as { host?: string; keepRaw?: boolean };
  const filename = item.filename ?? "upload";
  const spool = dir.resolve(item.spoolPath!);
  const blobRel = blobPathOf(item.id, path.basename(item.spoolPath!));
  const blob = dir.resolve(blobRel);
  // a crash after keeping the raw file and before the database said so leaves it in blobs/: read it there
  const file = (await exists(spool)) ? spool : (await exists(blob)) ? blob : null;

  await prisma.$transaction(async (tx) => {
    await tx.evidenceItem.update({ where: { id: item.id }, data: { status: "processing" } });
    await publish(tx, { incidentId, kind: "evidence", entityId: item.id });
  }, JOB_TX);
  await ctx.progress({ stage: "reading", message: filename });

  const cluster = await prisma.incident.findUnique({ where: { id: incidentId }, select: { cluster: { select: { nodePortRange: true } } } });
  const range = cluster?.cluster?.nodePortRange?.match(/^(\d+)-(\d+)$/);
  // texts are stored as they are read (content-addressed, outside any transaction: a crash leaves only rows that
  // nothing refers to yet), so a bundle's texts are never all in memory at once
  const blobs = new BlobBatcher(prisma);
  const result = file
    ? await readUpload(file, {
        filename,
        host: options.host,
        ...(range ? { nodePortRange: [Number(range[1]), Number(range[2])] as [number, number] } : {}),
        storeText: (text) => blobs.add(text),
        onProgress: (p) => {
          if (p.stage === "capture") memoryAt(`before capture ${p.message}`);
          return ctx.progress({ ...p, message: p.message ? `${filename}: ${p.message}` : filename });
        },
      })
    : ({ ok: false, code: "io_error", message: `${filename}: the uploaded file is no longer in the files directory` } as const);
  await blobs.flush();
  collectGarbage();
  memoryAt(`${filename} read`);
  ctx.checkLease();

  if (!result.ok) {
    await prisma.$transaction(async (tx) => {
      await tx.evidenceItem.update({
        where: { id: item.id },
        data: { status: "failed", error: result.message.slice(0, 2000), spoolPath: null },
      });
      await publish(tx, { incidentId, kind: "evidence", entityId: item.id });
    }, JOB_TX);
    // nothing of a refused upload is kept
    await removeSpool(dir, item.spoolPath!);
    return result.message;
  }

  let keptRel: string | null = null;
  if (options.keepRaw && file) {
    if (file !== blob) {
      await mkdir(path.dirname(blob), { recursive: true });
      await rename(file, blob);
    }
    keptRel = blobRel;
  }
  const recognised = result.files.filter((f) => f.recognised).length;
  ctx.checkLease();
  await prisma.$transaction(async (tx) => {
    await tx.evidenceFile.deleteMany({ where: { evidenceId: item.id } });
    const row = (f: (typeof result.files)[number]) => ({
      evidenceId: item.id,
      host: f.host.slice(0, 253),
      path: f.path.slice(0, 1024),
      kind: f.kind,
      sizeBytes: BigInt(f.sizeBytes),
      blobSha256: f.blobSha256 ?? null,
      note: f.note ? f.note.slice(0, 1000) : null,
      unreadable: f.unreadable ? f.unreadable.slice(0, 1000) : null,
    });
    const plain = result.files.filter((f) => !f.capture);
    for (let i = 0; i < plain.length; i += 1000) {
      await tx.evidenceFile.createMany({ data: plain.slice(i, i + 1000).map(row) });
    }
    // a capture's row on its own: one gzip'd summary per statement (storage/capture-summaries.ts), sent as hex text
    // (Prisma's Bytes parameter through the PGlite adapter made ~35 MB of garbage per 0.5 MB summary)
    for (const f of result.files) {
      if (!f.capture) continue;
      const r = row(f);
      await tx.$executeRaw`
        INSERT INTO evidence_files (evidence_id, host, path, kind, size_bytes, blob_sha256, note, unreadable, capture_summary_gz, capture_brief)
        VALUES (${r.evidenceId}::uuid, ${r.host}, ${r.path}, ${r.kind}, ${r.sizeBytes}, ${r.blobSha256}, ${r.note}, ${r.unreadable},
                decode(${f.capture.gz.toString("hex")}, 'hex'), ${JSON.stringify(f.capture.brief)}::jsonb)`;
    }
    await tx.evidenceItem.update({
      where: { id: item.id },
      data: {
        status: "ready",
        error: null,
        spoolPath: null,
        blobPath: keptRel,
        recognized: {
          container: result.container,
          hosts: result.hosts,
          files: result.files.length,
          recognised,
          warnings: result.warnings.slice(0, 20),
        },
      },
    });
    await publish(tx, { incidentId, kind: "evidence", entityId: item.id });
  }, JOB_TX);
  memoryAt(`${filename} stored`);
  // the spool folder goes either way (a kept raw file was moved out of it)
  await removeSpool(dir, item.spoolPath!);
  if (keptRel) await enforceBlobRetention(prisma, dir);
  return null;
}

/** Collects texts and stores them in batches (about 4 MB or 200 texts a statement). */
class BlobBatcher {
  private pending: TextBlobInput[] = [];
  private bytes = 0;
  constructor(private readonly prisma: Parameters<typeof putTextBlobs>[0]) {}

  async add(text: string): Promise<string> {
    const b = textBlob(text);
    this.pending.push(b);
    this.bytes += b.bytes.length;
    if (this.bytes > 4 * 1024 * 1024 || this.pending.length >= 200) await this.flush();
    return b.sha256;
  }

  async flush(): Promise<void> {
    const todo = this.pending;
    this.pending = [];
    this.bytes = 0;
    if (todo.length > 0) await putTextBlobs(this.prisma, todo);
  }
}
