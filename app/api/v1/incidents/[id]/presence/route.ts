import { ok, pathId, route, type IdParams } from "@/lib/server/http";
import { getPresence } from "@/lib/server/services/presence/get";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) => ok(await getPresence(actor, await pathId(context))));
