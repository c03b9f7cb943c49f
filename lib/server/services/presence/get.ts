// GET …/presence: who has the incident open (on any app instance).
import { Id } from "../../../schemas/common";
import type { PresenceList } from "../../../schemas/warroom";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { listPresence } from "../../events";

export async function getPresence(actor: UserActor, incidentIdRaw: string): Promise<PresenceList> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  return listPresence(incidentId);
}
