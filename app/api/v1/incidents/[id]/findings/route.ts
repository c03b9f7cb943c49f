import { ok, pathId, route, type IdParams } from "@/lib/server/http";
import { listFindings } from "@/lib/server/services/finding/list";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) => ok(await listFindings(actor, await pathId(context))));
