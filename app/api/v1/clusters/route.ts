import { list, ok, readJson, route, searchParams } from "@/lib/server/http";
import { createCluster } from "@/lib/server/services/cluster/create";
import { listClusters } from "@/lib/server/services/cluster/list";

/** The clusters the caller is a member of (all of them for an admin). */
export const GET = route({ role: "viewer" }, async (request: Request, _context: unknown, actor) =>
  list(await listClusters(actor, searchParams(request))),
);

export const POST = route({ role: "admin" }, async (request: Request, _context: unknown, actor) =>
  ok(await createCluster(actor, await readJson(request)), 201),
);
