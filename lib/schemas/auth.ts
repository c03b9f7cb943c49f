import { z } from "zod";
import { Id, PageQuery, queryFilter } from "./common";

// Accounts, roles, tokens, audit: the wire shapes of /api/v1/users, /me, /tokens, /clusters/{id}/ingest-tokens,
// /clusters/{id}/members and /audit.

export const ROLE_NAMES = ["viewer", "responder", "admin"] as const;
export const RoleName = z.enum(ROLE_NAMES);
export type RoleName = z.infer<typeof RoleName>;

export const Email = z.email({ error: "must be an email address" }).max(254);
export const Password = z.string().min(8, { error: "at least 8 characters" }).max(128, { error: "at most 128 characters" });

export const UserRef = z.object({ id: z.string(), name: z.string(), email: z.string() });
export type UserRef = z.infer<typeof UserRef>;

export const User = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: RoleName,
  disabled: z.boolean(),
  /** no password yet: an invitation is pending */
  invited: z.boolean(),
  clusterIds: z.array(z.string()),
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;

/** An admin makes a user with a password, or (no password) an invitation: the answer then carries the invite link. */
export const UserCreate = z.strictObject({
  name: z.string().trim().min(1).max(120),
  email: Email,
  role: RoleName,
  password: Password.optional(),
  clusterIds: z.array(Id).max(200).optional(),
});
export type UserCreate = z.infer<typeof UserCreate>;

export const UserPatch = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  role: RoleName.optional(),
  disabled: z.boolean().optional(),
});
export type UserPatch = z.infer<typeof UserPatch>;

export const UserListQuery = PageQuery;

export const InviteAccept = z.strictObject({
  token: z.string().min(10).max(200),
  password: Password,
});

export const Me = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: RoleName,
  via: z.enum(["session", "token"]),
});
export type Me = z.infer<typeof Me>;

export const TOKEN_KINDS = ["personal", "ingest"] as const;

export const ApiToken = z.object({
  id: z.string(),
  kind: z.enum(TOKEN_KINDS),
  name: z.string(),
  /** the first characters of the token, to recognise it */
  prefix: z.string(),
  /** personal tokens: the role it carries (never above its owner's) */
  role: RoleName.nullable(),
  clusterId: z.string().nullable(),
  createdBy: UserRef.nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

/** The token itself is in this answer only, once. */
export const ApiTokenCreated = ApiToken.extend({ token: z.string() });
export type ApiTokenCreated = z.infer<typeof ApiTokenCreated>;

export const PersonalTokenCreate = z.strictObject({
  name: z.string().trim().min(1).max(120),
  /** defaults to the caller's role; may not exceed it */
  role: RoleName.optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const IngestTokenCreate = z.strictObject({
  name: z.string().trim().min(1).max(120),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const TokenListQuery = PageQuery.extend({
  /** admins: "all" lists every token (personal and ingest) instead of their own */
  owner: queryFilter(z.enum(["me", "all"])),
});

export const ClusterMember = z.object({ user: UserRef, role: RoleName, addedAt: z.string() });
export type ClusterMember = z.infer<typeof ClusterMember>;

export const ClusterMemberAdd = z.strictObject({ userId: Id });

export const AuditEvent = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  actor: UserRef.nullable(),
  actorLabel: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.unknown().nullable(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditListQuery = PageQuery.extend({
  action: queryFilter(z.string().max(60)),
  actorId: queryFilter(Id),
});
