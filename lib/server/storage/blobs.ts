// Raw uploads kept on request (keepRaw): blobs/<evidence id>/<file name>, bounded by a retention limit. When the
// directory holds more than NETMORTEM_BLOB_MAX_BYTES (default 10 GiB), or a kept file is older than
// NETMORTEM_BLOB_MAX_AGE_DAYS (default 30), the oldest are deleted and their items say so (blob_path cleared);
// the summaries and texts read from them stay in the database.
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "../../generated/prisma/client";
import type { FilesDir } from "./files";

export function blobLimits(env: NodeJS.ProcessEnv = process.env): { maxBytes: number; maxAgeMs: number } {
  const bytes = Number(env.NETMORTEM_BLOB_MAX_BYTES);
  const days = Number(env.NETMORTEM_BLOB_MAX_AGE_DAYS);
  return {
    maxBytes: Number.isFinite(bytes) && bytes >= 0 ? bytes : 10 * 1024 ** 3,
    maxAgeMs: (Number.isFinite(days) && days > 0 ? days : 30) * 86_400_000,
  };
}

/** Deletes kept raw files beyond the limits, oldest first. Returns the evidence ids whose raw file went. */
export async function enforceBlobRetention(
  prisma: PrismaClient,
  dir: FilesDir,
  limits = blobLimits(),
  now = Date.now(),
): Promise<string[]> {
  const kept = await prisma.evidenceItem.findMany({
    where: { blobPath: { not: null }, storeId: dir.storeId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, blobPath: true, createdAt: true },
  });
  let total = 0;
  const drop: typeof kept = [];
  for (const k of kept) {
    const size = await stat(dir.resolve(k.blobPath!)).then((s) => s.size, () => 0);
    total += size;
    if (total > limits.maxBytes || now - k.createdAt.getTime() > limits.maxAgeMs) drop.push(k);
  }
  for (const d of drop) {
    const file = dir.resolve(d.blobPath!);
    await rm(file, { force: true });
    if (path.dirname(file) !== dir.blobs) await rm(path.dirname(file), { recursive: true, force: true });
    await prisma.evidenceItem.update({ where: { id: d.id }, data: { blobPath: null } });
  }
  return drop.map((d) => d.id);
}

/** Temp files of uploads that never finished, and spool folders no item refers to (a crash mid-upload). */
export async function sweepOrphans(prisma: PrismaClient, dir: FilesDir, olderThanMs = 3600_000, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir.tmp).catch(() => [] as string[])) {
    const p = path.join(dir.tmp, name);
    const st = await stat(p).catch(() => null);
    if (st && now - st.mtimeMs > olderThanMs) {
      await rm(p, { recursive: true, force: true });
      removed++;
    }
  }
  const folders = await readdir(dir.spool).catch(() => [] as string[]);
  if (folders.length > 0) {
    const ids = folders.filter((f) => /^[0-9a-f-]{36}$/.test(f));
    const known = new Set(
      (await prisma.evidenceItem.findMany({ where: { id: { in: ids }, spoolPath: { not: null } }, select: { id: true } })).map((r) => r.id),
    );
    for (const f of folders) {
      if (known.has(f)) continue;
      const p = path.join(dir.spool, f);
      const st = await stat(p).catch(() => null);
      if (st && now - st.mtimeMs > olderThanMs) {
        await rm(p, { recursive: true, force: true });
        removed++;
      }
    }
  }
  return removed;
}
