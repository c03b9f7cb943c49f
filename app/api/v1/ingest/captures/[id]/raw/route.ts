import { pathId, route, type IdParams } from "@/lib/server/http";
import { ingestResponse } from "@/lib/server/ingest/respond";
import { ingestCaptureRaw } from "@/lib/server/services/ingest/capture";

export const dynamic = "force-dynamic";

/** The raw pcap of a capture summary (the id of its 202), raw body, gzip'able: kept under the blob retention. */
export const POST = route({ ingest: true }, async (request: Request, context: IdParams, actor) =>
  ingestResponse(await ingestCaptureRaw(actor, await pathId(context), request)),
);
