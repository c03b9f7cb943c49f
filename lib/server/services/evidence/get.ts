import { Id } from "../../../schemas/common";
import type { EvidenceItem } from "../../../schemas/evidence";
import type { Actor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";
import { evidenceSelect, presentEvidence } from "./present";

/** One evidence item of an incident with every file (an item of another incident is 404, like a missing one). */
export async function getEvidence(actor: Actor | null, incidentIdRaw: string, evidenceIdRaw: string): Promise<EvidenceItem> {
  const incidentId = Id.parse(incidentIdRaw);
  const evidenceId = Id.parse(evidenceIdRaw);
  const prisma = await getPrisma();
  if (actor) await visibleIncident(actor, incidentId, prisma);
  const row = await prisma.evidenceItem.findFirst({ where: { id: evidenceId, incidentId }, select: evidenceSelect(undefined) });
  if (!row) throw new NotFoundError("evidence", evidenceId);
  return presentEvidence(row, Number.MAX_SAFE_INTEGER);
}
