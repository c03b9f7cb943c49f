import { IngestTokenCreate, PersonalTokenCreate, type ApiTokenCreated } from "../../../schemas/auth";
import { Id } from "../../../schemas/common";
import { audit } from "../../auth/audit";
import { roleAtLeast, type UserActor } from "../../auth/policy";
import { presentToken, tokenInclude } from "../../auth/present";
import { visibleCluster } from "../../auth/scope";
import { newToken } from "../../auth/tokens";
import { getPrisma } from "../../db";
import { ForbiddenError } from "../../errors";

const DAY_MS = 24 * 3600 * 1000;

/**
 * A personal token for the caller: it acts as them, with the role asked (default: theirs, never above it, and never
 * above what they have at the time of each use). The token is in this answer only.
 */
export async function createPersonalToken(actor: UserActor, input: unknown, request?: Request): Promise<ApiTokenCreated> {
  const data = PersonalTokenCreate.parse(input);
  const role = data.role ?? actor.role;
  if (!roleAtLeast(actor.role, role)) throw new ForbiddenError(`a token cannot carry more than your role (${actor.role})`);
  const { token, prefix, hash } = newToken("personal");
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const row = await tx.apiToken.create({
      data: {
        kind: "personal",
        name: data.name,
        prefix,
        hash,
        role,
        ownerId: actor.userId,
        expiresAt: data.expiresInDays ? new Date(Date.now() + data.expiresInDays * DAY_MS) : null,
      },
      include: tokenInclude,
    });
    await audit(tx, {
      action: "token.created",
      actor,
      target: { type: "api_token", id: row.id },
      request,
      details: { kind: "personal", prefix, role, name: data.name },
    });
    return { ...presentToken(row), token };
  });
}

/** A cluster ingest token (admins): usable only on the ingest routes, only for this cluster. Shown once. */
export async function createIngestToken(
  actor: UserActor,
  clusterId: string,
  input: unknown,
  request?: Request,
): Promise<ApiTokenCreated> {
  const cluster = Id.parse(clusterId).toLowerCase();
  const data = IngestTokenCreate.parse(input);
  await visibleCluster(actor, cluster);
  const { token, prefix, hash } = newToken("ingest");
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const row = await tx.apiToken.create({
      data: {
        kind: "ingest",
        name: data.name,
        prefix,
        hash,
        ownerId: actor.userId,
        clusterId: cluster,
        expiresAt: data.expiresInDays ? new Date(Date.now() + data.expiresInDays * DAY_MS) : null,
      },
      include: tokenInclude,
    });
    await audit(tx, {
      action: "token.created",
      actor,
      target: { type: "api_token", id: row.id },
      request,
      details: { kind: "ingest", prefix, clusterId: cluster, name: data.name },
    });
    return { ...presentToken(row), token };
  });
}
