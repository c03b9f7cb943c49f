import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { changeIncidentStatus } from "@/lib/server/services/incident/change-status";

/** Body { to, expectedVersion, author?, note? }; 409 with error.current when expectedVersion is stale. */
export const POST = route(async (request: Request, context: IdParams) => {
  const id = await pathId(context);
  return ok(await changeIncidentStatus(id, await readJson(request)));
});
