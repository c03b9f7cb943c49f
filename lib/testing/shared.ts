/**
 * Where the shared material is (corpus, seeds, domain notes: `../shared` beside the repository). Tests,
 * benches and recorders read it in place, never copy it. A clone made elsewhere (CI's
 * `git clone . "$(mktemp -d)"`) finds it beside the repository it was cloned from (its `origin`, when that
 * is a local path); NETMORTEM_SHARED overrides both.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** the repository's root */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function findShared(): string {
  const fromEnv = process.env.NETMORTEM_SHARED;
  if (fromEnv) return path.resolve(fromEnv);
  const beside = path.resolve(REPO, "../shared");
  if (existsSync(beside)) return beside;
  try {
    const origin = execFileSync("git", ["config", "--get", "remote.origin.url"], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const local = origin.startsWith("file://") ? fileURLToPath(origin) : origin;
    if (path.isAbsolute(local)) {
      const besideOrigin = path.resolve(local, "../shared");
      if (existsSync(besideOrigin)) return besideOrigin;
    }
  } catch {
    // not a git checkout, or no origin: the default below, which the failing read will name
  }
  return beside;
}

/** the shared folder */
export const SHARED = findShared();
/** a path inside it, e.g. sharedPath("corpus", "pcap") */
export const sharedPath = (...p: string[]): string => path.join(SHARED, ...p);
