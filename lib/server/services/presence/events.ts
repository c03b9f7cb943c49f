// GET …/events: the incident's Server-Sent Events (lib/server/events), the viewer counted as present while open.
import { Id } from "../../../schemas/common";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { openIncidentStream } from "../../events";

export async function incidentEvents(actor: UserActor, incidentIdRaw: string, request: Request): Promise<Response> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  const lastEventId = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("since");
  return openIncidentStream({ incidentId, lastEventId, userId: actor.userId, signal: request.signal });
}
