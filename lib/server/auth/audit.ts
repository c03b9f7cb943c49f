// The audit log: who did what, when, from where. Call audit() from a service (inside its transaction when there is
// one, so the entry and the change commit together):
//
//   await audit(tx, { action: "share.created", actor, request, target: { type: "share_link", id: link.id } });
//
// `request` gives the address and user agent; pass `actorLabel` when there is no user (a failed sign-in's email).
import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import { getPrisma } from "../db";
import type { Actor } from "./policy";
import { clientAddress, userAgent } from "./request-info";

/** The actions written so far; add yours here (the admin page lists whatever is stored). */
export type AuditAction =
  | "sign-in.ok"
  | "sign-in.failed"
  | "sign-in.blocked"
  | "sign-out"
  | "setup.admin-created"
  | "user.created"
  | "user.invited"
  | "user.invite-accepted"
  | "user.role-changed"
  | "user.disabled"
  | "user.enabled"
  | "user.password-changed"
  | "cluster.member-added"
  | "cluster.member-removed"
  | "token.created"
  | "token.revoked"
  | "share.created"
  | "share.revoked"
  | "evidence.deleted"
  | (string & {});

export interface AuditEntry {
  action: AuditAction;
  actor?: Actor | null;
  /** the user acting when there is no Actor yet (a sign-in that just succeeded) */
  actorUserId?: string | null;
  /** who, when there is no user row: the email typed at a failed sign-in, a token prefix */
  actorLabel?: string | null;
  target?: { type: string; id: string } | null;
  /** where from: the request's client address and user agent */
  request?: Request | { headers: Headers } | null;
  details?: Prisma.InputJsonValue;
}

type Client = PrismaClient | Prisma.TransactionClient;

export async function audit(client: Client | null, entry: AuditEntry): Promise<void> {
  const db = client ?? (await getPrisma());
  const actor = entry.actor ?? null;
  const headers = entry.request?.headers;
  await db.auditEvent.create({
    data: {
      action: entry.action,
      actorId: entry.actorUserId ?? (actor?.kind === "user" ? actor.userId : null),
      actorLabel: (entry.actorLabel ?? describeActor(actor))?.slice(0, 254) ?? null,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      ip: headers ? clientAddress(headers) : null,
      userAgent: headers ? userAgent(headers) : null,
      details: entry.details,
    },
  });
}

function describeActor(actor: Actor | null): string | null {
  if (!actor) return null;
  if (actor.kind === "ingest") return `ingest token ${actor.tokenId}`;
  return actor.via === "token" ? `${actor.email} (token ${actor.tokenId})` : actor.email;
}
