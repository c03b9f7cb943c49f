import { ok, pathId, readJson, route, searchParams, type IdParams } from "@/lib/server/http";
import { getReport } from "@/lib/server/services/report/get";
import { saveReport } from "@/lib/server/services/report/save";

export const GET = route({ role: "viewer" }, async (request: Request, context: IdParams, actor) =>
  ok(await getReport(actor, await pathId(context), searchParams(request))),
);

export const PUT = route({ role: "responder" }, async (request: Request, context: IdParams, actor) =>
  ok(await saveReport(actor, await pathId(context), await readJson(request, 1_048_576))),
);
