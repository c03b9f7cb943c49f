import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { getIncident } from "@/lib/server/services/incident/get";
import { updateIncident } from "@/lib/server/services/incident/update";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) =>
  ok(await getIncident(actor, await pathId(context))),
);

/** Descriptive fields only; status changes go through ./status. */
export const PATCH = route({ role: "responder" }, async (request: Request, context: IdParams, actor) => {
  const id = await pathId(context);
  return ok(await updateIncident(actor, id, await readJson(request)));
});
