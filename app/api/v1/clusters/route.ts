import { list, ok, readJson, route, searchParams } from "@/lib/server/http";
import { createCluster } from "@/lib/server/services/cluster/create";
import { listClusters } from "@/lib/server/services/cluster/list";

export const GET = route(async (request: Request) => list(await listClusters(searchParams(request))));

export const POST = route(async (request: Request) => ok(await createCluster(await readJson(request)), 201));
