import { json, ok, pathId, route, type IdParams } from "@/lib/server/http";
import { readOptionalJson } from "@/lib/server/ingest/body";
import { getAnalysis } from "@/lib/server/services/analysis/get";
import { requestAnalysis } from "@/lib/server/services/analysis/request";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) =>
  ok(await getAnalysis(actor, await pathId(context))),
);

export const POST = route({ role: "responder" }, async (request: Request, context: IdParams, actor) => {
  const id = await pathId(context);
  return json({ data: await requestAnalysis(actor, id, await readOptionalJson(request)) }, 202);
});
