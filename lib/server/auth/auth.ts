// The better-auth instance: email + password, sessions in the `sessions` table (one lookup per request, no cookie
// cache, so a deleted session is refused at once on every instance). Built lazily, per database: `next build`
// imports route modules and must not open the database (libraries.md §1), and tests swap databases.
import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth/minimal";
import { prismaAdapter } from "better-auth/adapters/prisma";
import type { PrismaClient } from "../../generated/prisma/client";
import { getPrisma } from "../db";
import { insertAccount } from "./account-rows";
import { ownOrigins } from "./request-info";

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;
/** How long a session lives after sign-in. */
export const SESSION_SECONDS = 7 * 24 * 3600;

function buildAuth(prisma: PrismaClient, secret: string) {
  const baseURL = process.env.NETMORTEM_BASE_URL?.trim() || process.env.BETTER_AUTH_URL?.trim() || undefined;
  return betterAuth({
    appName: "netmortem",
    // Unset: the origin of each request (Host header), which is what a single-host deployment wants.
    baseURL,
    basePath: "/api/auth",
    // The origins a cookie-carrying write to /api/auth/* may come from: the same rule as our route() check (without
    // it better-auth compares against the origin of request.url, which behind `next start -H` is not the Host).
    trustedOrigins: async (request?: Request) => (request ? ownOrigins(request.headers, request.url) : []),
    secret,
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    emailAndPassword: {
      enabled: true,
      // Accounts are made by an admin (or the first-start set-up), never by signing up.
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      revokeSessionsOnPasswordReset: true,
    },
    user: {
      additionalFields: {
        role: { type: "string", required: false, defaultValue: "viewer", input: false },
        banned: { type: "boolean", required: false, defaultValue: false, input: false },
      },
      changeEmail: { enabled: false },
      deleteUser: { enabled: false },
    },
    session: {
      expiresIn: SESSION_SECONDS,
      // No cookie cache: every request reads the session row, so revoking (sign-out, password change, an admin
      // disabling a user) takes effect on the next request everywhere.
      cookieCache: { enabled: false },
      // Reads never write: the session ends 7 days after sign-in, as its cookie does (a refresh here would move
      // only the row's expiry, since route() cannot hand the new cookie back).
      disableSessionRefresh: true,
    },
    // Sign-in limits are ours (per email and per address, stored in rate_limits: lib/server/auth/rate-limit.ts);
    // better-auth's limiter is memory-only and off outside production.
    rateLimit: { enabled: false },
    advanced: {
      database: { generateId: "uuid" },
      // better-auth skips its Origin check when NODE_ENV is "test"; stated, tests check what production runs.
      disableOriginCheck: false,
      cookiePrefix: "netmortem",
      // Secure (and __Secure-prefixed) only when the app says it is served over https. better-auth's default with no
      // baseURL is "Secure in production", and a browser drops a Secure cookie from a plain-http host that is not
      // localhost: signing in on http://10.0.0.5:3000 would silently not stick.
      useSecureCookies: baseURL ? baseURL.startsWith("https://") : false,
      defaultCookieAttributes: { sameSite: "lax", httpOnly: true },
    },
    telemetry: { enabled: false },
    logger: { level: process.env.NODE_ENV === "test" ? "error" : "warn" },
  });
}

export type Auth = ReturnType<typeof buildAuth>;

const store = globalThis as typeof globalThis & {
  __netmortemAuth?: WeakMap<PrismaClient, Promise<Auth>>;
};

/** The auth instance of the current database, made on first use. */
export async function getAuth(): Promise<Auth> {
  const prisma = await getPrisma();
  store.__netmortemAuth ??= new WeakMap();
  let auth = store.__netmortemAuth.get(prisma);
  if (!auth) {
    auth = (async () => {
      const built = buildAuth(prisma, await authSecret(prisma));
      await ensureEnvAdmin(prisma, built);
      return built;
    })();
    store.__netmortemAuth.set(prisma, auth);
    auth.catch(() => store.__netmortemAuth?.delete(prisma));
  }
  return auth;
}

/**
 * BETTER_AUTH_SECRET when set (≥ 32 characters); otherwise a random key made on first start and kept in
 * app_secrets, so that every instance on one database signs cookies alike and a restart keeps sessions valid.
 */
async function authSecret(prisma: PrismaClient): Promise<string> {
  const fromEnv = process.env.BETTER_AUTH_SECRET?.trim();
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error("BETTER_AUTH_SECRET must be at least 32 characters long");
    return fromEnv;
  }
  const name = "auth_secret";
  await prisma.appSecret.createMany({
    data: [{ name, value: randomBytes(32).toString("base64url") }],
    skipDuplicates: true,
  });
  const row = await prisma.appSecret.findUniqueOrThrow({ where: { name } });
  return row.value;
}

/** Key of the advisory lock that serialises making the first admin (env or set-up page) across instances. */
export const FIRST_ADMIN_LOCK = 72707370;

/**
 * First start with NETMORTEM_ADMIN_EMAIL and NETMORTEM_ADMIN_PASSWORD set: while there is no user at all, that admin
 * is made (once; later starts with the variables still set change nothing, so a password changed in the app holds).
 */
async function ensureEnvAdmin(prisma: PrismaClient, auth: Auth): Promise<void> {
  const email = process.env.NETMORTEM_ADMIN_EMAIL?.trim();
  const password = process.env.NETMORTEM_ADMIN_PASSWORD ?? "";
  if (!email || !password) return;
  if ((await prisma.user.count()) > 0) return;
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new Error(`NETMORTEM_ADMIN_PASSWORD must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  const hash = await (await auth.$context).password.hash(password);
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ADMIN_LOCK})`;
    if ((await tx.user.count()) > 0) return;
    const user = await insertAccount(tx, { email, name: process.env.NETMORTEM_ADMIN_NAME?.trim() || "Admin", role: "admin", passwordHash: hash });
    await tx.auditEvent.create({
      data: { action: "setup.admin-created", actorId: user.id, actorLabel: "NETMORTEM_ADMIN_EMAIL", targetType: "user", targetId: user.id },
    });
  });
}
