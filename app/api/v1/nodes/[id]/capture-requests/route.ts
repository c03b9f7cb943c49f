import { list, ok, pathId, readJson, route, searchParams, type IdParams } from "@/lib/server/http";
import { createCaptureRequest, listCaptureRequests } from "@/lib/server/services/capture-request";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async (request: Request, context: IdParams, actor) =>
  list(await listCaptureRequests(actor, await pathId(context), searchParams(request))),
);

/** Ask the node's agent for a capture: { iface, seconds?, filter?, sendRaw?, incidentId? } → 201. */
export const POST = route({ role: "responder" }, async (request: Request, context: IdParams, actor) =>
  ok(await createCaptureRequest(actor, await pathId(context), await readJson(request)), 201),
);
