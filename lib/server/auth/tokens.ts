// API tokens: personal (act as their owner, with at most the owner's current role) and cluster ingest tokens (only
// the ingest routes, only their cluster). A token is 32 random bytes; only its sha256 is stored (the randomness makes
// a salt pointless), and a prefix is kept for lists. Resolving a token is one indexed lookup (api_tokens.hash, with
// its owner joined); the last-use time is written at most once a minute per token.
// Personal tokens are never cached: a revocation or a role change holds from the next request. An INGEST token's
// lookup is kept INGEST_TOKEN_CACHE_MS (5 s; NETMORTEM_INGEST_TOKEN_CACHE_MS, 0 = off): agents send hundreds of
// snapshots a second and the lookup was a fifth of each one's cost. A revocation is refused at once by the instance
// that revoked it (revokeToken forgets the token) and within that bound by every other instance; an expiry is
// checked on every request.
import { createHash, randomBytes } from "node:crypto";
import { getPrisma } from "../db";
import { isRole, lesserRole, type Actor } from "./policy";

export type TokenKind = "personal" | "ingest";

const MARK: Record<TokenKind, string> = { personal: "nmp_", ingest: "nmi_" };
/** What lists show: the kind mark and the first 8 characters of the secret part. */
export const PREFIX_LENGTH = 12;
const LAST_USED_EVERY_MS = 60_000;

export function newToken(kind: TokenKind): { token: string; prefix: string; hash: string } {
  const token = `${MARK[kind]}${randomBytes(32).toString("base64url")}`;
  return { token, prefix: token.slice(0, PREFIX_LENGTH), hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The bearer credential of a request, if it has one of ours (`Authorization: Bearer nmp_…|nmi_…`). */
export function bearerToken(headers: Headers): string | null {
  const value = headers.get("authorization");
  if (!value) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return m ? m[1] : null;
}

export type TokenResolution = { actor: Actor } | { refused: "unknown" | "revoked" | "expired" | "disabled" };

const lastUsedWritten = new Map<string, number>();

function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback;
}
/** How long an ingest token's lookup is trusted (see the header). */
export const INGEST_TOKEN_CACHE_MS = envMs("NETMORTEM_INGEST_TOKEN_CACHE_MS", 5_000);

type CachedIngest = { at: number; id: string; clusterId: string; expiresAt: number | null; lastUsedAt: Date | null };
// on globalThis: Next may load this module once per route bundle, and the revoking route must reach the ingest
// routes' cache
const tokenStore = globalThis as typeof globalThis & { __nmIngestTokens?: Map<string, CachedIngest> };
const ingestTokens = (tokenStore.__nmIngestTokens ??= new Map());

/** Drops a token from this instance's cache (revokeToken calls it: the revoking instance refuses it at once). */
export function forgetToken(id: string): void {
  for (const [hash, c] of ingestTokens) if (c.id === id) ingestTokens.delete(hash);
}

/** Who a bearer token acts as, or why it is refused. */
export async function resolveToken(token: string, now = new Date()): Promise<TokenResolution> {
  if (token.length > 200) return { refused: "unknown" };
  const hash = hashToken(token);
  const cached = ingestTokens.get(hash);
  if (cached && now.getTime() - cached.at < INGEST_TOKEN_CACHE_MS && now.getTime() >= cached.at) {
    if (cached.expiresAt !== null && cached.expiresAt <= now.getTime()) return { refused: "expired" };
    await touch(cached.id, cached.lastUsedAt, now);
    return { actor: { kind: "ingest", tokenId: cached.id, clusterId: cached.clusterId } };
  }
  if (cached) ingestTokens.delete(hash);
  const prisma = await getPrisma();
  const row = await prisma.apiToken.findUnique({
    where: { hash },
    select: {
      id: true,
      kind: true,
      role: true,
      clusterId: true,
      lastUsedAt: true,
      expiresAt: true,
      revokedAt: true,
      owner: { select: { id: true, email: true, name: true, role: true, banned: true } },
    },
  });
  if (!row) return { refused: "unknown" };
  if (row.revokedAt) return { refused: "revoked" };
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return { refused: "expired" };
  await touch(row.id, row.lastUsedAt, now);
  if (row.kind === "ingest") {
    // An ingest token's cluster is fixed at creation (FK, cascade): it acts for the cluster, not for its creator.
    if (!row.clusterId) return { refused: "unknown" };
    if (INGEST_TOKEN_CACHE_MS > 0) {
      if (ingestTokens.size >= 10_000) ingestTokens.clear();
      ingestTokens.set(hash, { at: now.getTime(), id: row.id, clusterId: row.clusterId, expiresAt: row.expiresAt?.getTime() ?? null, lastUsedAt: row.lastUsedAt });
    }
    return { actor: { kind: "ingest", tokenId: row.id, clusterId: row.clusterId } };
  }
  const owner = row.owner;
  if (owner.banned || !isRole(owner.role)) return { refused: "disabled" };
  const role = isRole(row.role) ? lesserRole(row.role, owner.role) : owner.role;
  return {
    actor: { kind: "user", userId: owner.id, role, email: owner.email, name: owner.name, via: "token", tokenId: row.id },
  };
}

/**
 * Records the last use, at most once a minute per token (the row's own time and this process's memory both say
 * when it was last written, so several instances do not each write every request). A failure is logged, never the
 * request's failure.
 */
async function touch(id: string, lastUsedAt: Date | null, now: Date): Promise<void> {
  const last = Math.max(lastUsedAt?.getTime() ?? 0, lastUsedWritten.get(id) ?? 0);
  if (now.getTime() - last < LAST_USED_EVERY_MS) return;
  lastUsedWritten.set(id, now.getTime());
  if (lastUsedWritten.size > 10_000) lastUsedWritten.clear();
  try {
    const prisma = await getPrisma();
    await prisma.apiToken.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_EVERY_MS) } }] },
      data: { lastUsedAt: now },
    });
  } catch (err) {
    console.error("[auth] could not record a token's last use:", err);
  }
}
