// PGlite keeps a whole PostgreSQL in one process; two processes opening the same data dir would corrupt it
// and PGlite does not check. A lock file beside the data dir, holding the owner's pid, makes the second opener
// fail loudly instead.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(
      `the PGlite data dir ${dataDir} is in use by process ${pid}. Stop that process, or point NETMORTEM_DATA_DIR at ` +
        `another directory (or set DATABASE_URL to use PostgreSQL).`,
    );
    this.name = "DataDirLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which still means "in use".
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock or throws DataDirLockedError; returns the release function. A dead owner's lock is taken over. */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(/*turbopackIgnore: true*/ lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        try {
          if (readFileSync(/*turbopackIgnore: true*/ lockPath, "utf8").trim() === String(process.pid)) unlinkSync(/*turbopackIgnore: true*/ lockPath);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.on("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(/*turbopackIgnore: true*/ lockPath, "utf8").trim(), 10);
      } catch {
        continue; // Removed between our open and read: try again.
      }
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) throw new DataDirLockedError(dataDir, owner);
      try {
        unlinkSync(/*turbopackIgnore: true*/ lockPath);
      } catch {
        // Someone else cleaned it up first; the next attempt decides.
      }
    }
  }
  throw new Error(`could not take the lock ${lockPath}`);
}
