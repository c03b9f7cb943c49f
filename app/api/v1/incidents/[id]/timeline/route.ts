import { list, ok, pathId, readJson, route, searchParams, type IdParams } from "@/lib/server/http";
import { addTimelineEvent } from "@/lib/server/services/timeline/add";
import { listTimeline } from "@/lib/server/services/timeline/list";

export const GET = route(async (request: Request, context: IdParams) =>
  list(await listTimeline(await pathId(context), searchParams(request))),
);

export const POST = route(async (request: Request, context: IdParams) => {
  const id = await pathId(context);
  return ok(await addTimelineEvent(id, await readJson(request)), 201);
});
