// The agent snapshots recorded in namespaces (lib/server/ingest/testdata/snapshots, see its README), for tests and
// bench:ingest.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { SnapshotIngest } from "../../schemas/ingest";

export const SNAPSHOTS_DIR = fileURLToPath(new URL("../ingest/testdata/snapshots", import.meta.url));

/** One recorded node's snapshots, oldest first (node-srv: an HTTP server; node-cli: its client). */
export function recordedSnapshots(node = "node-srv", dir = SNAPSHOTS_DIR): SnapshotIngest[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${node}-`) && f.endsWith(".json.gz"))
    .sort((a, b) => Number(a.match(/-(\d+)\./)![1]) - Number(b.match(/-(\d+)\./)![1]))
    .map((f) => JSON.parse(gunzipSync(readFileSync(path.join(dir, f))).toString("utf8")) as SnapshotIngest);
}
