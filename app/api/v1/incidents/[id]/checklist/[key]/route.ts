import { ok, pathId, readJson, route } from "@/lib/server/http";
import { updateChecklistEntry } from "@/lib/server/services/checklist/update";

type Params = { params: Promise<{ id: string; key: string }> };

export const PATCH = route({ role: "responder" }, async (request: Request, context: Params, actor) =>
  ok(await updateChecklistEntry(actor, await pathId(context), (await context.params).key, await readJson(request))),
);
