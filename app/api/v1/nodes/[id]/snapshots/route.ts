import { list, pathId, route, searchParams, type IdParams } from "@/lib/server/http";
import { listSnapshots } from "@/lib/server/services/snapshot";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async (request: Request, context: IdParams, actor) =>
  list(await listSnapshots(actor, await pathId(context), searchParams(request))),
);
