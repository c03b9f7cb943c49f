// An ingest token's lookup is kept INGEST_TOKEN_CACHE_MS (tokens.ts): a revocation made on another instance (here: a
// direct update of the row, which is what that instance's revokeToken writes) is refused once the bound has passed,
// one made through revokeToken on this instance at once; an expiry holds on a cached token; personal tokens are never
// cached. PGlite always; PostgreSQL too when TEST_DATABASE_URL is set.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeToken } from "../services/token/revoke";
import { setDatabase, type Database } from "../db";
import { makeIngestToken, makePersonalToken, makeUser } from "../testing/auth";
import { testTargets } from "../testing/databases";
import type { UserActor } from "./policy";
import { INGEST_TOKEN_CACHE_MS, resolveToken } from "./tokens";

describe.each(testTargets())("ingest token cache on $name", (target) => {
  let db: Database;
  let dispose: (() => Promise<void>) | undefined;
  let clusterId: string;
  let admin: UserActor;

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
    clusterId = (await db.prisma.cluster.create({ data: { name: `cache-${randomUUID().slice(0, 8)}` } })).id;
    const u = await makeUser("admin", { signIn: false });
    admin = u.actor;
  });
  afterAll(async () => {
    setDatabase(undefined);
    await dispose?.();
  });

  it("is bounded at 5 s by default", () => {
    expect(INGEST_TOKEN_CACHE_MS).toBe(5_000);
  });

  it("a token revoked elsewhere is accepted at most INGEST_TOKEN_CACHE_MS more, then refused", async () => {
    const t = await makeIngestToken(clusterId);
    const t0 = new Date();
    const first = await resolveToken(t.token, t0);
    expect(first).toEqual({ actor: { kind: "ingest", tokenId: t.id, clusterId } });
    // another instance revokes it: only the row changes, this process is not told
    await db.prisma.apiToken.update({ where: { id: t.id }, data: { revokedAt: new Date() } });
    expect(await resolveToken(t.token, new Date(t0.getTime() + INGEST_TOKEN_CACHE_MS - 100))).toEqual(first);
    expect(await resolveToken(t.token, new Date(t0.getTime() + INGEST_TOKEN_CACHE_MS))).toEqual({ refused: "revoked" });
    // and stays refused (nothing cached for a refusal)
    expect(await resolveToken(t.token, new Date(t0.getTime() + INGEST_TOKEN_CACHE_MS + 1))).toEqual({ refused: "revoked" });
  });

  it("a token revoked through this instance is refused at once", async () => {
    const t = await makeIngestToken(clusterId, admin.userId);
    const t0 = new Date();
    expect(await resolveToken(t.token, t0)).toHaveProperty("actor");
    await revokeToken(admin, t.id);
    expect(await resolveToken(t.token, new Date(t0.getTime() + 1))).toEqual({ refused: "revoked" });
  });

  it("a cached token is refused from its expiry on", async () => {
    const t = await makeIngestToken(clusterId);
    const t0 = new Date();
    await db.prisma.apiToken.update({ where: { id: t.id }, data: { expiresAt: new Date(t0.getTime() + 1000) } });
    expect(await resolveToken(t.token, t0)).toHaveProperty("actor");
    expect(await resolveToken(t.token, new Date(t0.getTime() + 999))).toHaveProperty("actor");
    expect(await resolveToken(t.token, new Date(t0.getTime() + 1000))).toEqual({ refused: "expired" });
  });

  it("a personal token is never cached: revoked elsewhere, refused on the next request", async () => {
    const t = await makePersonalToken(admin.userId);
    const t0 = new Date();
    expect(await resolveToken(t.token, t0)).toHaveProperty("actor");
    await db.prisma.apiToken.update({ where: { id: t.id }, data: { revokedAt: new Date() } });
    expect(await resolveToken(t.token, new Date(t0.getTime() + 1))).toEqual({ refused: "revoked" });
  });
});
