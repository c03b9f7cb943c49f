import type { Prisma } from "../../../generated/prisma/client";
import { Id } from "../../../schemas/common";
import { EVIDENCE_LIST_FILES, EvidenceListQuery, type EvidenceItem } from "../../../schemas/evidence";
import type { Actor } from "../../auth/policy";
import { incidentScope } from "../../auth/scope";
import { decodeCursor, pageOf } from "../../cursor";
import { getPrisma } from "../../db";
import { toDbEnum } from "../../enums";
import { NotFoundError } from "../../errors";
import { evidenceSelect, presentEvidence } from "./present";

/** What arrived for an incident, newest first: each item with its node, time, and what each file was recognised as. */
export async function listEvidence(
  actor: Actor | null,
  incidentIdRaw: string,
  query: unknown,
): Promise<{ data: EvidenceItem[]; nextCursor: string | null }> {
  const incidentId = Id.parse(incidentIdRaw);
  const { limit, cursor, kind, nodeId } = EvidenceListQuery.parse(query);
  const after = decodeCursor(cursor);
  const prisma = await getPrisma();
  const incident = await prisma.incident.findFirst({ where: { AND: [{ id: incidentId }, actor ? incidentScope(actor) : {}] }, select: { id: true } });
  if (!incident) throw new NotFoundError("incident", incidentId);
  const where: Prisma.EvidenceItemWhereInput = {
    incidentId,
    ...(kind ? { kind: toDbEnum(kind) } : {}),
    ...(nodeId ? { nodeId } : {}),
    ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
  };
  const rows = await prisma.evidenceItem.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: evidenceSelect(EVIDENCE_LIST_FILES),
  });
  return pageOf(rows, limit, (r) => ({ at: r.createdAt, id: r.id }), (r) => presentEvidence(r));
}
