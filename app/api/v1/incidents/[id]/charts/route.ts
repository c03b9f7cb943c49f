import { ok, pathId, route, type IdParams } from "@/lib/server/http";
import { getCharts } from "@/lib/server/services/chart/get";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) => ok(await getCharts(actor, await pathId(context))));
