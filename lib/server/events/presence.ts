// Who is looking at an incident. A presence row per (incident, user) is upserted while that user has an SSE
// stream open on any app instance (heartbeat every 15 s) and counts as present for 45 s after its last beat, so a
// crashed instance's viewers fade out on their own. Joins and leaves are published as `presence` events.
import { getPrisma } from "../db";
import { publish } from "./publish";

export const PRESENCE_HEARTBEAT_MS = 15_000;
export const PRESENCE_TTL_MS = 45_000;

const store = globalThis as typeof globalThis & { __netmortemPresence?: Map<string, number> };
const local = (store.__netmortemPresence ??= new Map<string, number>());
const key = (incidentId: string, userId: string) => `${incidentId}/${userId}`;

export type PresentUser = { userId: string; name: string; lastSeen: string };

export async function joinPresence(incidentId: string, userId: string): Promise<void> {
  const k = key(incidentId, userId);
  local.set(k, (local.get(k) ?? 0) + 1);
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    const before = await tx.presence.findUnique({ where: { incidentId_userId: { incidentId, userId } } });
    await tx.presence.upsert({
      where: { incidentId_userId: { incidentId, userId } },
      create: { incidentId, userId },
      update: { lastSeen: new Date() },
    });
    if (!before || Date.now() - before.lastSeen.getTime() > PRESENCE_TTL_MS) {
      await publish(tx, { incidentId, kind: "presence", entityId: userId, actorId: userId });
    }
  });
}

export async function beatPresence(incidentId: string, userId: string): Promise<void> {
  const prisma = await getPrisma();
  await prisma.presence.upsert({
    where: { incidentId_userId: { incidentId, userId } },
    create: { incidentId, userId },
    update: { lastSeen: new Date() },
  });
}

export async function leavePresence(incidentId: string, userId: string): Promise<void> {
  const k = key(incidentId, userId);
  const n = (local.get(k) ?? 1) - 1;
  if (n > 0) {
    local.set(k, n);
    return;
  }
  local.delete(k);
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    const gone = await tx.presence.deleteMany({ where: { incidentId, userId } });
    if (gone.count > 0) await publish(tx, { incidentId, kind: "presence", entityId: userId, actorId: userId });
  });
}

export async function listPresence(incidentId: string, now = new Date()): Promise<PresentUser[]> {
  const prisma = await getPrisma();
  const rows = await prisma.presence.findMany({
    where: { incidentId, lastSeen: { gt: new Date(now.getTime() - PRESENCE_TTL_MS) } },
    include: { user: { select: { name: true } } },
    orderBy: { lastSeen: "desc" },
  });
  return rows.map((r) => ({ userId: r.userId, name: r.user.name, lastSeen: r.lastSeen.toISOString() }));
}
