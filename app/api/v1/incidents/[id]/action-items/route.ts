import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { createActionItem, listActionItems } from "@/lib/server/services/action-item/action-items";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) => ok(await listActionItems(actor, await pathId(context))));

export const POST = route({ role: "responder" }, async (request: Request, context: IdParams, actor) =>
  ok(await createActionItem(actor, await pathId(context), await readJson(request)), 201),
);
