import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { linkIncidentNodes, listIncidentNodes } from "@/lib/server/services/incident-node/incident-nodes";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) => ok(await listIncidentNodes(actor, await pathId(context))));

export const POST = route({ role: "responder" }, async (request: Request, context: IdParams, actor) =>
  ok(await linkIncidentNodes(actor, await pathId(context), await readJson(request))),
);
