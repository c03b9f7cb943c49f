import { ok, pathId, readJson, route } from "@/lib/server/http";
import { deleteActionItem, updateActionItem } from "@/lib/server/services/action-item/action-items";

type Params = { params: Promise<{ id: string; itemId: string }> };

export const PATCH = route({ role: "responder" }, async (request: Request, context: Params, actor) =>
  ok(await updateActionItem(actor, await pathId(context), (await context.params).itemId, await readJson(request))),
);

export const DELETE = route({ role: "responder" }, async (_request: Request, context: Params, actor) => {
  await deleteActionItem(actor, await pathId(context), (await context.params).itemId);
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
});
