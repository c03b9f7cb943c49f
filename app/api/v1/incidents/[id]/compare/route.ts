import { ok, pathId, route, searchParams, type IdParams } from "@/lib/server/http";
import { compare } from "@/lib/server/services/compare/compare";

export const GET = route({ role: "viewer" }, async (request: Request, context: IdParams, actor) =>
  ok(await compare(actor, await pathId(context), searchParams(request))),
);
