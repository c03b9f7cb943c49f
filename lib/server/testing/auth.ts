// Test helpers for signed requests (vitest route tests): make a user of each role, sign them in for real (a session
// cookie from POST /api/auth/sign-in/email) and give them a personal token, then build Requests that carry either.
//
//   const admin = await makeUser("admin");
//   const viewer = await makeUser("viewer", { clusters: [clusterId] });      // member of that cluster
//   const res = await clusters.GET(signedRequest("GET", "/api/v1/clusters", { as: viewer }), noParams);
//   const res2 = await timeline.POST(signedRequest("POST", `/api/v1/incidents/${id}/timeline`,
//     { as: responder, via: "token", body: { kind: "note", body: "x" } }), withId(id));
//   const ingest = await makeIngestToken(clusterId);                         // Bearer for /api/v1/ingest/*
//
// Each helper works on the database installed with setDatabase() (lib/server/db.ts).
import { randomBytes } from "node:crypto";
import { hashPassword, insertAccount } from "../auth/accounts";
import { handleAuthRequest } from "../auth/handler";
import type { Role, UserActor } from "../auth/policy";
import { newToken } from "../auth/tokens";
import { getPrisma } from "../db";

export const TEST_ORIGIN = "http://localhost";
export const TEST_PASSWORD = "correct horse battery staple";

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  password: string;
  /** the Cookie header value of a real session */
  cookie: string;
  /** a personal token with the user's role */
  token: string;
  tokenId: string;
  actor: UserActor;
}

let counter = 0;

/** The password hash is computed once per run: scrypt is slow on purpose, and tests make many users. */
let hashOnce: Promise<string> | undefined;

export async function makeUser(
  role: Role,
  opts: { email?: string; name?: string; clusters?: string[]; signIn?: boolean } = {},
): Promise<TestUser> {
  counter += 1;
  const email = opts.email ?? `${role}-${counter}-${randomBytes(3).toString("hex")}@example.test`;
  const name = opts.name ?? `${role[0].toUpperCase()}${role.slice(1)} ${counter}`;
  hashOnce ??= hashPassword(TEST_PASSWORD);
  const prisma = await getPrisma();
  const user = await insertAccount(prisma, { email, name, role, passwordHash: await hashOnce });
  for (const clusterId of opts.clusters ?? []) await addMember(clusterId, user.id);
  const { token, id: tokenId } = await makePersonalToken(user.id, role);
  const cookie = opts.signIn === false ? "" : await signIn(user.email, TEST_PASSWORD);
  return {
    ...user,
    password: TEST_PASSWORD,
    cookie,
    token,
    tokenId,
    actor: { kind: "user", userId: user.id, role, email: user.email, name: user.name, via: "session" },
  };
}

/** Signs in through the real endpoint; returns the Cookie header value of the session. */
export async function signIn(email: string, password: string): Promise<string> {
  const res = await handleAuthRequest(
    new Request(`${TEST_ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: TEST_ORIGIN },
      body: JSON.stringify({ email, password }),
    }),
  );
  if (!res.ok) throw new Error(`test sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  return cookieFrom(res);
}

/** The Cookie header a browser would send back after this response. */
export function cookieFrom(res: Response): string {
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (cookies.length === 0) throw new Error("the response set no cookie");
  return cookies.join("; ");
}

export async function addMember(clusterId: string, userId: string): Promise<void> {
  const prisma = await getPrisma();
  await prisma.clusterMember.create({ data: { clusterId, userId } });
}

/** A personal token of a user (default: the user's role). */
export async function makePersonalToken(userId: string, role?: Role): Promise<{ token: string; id: string }> {
  const prisma = await getPrisma();
  const owner = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { role: true } });
  const { token, prefix, hash } = newToken("personal");
  const row = await prisma.apiToken.create({
    data: { kind: "personal", name: "test", prefix, hash, role: role ?? owner.role, ownerId: userId },
    select: { id: true },
  });
  return { token, id: row.id };
}

/** An ingest token of a cluster (made by a fresh admin unless `createdBy` is given). */
export async function makeIngestToken(clusterId: string, createdBy?: string): Promise<{ token: string; id: string }> {
  const prisma = await getPrisma();
  const ownerId = createdBy ?? (await makeUser("admin", { signIn: false })).id;
  const { token, prefix, hash } = newToken("ingest");
  const row = await prisma.apiToken.create({
    data: { kind: "ingest", name: "test ingest", prefix, hash, ownerId, clusterId },
    select: { id: true },
  });
  return { token, id: row.id };
}

export type Signer = TestUser | { token: string } | null;

function isTestUser(s: NonNullable<Signer>): s is TestUser {
  return "cookie" in s && "actor" in s;
}

/**
 * A Request as a client would send it. `as`: a TestUser (session cookie by default, `via: "token"` for its personal
 * token), `{ token }` for any bearer token (an ingest token), or null for none. Writes carry this site's Origin,
 * as a browser's would; pass `origin` to pretend another site.
 */
export function signedRequest(
  method: string,
  path: string,
  opts: { as?: Signer; via?: "session" | "token"; body?: unknown; rawBody?: string | Uint8Array; origin?: string | null; headers?: Record<string, string> } = {},
): Request {
  const headers = new Headers({ "content-type": "application/json", ...opts.headers });
  const as = opts.as ?? null;
  if (as && isTestUser(as) && (opts.via ?? "session") === "session") {
    headers.set("cookie", as.cookie);
    const origin = opts.origin === undefined ? TEST_ORIGIN : opts.origin;
    if (origin !== null && method !== "GET" && method !== "HEAD") headers.set("origin", origin);
  } else if (as) {
    headers.set("authorization", `Bearer ${as.token}`);
    if (opts.origin) headers.set("origin", opts.origin);
  }
  headers.set("host", new URL(TEST_ORIGIN).host);
  const raw = opts.rawBody instanceof Uint8Array ? new Uint8Array(opts.rawBody) : opts.rawBody;
  const body = raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  return new Request(`${TEST_ORIGIN}${path}`, { method, headers, body });
}
