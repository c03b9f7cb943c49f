import type { Prisma } from "../../../generated/prisma/client";
import { AuditListQuery, type AuditEvent } from "../../../schemas/auth";
import type { UserActor } from "../../auth/policy";
import { presentAuditEvent } from "../../auth/present";
import { decodeCursor, pageOf } from "../../cursor";
import { getPrisma } from "../../db";

/** The audit log, newest first (admins); filter by action (exact, or a prefix ending in "."), or by actor. */
export async function listAudit(_actor: UserActor, query: unknown): Promise<{ data: AuditEvent[]; nextCursor: string | null }> {
  const { limit, cursor, action, actorId } = AuditListQuery.parse(query);
  const after = decodeCursor(cursor);
  const where: Prisma.AuditEventWhereInput = {
    ...(action ? (action.endsWith(".") ? { action: { startsWith: action } } : { action }) : {}),
    ...(actorId ? { actorId: actorId.toLowerCase() } : {}),
    ...(after ? { OR: [{ at: { lt: after.at } }, { at: after.at, id: { lt: after.id } }] } : {}),
  };
  const prisma = await getPrisma();
  const rows = await prisma.auditEvent.findMany({
    where,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: { actor: { select: { id: true, name: true, email: true } } },
  });
  return pageOf(rows, limit, (r) => ({ at: r.at, id: r.id }), presentAuditEvent);
}
