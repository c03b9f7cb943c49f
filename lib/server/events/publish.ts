// publish(tx, event): the one way a write tells the war room something changed. Call it inside the transaction
// of the write: the incident_events row (replay from Last-Event-ID) and the NOTIFY (both PostgreSQL and PGlite
// deliver only after commit, nothing after a rollback) share the write's fate.
import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import { LIVE_CHANNEL, type LiveEvent, type LiveMessage } from "./model";

/** A transaction client, or the client itself for a write that is a single statement. */
export type PublishClient = Pick<Prisma.TransactionClient | PrismaClient, "incidentEvent" | "$executeRaw">;

export async function publish(tx: PublishClient, event: LiveEvent): Promise<LiveMessage> {
  const row = await tx.incidentEvent.create({
    data: {
      incidentId: event.incidentId,
      kind: event.kind,
      entityId: event.entityId ?? null,
      actorId: event.actorId ?? null,
      ...(event.data ? { data: event.data as Prisma.InputJsonValue } : {}),
    },
    select: { seq: true },
  });
  const message: LiveMessage = {
    incidentId: event.incidentId,
    seq: Number(row.seq),
    kind: event.kind,
    ...(event.entityId ? { entityId: event.entityId } : {}),
  };
  // $executeRaw, not $queryRaw: pg_notify returns void, which the PGlite adapter cannot deserialize (P2010).
  await tx.$executeRaw`SELECT pg_notify(${LIVE_CHANNEL}, ${JSON.stringify(message)})`;
  return message;
}
