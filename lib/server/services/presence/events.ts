// GET …/events: the incident's Server-Sent Events (lib/server/events), the viewer counted as present while open.
import { Id } from "../../../schemas/common";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { openIncidentStream } from "../../events";

export async function incidentEvents(actor: UserActor, incidentIdRaw: string, request: Request): Promise<Response> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  const query = new URL(request.url).searchParams;
  const lastEventId = request.headers.get("last-event-id") ?? query.get("since");
  const once = query.get("once") === "1";
  return openIncidentStream({ incidentId, lastEventId, userId: once ? null : actor.userId, signal: request.signal, once });
}
