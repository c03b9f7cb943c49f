import { Id } from "../../../schemas/common";
import type { Actor } from "../../auth/policy";
import { incidentScope } from "../../auth/scope";
import type { Incident } from "../../../schemas/incident";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";
import { incidentInclude, presentIncident } from "../../serialize";

export async function getIncident(actor: Actor, id: string): Promise<Incident> {
  const incidentId = Id.parse(id);
  const prisma = await getPrisma();
  const row = await prisma.incident.findFirst({
    where: { AND: [{ id: incidentId }, incidentScope(actor)] },
    include: incidentInclude,
  });
  if (!row) throw new NotFoundError("incident", incidentId);
  return presentIncident(row);
}
