// The first start without NETMORTEM_ADMIN_EMAIL/PASSWORD: while there is no user, every page leads to /setup, whose
// form makes the first admin (POST /api/v1/setup). Once a user exists both are gone (the page is a 404, the API
// answers 404), also when two people submit the form at once: the check and the insert hold one advisory lock.
import { z } from "zod";
import { getPrisma } from "../db";
import { NotFoundError } from "../errors";
import { hashPassword, insertAccount } from "./accounts";
import { audit } from "./audit";
import { FIRST_ADMIN_LOCK, getAuth, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./auth";

/** True while no account exists (after the environment's admin, if configured, has been made). */
export async function setupNeeded(): Promise<boolean> {
  await getAuth();
  const prisma = await getPrisma();
  return (await prisma.user.count()) === 0;
}

export const FirstAdmin = z.strictObject({
  name: z.string().trim().min(1).max(120),
  email: z.email().max(254),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
});

export async function createFirstAdmin(input: unknown, request: Request): Promise<{ id: string; email: string; name: string; role: "admin" }> {
  const data = FirstAdmin.parse(input);
  if (!(await setupNeeded())) throw new NotFoundError("setup");
  const hash = await hashPassword(data.password);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ADMIN_LOCK})`;
    if ((await tx.user.count()) > 0) throw new NotFoundError("setup");
    const user = await insertAccount(tx, { email: data.email, name: data.name, role: "admin", passwordHash: hash });
    await audit(tx, {
      action: "setup.admin-created",
      actor: { kind: "user", userId: user.id, role: "admin", email: user.email, name: user.name, via: "session" },
      target: { type: "user", id: user.id },
      request,
    });
    return { ...user, role: "admin" as const };
  });
}
