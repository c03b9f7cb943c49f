import { Id } from "../../../schemas/common";
import type { Incident } from "../../../schemas/incident";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";
import { incidentInclude, presentIncident } from "../../serialize";

export async function getIncident(id: string): Promise<Incident> {
  const incidentId = Id.parse(id);
  const prisma = await getPrisma();
  const row = await prisma.incident.findUnique({ where: { id: incidentId }, include: incidentInclude });
  if (!row) throw new NotFoundError("incident", incidentId);
  return presentIncident(row);
}
