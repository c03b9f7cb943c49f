import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { getUser } from "@/lib/server/services/user/list";
import { updateUser } from "@/lib/server/services/user/update";

export const GET = route({ role: "admin" }, async (_request: Request, context: IdParams, actor) =>
  ok(await getUser(actor, await pathId(context))),
);

/** { name?, role?, disabled? }: takes effect on the user's next request. */
export const PATCH = route({ role: "admin" }, async (request: Request, context: IdParams, actor) => {
  const id = await pathId(context);
  return ok(await updateUser(actor, id, await readJson(request), request));
});
