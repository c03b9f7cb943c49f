import { ok, pathId, route, type IdParams } from "@/lib/server/http";
import { compareSources } from "@/lib/server/services/compare/compare";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) => ok(await compareSources(actor, await pathId(context))));
