import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { getIncident } from "@/lib/server/services/incident/get";
import { updateIncident } from "@/lib/server/services/incident/update";

export const GET = route(async (_request: Request, context: IdParams) => ok(await getIncident(await pathId(context))));

/** Descriptive fields only; status changes go through ./status. */
export const PATCH = route(async (request: Request, context: IdParams) => {
  const id = await pathId(context);
  return ok(await updateIncident(id, await readJson(request)));
});
