import { route } from "@/lib/server/http";
import { ingestResponse } from "@/lib/server/ingest/respond";
import { ingestCapture } from "@/lib/server/services/ingest/capture";

export const dynamic = "force-dynamic";

/** A capture summarised at the node (CaptureIngest): 202, or 200 for a retry with the same Idempotency-Key. */
export const POST = route({ ingest: true }, async (request: Request, _context: unknown, actor) =>
  ingestResponse(await ingestCapture(actor, request)),
);
