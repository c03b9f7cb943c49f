import { list, ok, pathId, readJson, route, searchParams, type IdParams } from "@/lib/server/http";
import { addTimelineEvent } from "@/lib/server/services/timeline/add";
import { listTimeline } from "@/lib/server/services/timeline/list";

export const GET = route({ role: "viewer" }, async (request: Request, context: IdParams, actor) =>
  list(await listTimeline(actor, await pathId(context), searchParams(request))),
);

/** Attributed to the caller (author_id); there is no author field to send. */
export const POST = route({ role: "responder" }, async (request: Request, context: IdParams, actor) => {
  const id = await pathId(context);
  return ok(await addTimelineEvent(actor, id, await readJson(request)), 201);
});
