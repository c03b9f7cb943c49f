/** Test helpers: spooled snapshots, and snapshots read as the server reads them. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { evidenceFromTexts } from "../../analysis/evidence";
import type { SnapshotIngest } from "../../schemas/ingest";

/** the snapshots an agent spooled, oldest first */
export function spooled(dir: string): SnapshotIngest[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json.gz"))
    .sort()
    .map((f) => JSON.parse(gunzipSync(readFileSync(path.join(dir, f))).toString("utf8")) as SnapshotIngest);
}

/** one host's snapshots as the evidence engine's files: each reading named after the moment it was taken */
export function hostFromSnapshots(host: string, snaps: SnapshotIngest[]) {
  return evidenceFromTexts(
    host,
    snaps.flatMap((s) => s.outputs.map((o) => ({ path: `${s.takenAt.replace(/[:.]/g, "-")}/${o.name}`, text: o.content }))),
  );
}

