import type { User } from "../../../schemas/auth";
import { UserListQuery } from "../../../schemas/auth";
import { Id } from "../../../schemas/common";
import type { UserActor } from "../../auth/policy";
import { presentUser, userInclude } from "../../auth/present";
import { decodeCursor, pageOf } from "../../cursor";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";

/** Every account, newest first (admins). */
export async function listUsers(_actor: UserActor, query: unknown): Promise<{ data: User[]; nextCursor: string | null }> {
  const { limit, cursor } = UserListQuery.parse(query);
  const after = decodeCursor(cursor);
  const prisma = await getPrisma();
  const rows = await prisma.user.findMany({
    where: after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: userInclude,
  });
  return pageOf(rows, limit, (r) => ({ at: r.createdAt, id: r.id }), presentUser);
}

export async function getUser(_actor: UserActor, id: string): Promise<User> {
  const userId = Id.parse(id).toLowerCase();
  const prisma = await getPrisma();
  const row = await prisma.user.findUnique({ where: { id: userId }, include: userInclude });
  if (!row) throw new NotFoundError("user", userId);
  return presentUser(row);
}
