// The files directory: where upload bodies are received (tmp/), wait for the analysis job (spool/), and where raw
// captures are kept when asked (blobs/). Everything else lives in the database.
//
//   NETMORTEM_FILES_DIR   default ./.data/files
//
// Each directory has a store id (a random UUID in <dir>/store-id, made on first use). Spool and blob paths in the
// database are relative to the directory and tagged with its id, so a job that must read a spooled file is claimed
// only by an instance that has that directory (several instances sharing one directory share its id).
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";

export interface FilesDir {
  root: string;
  tmp: string;
  spool: string;
  blobs: string;
  storeId: string;
  /** absolute path of a path relative to root; refuses anything that would leave the directory */
  resolve(relative: string): string;
}

export function openFilesDir(root: string): FilesDir {
  const abs = path.resolve(/*turbopackIgnore: true*/ root);
  const dirs = { tmp: path.join(abs, "tmp"), spool: path.join(abs, "spool"), blobs: path.join(abs, "blobs") };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });
  const idFile = path.join(abs, "store-id");
  let storeId: string;
  try {
    storeId = readFileSync(idFile, "utf8").trim();
  } catch {
    storeId = "";
  }
  if (!/^[0-9a-f-]{36}$/.test(storeId)) {
    storeId = randomUUID();
    try {
      // wx: two processes starting at once on a shared directory agree on the first id written
      writeFileSync(idFile, `${storeId}\n`, { flag: "wx", mode: 0o600 });
    } catch {
      storeId = readFileSync(idFile, "utf8").trim();
    }
  }
  return {
    root: abs,
    ...dirs,
    storeId,
    resolve(relative: string) {
      const p = path.resolve(abs, relative);
      if (p !== abs && !p.startsWith(abs + path.sep)) throw new Error(`path ${relative} is outside the files directory`);
      return p;
    },
  };
}

const store = globalThis as typeof globalThis & { __netmortemFiles?: FilesDir };

/** The process's files directory (NETMORTEM_FILES_DIR, else ./.data/files), made on first use. */
export function getFilesDir(): FilesDir {
  store.__netmortemFiles ??= openFilesDir(
    process.env.NETMORTEM_FILES_DIR?.trim() || path.resolve(/*turbopackIgnore: true*/ process.cwd(), ".data/files"),
  );
  return store.__netmortemFiles;
}

/** Tests point the process at a directory of their own. */
export function setFilesDir(dir: FilesDir | undefined): void {
  store.__netmortemFiles = dir;
}

/** A file name safe to create: no separators or control characters, not "." or "..", at most 200 bytes. */
export function safeFileName(name: string, fallback = "upload"): string {
  let n = name.replace(/[\/\\\x00-\x1f\x7f]/g, "_").trim();
  while (Buffer.byteLength(n) > 200) n = n.slice(0, -1);
  return n === "" || /^\.+$/.test(n) ? fallback : n;
}

/** spool/<evidence id>/<file name>: where a received upload waits for the job */
export function spoolPathOf(evidenceId: string, filename: string): string {
  return path.posix.join("spool", evidenceId, safeFileName(filename));
}

const SPOOL_ENTRY = /^spool\/[0-9a-f-]{36}\/[^/]+$/;

/** Removes a spooled upload and its folder (only a path of the spoolPathOf shape: never more than that). */
export async function removeSpool(dir: FilesDir, relative: string): Promise<void> {
  const file = dir.resolve(relative);
  await rm(file, { force: true });
  if (SPOOL_ENTRY.test(relative)) await rm(path.dirname(file), { recursive: true, force: true });
}
