import { json, ok, pathId, route, type IdParams } from "@/lib/server/http";
import { readOptionalJson } from "@/lib/server/ingest/body";
import { getAnalysis } from "@/lib/server/services/analysis/get";
import { requestAnalysis } from "@/lib/server/services/analysis/request";

export const dynamic = "force-dynamic";

export const GET = route(async (_request: Request, context: IdParams) => ok(await getAnalysis(null, await pathId(context))));

export const POST = route(async (request: Request, context: IdParams) => {
  const id = await pathId(context);
  return json({ data: await requestAnalysis(null, id, await readOptionalJson(request)) }, 202);
});
