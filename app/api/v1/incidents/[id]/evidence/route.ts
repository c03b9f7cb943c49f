import { json, list, pathId, route, searchParams, type IdParams } from "@/lib/server/http";
import { listEvidence } from "@/lib/server/services/evidence/list";
import { uploadEvidence } from "@/lib/server/services/evidence/upload";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async (request: Request, context: IdParams, actor) =>
  list(await listEvidence(actor, await pathId(context), searchParams(request))),
);

/**
 * The file is the raw request body (never multipart): Content-Type application/gzip, application/x-tar,
 * application/zip, application/vnd.tcpdump.pcap, application/x-pcapng or text/plain (a paste); X-Filename and
 * X-Host optional; ?keepRaw=true keeps the raw file. 202 for a new item, 200 when the same bytes were already there.
 */
export const POST = route({ role: "responder" }, async (request: Request, context: IdParams, actor) => {
  const id = await pathId(context);
  const { created, accepted } = await uploadEvidence(actor, id, request, searchParams(request));
  return json({ data: accepted }, created ? 202 : 200);
});
