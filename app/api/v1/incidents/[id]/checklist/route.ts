import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { addManualCheck } from "@/lib/server/services/checklist/add-manual";
import { getChecklist } from "@/lib/server/services/checklist/get";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) => ok(await getChecklist(actor, await pathId(context))));

export const POST = route({ role: "responder" }, async (request: Request, context: IdParams, actor) =>
  ok(await addManualCheck(actor, await pathId(context), await readJson(request)), 201),
);
