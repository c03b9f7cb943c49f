import { pathId, route, type IdParams } from "@/lib/server/http";
import { incidentEvents } from "@/lib/server/services/presence/events";

// A long-lived stream: never cached, never prerendered.
export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async (request: Request, context: IdParams, actor) => incidentEvents(actor, await pathId(context), request));
