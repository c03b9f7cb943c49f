import { route } from "@/lib/server/http";
import { ingestResponse } from "@/lib/server/ingest/respond";
import { ingestSnapshot } from "@/lib/server/services/ingest/snapshot";

export const dynamic = "force-dynamic";

/** One node's outputs at one moment (SnapshotIngest, JSON, gzip'able), from the cluster's agent: 202, or 200 for a
 *  retry with the same Idempotency-Key. */
export const POST = route({ ingest: true }, async (request: Request, _context: unknown, actor) =>
  ingestResponse(await ingestSnapshot(actor, request)),
);
