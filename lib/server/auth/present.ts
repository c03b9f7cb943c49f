// Rows of the account tables -> the wire shapes of lib/schemas/auth.ts.
import type { ApiToken as ApiTokenRow } from "../../generated/prisma/client";
import type { ApiToken } from "../../schemas/auth";
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
