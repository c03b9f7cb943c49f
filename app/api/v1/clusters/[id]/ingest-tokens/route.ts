import { list, ok, pathId, readJson, route, searchParams, type IdParams } from "@/lib/server/http";
import { createIngestToken } from "@/lib/server/services/token/create";
import { listIngestTokens } from "@/lib/server/services/token/list";

export const GET = route({ role: "admin" }, async (request: Request, context: IdParams, actor) =>
  list(await listIngestTokens(actor, await pathId(context), searchParams(request))),
);

/** { name, expiresInDays? } → 201 with `token` (shown once): usable only on /api/v1/ingest/*, for this cluster. */
export const POST = route({ role: "admin" }, async (request: Request, context: IdParams, actor) =>
  ok(await createIngestToken(actor, await pathId(context), await readJson(request), request), 201),
);
