// Account rows as better-auth reads them: a `users` row plus a `credential` row in `accounts` (accountId = the
// user's id, password = better-auth's scrypt hash). Written here, in the caller's transaction, so that the
// first-start admin, invitations and admin-made users are one code path; signing in stays better-auth's.
import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import { ConflictError } from "../errors";
import { isPrismaError } from "../prisma-errors";
import type { Role } from "./policy";

type Client = PrismaClient | Prisma.TransactionClient;

export interface NewAccount {
  email: string;
  name: string;
  role: Role;
  /** already hashed (hashPassword); null = no password yet (an invitation sets it) */
  passwordHash: string | null;
}

export async function insertAccount(db: Client, a: NewAccount): Promise<{ id: string; email: string; name: string; role: Role }> {
  try {
    const user = await db.user.create({
      data: { email: a.email.trim().toLowerCase(), name: a.name.trim(), role: a.role, emailVerified: false },
      select: { id: true, email: true, name: true },
    });
    if (a.passwordHash) await setPasswordHash(db, user.id, a.passwordHash);
    return { ...user, role: a.role };
  } catch (err) {
    if (isPrismaError(err, "P2002")) throw new ConflictError(`a user with the email ${a.email} already exists`);
    throw err;
  }
}

/** Sets (or replaces) the user's password. */
export async function setPasswordHash(db: Client, userId: string, passwordHash: string): Promise<void> {
  const existing = await db.account.findFirst({ where: { userId, providerId: "credential" }, select: { id: true } });
  if (existing) await db.account.update({ where: { id: existing.id }, data: { password: passwordHash } });
  else await db.account.create({ data: { userId, accountId: userId, providerId: "credential", password: passwordHash } });
}
