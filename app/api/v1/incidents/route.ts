import { list, ok, readJson, route, searchParams } from "@/lib/server/http";
import { createIncident } from "@/lib/server/services/incident/create";
import { listIncidents } from "@/lib/server/services/incident/list";

export const GET = route({ role: "viewer" }, async (request: Request, _context: unknown, actor) =>
  list(await listIncidents(actor, searchParams(request))),
);

export const POST = route({ role: "responder" }, async (request: Request, _context: unknown, actor) =>
  ok(await createIncident(actor, await readJson(request)), 201),
);
