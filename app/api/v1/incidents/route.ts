import { list, ok, readJson, route, searchParams } from "@/lib/server/http";
import { createIncident } from "@/lib/server/services/incident/create";
import { listIncidents } from "@/lib/server/services/incident/list";

export const GET = route(async (request: Request) => list(await listIncidents(searchParams(request))));

export const POST = route(async (request: Request) => ok(await createIncident(await readJson(request)), 201));
