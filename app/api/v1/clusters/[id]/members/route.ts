import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { addMember, listMembers } from "@/lib/server/services/member/members";

export const GET = route({ role: "admin" }, async (_request: Request, context: IdParams, actor) =>
  ok(await listMembers(actor, await pathId(context))),
);

/** { userId }: that user now sees this cluster, its nodes and incidents. */
export const POST = route({ role: "admin" }, async (request: Request, context: IdParams, actor) => {
  const id = await pathId(context);
  return ok(await addMember(actor, id, await readJson(request), request), 201);
});
