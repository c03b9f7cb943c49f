// Users as the war room shows them (id and name), by id, in one query.
import type { Prisma, PrismaClient } from "../../generated/prisma/client";

type Client = PrismaClient | Prisma.TransactionClient;

export async function peopleById(db: Client, ids: Array<string | null | undefined>): Promise<Map<string, { id: string; name: string }>> {
  const want = [...new Set(ids.filter((x): x is string => Boolean(x)))];
  if (want.length === 0) return new Map();
  const rows = await db.user.findMany({ where: { id: { in: want } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r] as const));
}

/** Everyone who can own an action item (responders and admins), as id and name. */
export async function assignablePeople(db: Client): Promise<Array<{ id: string; name: string }>> {
  return db.user.findMany({ where: { role: { in: ["responder", "admin"] }, OR: [{ banned: false }, { banned: null }] }, select: { id: true, name: true }, orderBy: { name: "asc" }, take: 500 });
}
