// Read-only postmortem links. The token is 32 random bytes (256 bits) shown once; only its sha256 is stored, so a
// database leak does not leak working links. Optional expiry; revocation takes effect on the next request.
import { createHash, randomBytes } from "node:crypto";
import { Id } from "../../../schemas/common";
import { ShareLinkCreate, ShareToken, type ShareLink, type ShareLinkCreated } from "../../../schemas/warroom";
import type { Prisma, PrismaClient, ShareLink as Row } from "../../../generated/prisma/client";
import { audit } from "../../auth/audit";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { NotFoundError, ValidationError } from "../../errors";
import { publish } from "../../events";
import { peopleById } from "../../warroom/people";
import { currentReport } from "../report/get";

type Client = PrismaClient | Prisma.TransactionClient;

export function hashShareToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function newShareToken(): { token: string; hash: string; prefix: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashShareToken(token), prefix: token.slice(0, 8) };
}

function present(r: Row, people: Map<string, { id: string; name: string }>, now = new Date()): ShareLink {
  return {
    id: r.id,
    prefix: r.prefix,
    includeEvidence: r.includeEvidence,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    createdBy: r.createdById ? (people.get(r.createdById) ?? null) : null,
    createdAt: r.createdAt.toISOString(),
    lastViewedAt: r.lastViewedAt?.toISOString() ?? null,
    active: !r.revokedAt && (!r.expiresAt || r.expiresAt > now),
  };
}

export async function listShareLinks(actor: UserActor, incidentIdRaw: string): Promise<ShareLink[]> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  const rows = await prisma.shareLink.findMany({ where: { incidentId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  const people = await peopleById(prisma, rows.map((r) => r.createdById));
  return rows.map((r) => present(r, people));
}

export async function createShareLink(actor: UserActor, incidentIdRaw: string, input: unknown, request?: Request): Promise<ShareLinkCreated> {
  const incidentId = Id.parse(incidentIdRaw);
  const body = ShareLinkCreate.parse(input);
  if (body.expiresAt && new Date(body.expiresAt) <= new Date()) {
    throw new ValidationError("the expiry is in the past", [{ path: "expiresAt", message: "must be in the future" }]);
  }
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  const t = newShareToken();
  return prisma.$transaction(async (tx) => {
    const row = await tx.shareLink.create({
      data: { incidentId, tokenHash: t.hash, prefix: t.prefix, includeEvidence: body.includeEvidence, expiresAt: body.expiresAt ? new Date(body.expiresAt) : null, createdById: actor.userId },
    });
    await audit(tx, { action: "share.created", actor, target: { type: "share_link", id: row.id }, request, details: { incidentId, expiresAt: body.expiresAt ?? null } });
    await publish(tx, { incidentId, kind: "share", entityId: row.id, actorId: actor.userId });
    return { link: present(row, new Map([[actor.userId, { id: actor.userId, name: actor.name }]])), token: t.token, path: `/r/${t.token}` };
  });
}

export async function revokeShareLink(actor: UserActor, incidentIdRaw: string, linkIdRaw: string, request?: Request): Promise<ShareLink> {
  const incidentId = Id.parse(incidentIdRaw);
  const linkId = Id.parse(linkIdRaw);
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const existing = await tx.shareLink.findFirst({ where: { id: linkId, incidentId } });
    if (!existing) throw new NotFoundError("share link", linkId);
    const row = existing.revokedAt ? existing : await tx.shareLink.update({ where: { id: linkId }, data: { revokedAt: new Date(), revokedById: actor.userId } });
    if (!existing.revokedAt) {
      await audit(tx, { action: "share.revoked", actor, target: { type: "share_link", id: row.id }, request, details: { incidentId } });
      await publish(tx, { incidentId, kind: "share", entityId: row.id, actorId: actor.userId });
    }
    return present(row, await peopleById(tx, [row.createdById]));
  });
}

export type SharedReport = { title: string; markdown: string; incidentId: string; linkId: string };

/**
 * The public side: the report behind a token, or null (unknown, malformed, revoked or expired: all the same to the
 * caller, a 404). Only the report: no evidence, no ids of anything else.
 */
export async function openSharedReport(token: string, db?: Client): Promise<SharedReport | null> {
  if (!ShareToken.safeParse(token).success) return null;
  const prisma = db ?? (await getPrisma());
  const now = new Date();
  const link = await prisma.shareLink.findUnique({ where: { tokenHash: hashShareToken(token) }, select: { id: true, incidentId: true, revokedAt: true, expiresAt: true, lastViewedAt: true } });
  if (!link || link.revokedAt || (link.expiresAt && link.expiresAt <= now)) return null;
  const incident = await prisma.incident.findUnique({ where: { id: link.incidentId }, select: { title: true } });
  if (!incident) return null;
  const report = await currentReport(prisma, link.incidentId);
  // a view every minute at most is enough to say the link is in use
  if (!link.lastViewedAt || now.getTime() - link.lastViewedAt.getTime() > 60_000) {
    await prisma.shareLink.update({ where: { id: link.id }, data: { lastViewedAt: now } }).catch(() => undefined);
  }
  return { title: incident.title, markdown: report.markdown, incidentId: link.incidentId, linkId: link.id };
}
