import { ok, pathId, route, searchParams, type IdParams } from "@/lib/server/http";
import { counterSeries } from "@/lib/server/services/snapshot";

export const dynamic = "force-dynamic";

/** ?names=a,b&from=&to=: the node's counters over time (default: the last 24 h of CHART_COUNTERS). */
export const GET = route({ role: "viewer" }, async (request: Request, context: IdParams, actor) =>
  ok(await counterSeries(actor, await pathId(context), searchParams(request))),
);
