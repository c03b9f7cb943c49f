import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { failCaptureRequest } from "@/lib/server/services/capture-request";

export const dynamic = "force-dynamic";

/** { error }: the agent cannot do this capture (no such interface, no tcpdump…). */
export const POST = route({ ingest: true }, async (request: Request, context: IdParams, actor) =>
  ok(await failCaptureRequest(actor, await pathId(context), await readJson(request))),
);
