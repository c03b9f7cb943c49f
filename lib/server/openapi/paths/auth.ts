// Accounts, tokens, users, cluster members, the audit log, the set-up; and better-auth's own sign-in/out routes
// (under /api/auth, handled by lib/server/auth/handler.ts).
import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import {
  ApiToken,
  ApiTokenCreated,
  AuditEvent,
  AuditListQuery,
  ClusterMember,
  ClusterMemberAdd,
  IngestTokenCreate,
  InviteAccept,
  Me,
  PersonalTokenCreate,
  TokenListQuery,
  User,
  UserCreate,
  UserListQuery,
  UserPatch,
} from "../../../schemas/auth";
import { PageQuery } from "../../../schemas/common";
import { FirstAdmin } from "../../auth/setup";
import { idPath, op } from "../op";

const TokenDoc = ApiToken.meta({ id: "ApiToken" });
const TokenCreatedDoc = ApiTokenCreated.meta({ id: "ApiTokenCreated" });
const UserDoc = User.meta({ id: "User" });
const UserCreatedDoc = User.extend({
  invite: z.object({ token: z.string(), path: z.string(), expiresAt: z.string() }).optional(),
}).meta({ id: "UserCreated" });
const AuditEventDoc = AuditEvent.meta({ id: "AuditEvent" });
const MemberDoc = ClusterMember.meta({ id: "ClusterMember" });

const signedInUser = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string() }),
});

export const authPaths: ZodOpenApiPathsObject = {
  "/api/auth/sign-in/email": {
    post: {
      summary: "Sign in with email and password (sets the session cookie)",
      description:
        "better-auth's route. 401 for a wrong email or password; the 6th failed attempt for one email within 15 minutes " +
        "(or the 31st from one address) is 429 with Retry-After, whatever the password. A browser's cross-site POST is 403.",
      tags: ["accounts"],
      "x-access": "public",
      security: [],
      requestBody: {
        required: true,
        content: { "application/json": { schema: z.object({ email: z.string(), password: z.string() }) } },
      },
      responses: {
        "200": {
          description: "signed in; Set-Cookie: netmortem.session_token",
          content: { "application/json": { schema: signedInUser } },
        },
        "400": { description: "a malformed body" },
        "401": { description: "wrong email or password: { code: INVALID_EMAIL_OR_PASSWORD, message }" },
        "403": { description: "a cross-site browser request" },
        "429": { description: "rate_limited: wait for Retry-After seconds" },
      },
    } as never,
  },
  "/api/auth/sign-out": {
    post: {
      summary: "Sign out (deletes the session: the cookie is refused from the next request on)",
      tags: ["accounts"],
      "x-access": "viewer",
      security: [{ session: [] }],
      responses: { "200": { description: "signed out" }, "403": { description: "a cross-site browser request" } },
    } as never,
  },
  "/api/auth/change-password": {
    post: {
      summary: "Change your password",
      tags: ["accounts"],
      "x-access": "viewer",
      security: [{ session: [] }],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({ currentPassword: z.string(), newPassword: z.string().min(8).max(128), revokeOtherSessions: z.boolean().optional() }),
          },
        },
      },
      responses: {
        "200": { description: "changed" },
        "400": { description: "the current password is wrong or the new one does not fit the rules" },
        "401": { description: "not signed in" },
      },
    } as never,
  },
  "/api/v1/setup": {
    post: op({
      summary: "First start: make the first admin (only while no account exists)",
      tags: ["accounts"],
      access: "public",
      body: { json: FirstAdmin },
      ok: { status: 201, description: "the admin; now sign in", schema: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.literal("admin") }) },
      errors: [400, 404, 413],
    }),
  },
  "/api/v1/invites/accept": {
    post: op({
      summary: "Set your password with an invitation's token",
      tags: ["accounts"],
      access: "public",
      body: { json: InviteAccept },
      ok: { status: 200, description: "done; now sign in", schema: z.object({ email: z.string() }) },
      errors: [400, 404, 413],
    }),
  },
  "/api/v1/me": {
    get: op({
      summary: "Who you are (session or token)",
      tags: ["accounts"],
      access: "viewer",
      ok: { status: 200, description: "the caller", schema: Me },
    }),
  },
  "/api/v1/tokens": {
    get: op({
      summary: "Your personal tokens (admins: ?owner=all for every token)",
      tags: ["tokens"],
      access: "viewer",
      query: TokenListQuery,
      ok: { status: 200, description: "a page of tokens (prefix, creator, last use; never the token)", schema: TokenDoc, list: true },
      errors: [400],
    }),
    post: op({
      summary: "Make a personal token (the token is in this answer only)",
      tags: ["tokens"],
      access: "viewer",
      body: { json: PersonalTokenCreate },
      ok: { status: 201, description: "the token, shown once", schema: TokenCreatedDoc },
      errors: [400, 413],
    }),
  },
  "/api/v1/tokens/{id}": {
    delete: op({
      summary: "Revoke a token (yours; admins: any): refused from its next request on",
      tags: ["tokens"],
      access: "viewer",
      path: idPath("token"),
      ok: { status: 200, description: "the token as it now is", schema: TokenDoc },
      errors: [400, 404],
    }),
  },
  "/api/v1/clusters/{id}/ingest-tokens": {
    get: op({
      summary: "A cluster's ingest tokens",
      tags: ["tokens"],
      access: "admin",
      path: idPath("cluster"),
      query: PageQuery,
      ok: { status: 200, description: "a page of tokens", schema: TokenDoc, list: true },
      errors: [400, 404],
    }),
    post: op({
      summary: "Make an ingest token for a cluster's node agents (shown once; only /api/v1/ingest/*, only this cluster)",
      tags: ["tokens"],
      access: "admin",
      path: idPath("cluster"),
      body: { json: IngestTokenCreate },
      ok: { status: 201, description: "the token, shown once", schema: TokenCreatedDoc },
      errors: [400, 404, 413],
    }),
  },
  "/api/v1/clusters/{id}/members": {
    get: op({
      summary: "Who may see a cluster (viewers and responders see only their clusters)",
      tags: ["clusters"],
      access: "admin",
      path: idPath("cluster"),
      ok: { status: 200, description: "the members", schema: z.array(MemberDoc) },
      errors: [400, 404],
    }),
    post: op({
      summary: "Make a user a member of a cluster",
      tags: ["clusters"],
      access: "admin",
      path: idPath("cluster"),
      body: { json: ClusterMemberAdd },
      ok: { status: 201, description: "the membership", schema: MemberDoc },
      errors: [400, 404, 413],
    }),
  },
  "/api/v1/clusters/{id}/members/{userId}": {
    delete: op({
      summary: "Remove a member",
      tags: ["clusters"],
      access: "admin",
      path: z.object({ id: z.guid(), userId: z.guid() }),
      ok: { status: 204, description: "removed" },
      errors: [400, 404],
    }),
  },
  "/api/v1/users": {
    get: op({
      summary: "Every account",
      tags: ["users"],
      access: "admin",
      query: UserListQuery,
      ok: { status: 200, description: "a page of users", schema: UserDoc, list: true },
      errors: [400],
    }),
    post: op({
      summary: "Make an account (with a password, or an invitation link shown once)",
      tags: ["users"],
      access: "admin",
      body: { json: UserCreate },
      ok: { status: 201, description: "the user (and the invitation)", schema: UserCreatedDoc },
      errors: [400, 404, 409, 413],
    }),
  },
  "/api/v1/users/{id}": {
    get: op({
      summary: "One account",
      tags: ["users"],
      access: "admin",
      path: idPath("user"),
      ok: { status: 200, description: "the user", schema: UserDoc },
      errors: [400, 404],
    }),
    patch: op({
      summary: "Change a user's name, role, or disable them (effective on their next request)",
      tags: ["users"],
      access: "admin",
      path: idPath("user"),
      body: { json: UserPatch },
      ok: { status: 200, description: "the user as it now is", schema: UserDoc },
      errors: [400, 404, 409, 413],
    }),
  },
  "/api/v1/audit": {
    get: op({
      summary: "The audit log, newest first",
      tags: ["audit"],
      access: "admin",
      query: AuditListQuery,
      ok: { status: 200, description: "a page of entries", schema: AuditEventDoc, list: true },
      errors: [400],
    }),
  },
};
