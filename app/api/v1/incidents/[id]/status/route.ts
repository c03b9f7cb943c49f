import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { changeIncidentStatus } from "@/lib/server/services/incident/change-status";

/** Body { to, expectedVersion, note? }; 409 with error.current when expectedVersion is stale. */
export const POST = route({ role: "responder" }, async (request: Request, context: IdParams, actor) => {
  const id = await pathId(context);
  return ok(await changeIncidentStatus(actor, id, await readJson(request)));
});
