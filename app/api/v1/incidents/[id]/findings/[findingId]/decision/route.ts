import { ok, pathId, readJson, route } from "@/lib/server/http";
import { decideFinding } from "@/lib/server/services/finding/decide";

type Params = { params: Promise<{ id: string; findingId: string }> };

export const POST = route({ role: "responder" }, async (request: Request, context: Params, actor) =>
  ok(await decideFinding(actor, await pathId(context), (await context.params).findingId, await readJson(request))),
);
