// Rows of the account tables -> the wire shapes of lib/schemas/auth.ts.
import type { ApiToken as ApiTokenRow, AuditEvent as AuditEventRow } from "../../generated/prisma/client";
import type { ApiToken, AuditEvent, User } from "../../schemas/auth";
import { isRole } from "./policy";

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export const tokenInclude = { owner: { select: { id: true, name: true, email: true } } } as const;

export function presentToken(row: ApiTokenRow & { owner: { id: string; name: string; email: string } | null }): ApiToken {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    prefix: row.prefix,
    role: isRole(row.role) ? row.role : null,
    clusterId: row.clusterId,
    createdBy: row.owner ? { id: row.owner.id, name: row.owner.name, email: row.owner.email } : null,
    createdAt: iso(row.createdAt),
    lastUsedAt: isoOrNull(row.lastUsedAt),
    expiresAt: isoOrNull(row.expiresAt),
    revokedAt: isoOrNull(row.revokedAt),
  };
}

export const userInclude = {
  clusters: { select: { clusterId: true } },
  accounts: { where: { providerId: "credential" }, select: { password: true } },
} as const;

type UserRow = {
  id: string;
  name: string;
  email: string;
  role: string;
  banned: boolean | null;
  createdAt: Date;
  clusters: { clusterId: string }[];
  accounts: { password: string | null }[];
};

export function presentUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: isRole(row.role) ? row.role : "viewer",
    disabled: row.banned === true,
    invited: !row.accounts.some((a) => a.password),
    clusterIds: row.clusters.map((c) => c.clusterId),
    createdAt: iso(row.createdAt),
  };
}

export function presentAuditEvent(row: AuditEventRow & { actor: { id: string; name: string; email: string } | null }): AuditEvent {
  return {
    id: row.id,
    at: iso(row.at),
    action: row.action,
    actor: row.actor ? { id: row.actor.id, name: row.actor.name, email: row.actor.email } : null,
    actorLabel: row.actorLabel,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    userAgent: row.userAgent,
    details: row.details ?? null,
  };
}
