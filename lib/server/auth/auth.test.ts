// Accounts end to end through the real handlers: sign-in (cookie in Postgres), the route wrapper (401/403, Origin),
// tokens (personal, ingest, revocation at once), the sign-in limit (6th failure → 429), the first start, the audit
// log. PGlite always; PostgreSQL too when TEST_DATABASE_URL is set.
/* eslint-disable no-restricted-imports */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as clusterItem from "@/app/api/v1/clusters/[id]/route";
import * as ingestTokens from "@/app/api/v1/clusters/[id]/ingest-tokens/route";
import * as clusters from "@/app/api/v1/clusters/route";
import * as incidents from "@/app/api/v1/incidents/route";
import * as setup from "@/app/api/v1/setup/route";
import * as tokenItem from "@/app/api/v1/tokens/[id]/route";
import * as tokens from "@/app/api/v1/tokens/route";
import { setDatabase, type Database } from "../db";
import { route } from "../http";
import {
  addMember,
  cookieFrom,
  makeIngestToken,
  makeUser,
  signedRequest,
  signIn,
  TEST_ORIGIN,
  TEST_PASSWORD,
  type TestUser,
} from "../testing/auth";
import { testTargets } from "../testing/databases";
import { handleAuthRequest } from "./handler";
import { resetIngestLimiter } from "./rate-limit";
import { setupNeeded } from "./setup";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies under test
const noParams = { params: Promise.resolve({ id: "" }) };
const withId = (id: string) => ({ params: Promise.resolve({ id }) });

async function body(res: Response): Promise<Json> {
  const text = await res.text();
  return text ? (JSON.parse(text) as Json) : {};
}

function signInRequest(email: string, password: string, headers: Record<string, string> = {}): Request {
  return new Request(`${TEST_ORIGIN}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: TEST_ORIGIN, ...headers },
    body: JSON.stringify({ email, password }),
  });
}

describe.each(testTargets())("accounts on $name", (target) => {
  let db: Database;
  let dispose: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await dispose?.();
  });

  describe("first start", () => {
    it("offers the set-up while there is no user, makes the first admin once, then is gone", async () => {
      expect(await setupNeeded()).toBe(true);
      const form = { name: "First Admin", email: "first@example.test", password: "first admin password" };
      // Two submissions at once: exactly one admin is made.
      const [a, b] = await Promise.all([
        setup.POST(signedRequest("POST", "/api/v1/setup", { body: form }), noParams),
        setup.POST(signedRequest("POST", "/api/v1/setup", { body: { ...form, email: "second@example.test" } }), noParams),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 404]);
      expect(await setupNeeded()).toBe(false);
      const again = await setup.POST(signedRequest("POST", "/api/v1/setup", { body: form }), noParams);
      expect(again.status).toBe(404);
      const admins = await db.prisma.user.findMany({ where: { role: "admin" } });
      expect(admins).toHaveLength(1);
      // The admin can sign in with what the form said.
      const first = a.status === 201 ? form.email : "second@example.test";
      const res = await handleAuthRequest(signInRequest(first, form.password));
      expect(res.status).toBe(200);
    });
  });

  describe("sessions", () => {
    it("a signed-in user's cookie works on the API; after sign-out the same cookie is refused", async () => {
      const viewer = await makeUser("viewer");
      const ok = await clusters.GET(signedRequest("GET", "/api/v1/clusters", { as: viewer }), noParams);
      expect(ok.status).toBe(200);
      const out = await handleAuthRequest(
        new Request(`${TEST_ORIGIN}/api/auth/sign-out`, { method: "POST", headers: { cookie: viewer.cookie, origin: TEST_ORIGIN } }),
      );
      expect(out.status).toBe(200);
      const after = await clusters.GET(signedRequest("GET", "/api/v1/clusters", { as: viewer }), noParams);
      expect(after.status).toBe(401);
      expect((await body(after)).error.code).toBe("unauthenticated");
    });

    it("the session lives in the database: deleting its row ends it at once", async () => {
      const viewer = await makeUser("viewer");
      await db.prisma.session.deleteMany({ where: { userId: viewer.id } });
      const res = await clusters.GET(signedRequest("GET", "/api/v1/clusters", { as: viewer }), noParams);
      expect(res.status).toBe(401);
    });

    it("a browser's sign-in is checked against the Host it was sent to (next start's request.url names another origin)", async () => {
      const viewer = await makeUser("viewer", { signIn: false });
      const fromBrowser = (origin: string, site: string) =>
        handleAuthRequest(
          new Request("http://localhost:3000/api/auth/sign-in/email", {
            method: "POST",
            headers: { "content-type": "application/json", host: "127.0.0.1:3110", origin, "sec-fetch-site": site, "sec-fetch-mode": "cors" },
            body: JSON.stringify({ email: viewer.email, password: TEST_PASSWORD }),
          }),
        );
      const ok = await fromBrowser("http://127.0.0.1:3110", "same-origin");
      expect(ok.status, await ok.clone().text()).toBe(200);
      // The answer names the user; the session token is only in the httpOnly cookie.
      const answer = await body(ok);
      expect(answer).toEqual({ user: { id: viewer.id, email: viewer.email, name: viewer.name, role: "viewer" } });
      const cookie = cookieFrom(ok);
      expect(JSON.stringify(answer)).not.toContain(cookie.split("=")[1].split(".")[0]);
      const evil = await fromBrowser("https://evil.example", "cross-site");
      expect(evil.status).toBe(403);
    });

    it("only the endpoints the app uses are open: get-session and list-sessions (which show the token) are 404", async () => {
      const viewer = await makeUser("viewer");
      for (const path of ["/api/auth/get-session", "/api/auth/list-sessions", "/api/auth/request-password-reset"]) {
        const res = await handleAuthRequest(new Request(`${TEST_ORIGIN}${path}`, { headers: { cookie: viewer.cookie } }));
        expect(res.status, path).toBe(404);
      }
    });

    it("changing the password is audited, and with revokeOtherSessions the other sessions end", async () => {
      const user = await makeUser("viewer");
      const second = await signIn(user.email, TEST_PASSWORD);
      const res = await handleAuthRequest(
        new Request(`${TEST_ORIGIN}/api/auth/change-password`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie: user.cookie, origin: TEST_ORIGIN },
          body: JSON.stringify({ currentPassword: TEST_PASSWORD, newPassword: "another good password", revokeOtherSessions: true }),
        }),
      );
      expect(res.status, await res.clone().text()).toBe(200);
      const stale = await clusters.GET(new Request(`${TEST_ORIGIN}/api/v1/clusters`, { headers: { cookie: second } }), noParams);
      expect(stale.status).toBe(401);
      expect(await db.prisma.auditEvent.count({ where: { action: "user.password-changed", actorId: user.id } })).toBe(1);
      await signIn(user.email, "another good password");
    });

    it("a wrong password is 401 and makes no cookie", async () => {
      const viewer = await makeUser("viewer", { signIn: false });
      const res = await handleAuthRequest(signInRequest(viewer.email, "not the password"));
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it("a disabled user cannot sign in, and their open session stops working", async () => {
      const viewer = await makeUser("viewer");
      await db.prisma.user.update({ where: { id: viewer.id }, data: { banned: true } });
      const res = await clusters.GET(signedRequest("GET", "/api/v1/clusters", { as: viewer }), noParams);
      expect(res.status).toBe(401);
      const again = await handleAuthRequest(signInRequest(viewer.email, TEST_PASSWORD));
      expect(again.status).toBe(401);
    });
  });

  describe("the route wrapper", () => {
    let admin: TestUser;
    let responder: TestUser;
    let viewer: TestUser;
    beforeAll(async () => {
      admin = await makeUser("admin");
      responder = await makeUser("responder");
      viewer = await makeUser("viewer");
    });

    it("401 without a credential, with a WWW-Authenticate header and the error envelope", async () => {
      const res = await clusters.GET(signedRequest("GET", "/api/v1/clusters"), noParams);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect((await body(res)).error.code).toBe("unauthenticated");
    });

    it("403 for a role below the route's, the same for session and token", async () => {
      for (const via of ["session", "token"] as const) {
        const res = await clusters.POST(signedRequest("POST", "/api/v1/clusters", { as: responder, via, body: { name: `x-${via}` } }), noParams);
        expect(res.status, via).toBe(403);
        expect((await body(res)).error.code).toBe("forbidden");
      }
      const ok = await clusters.POST(signedRequest("POST", "/api/v1/clusters", { as: admin, body: { name: "made-by-admin" } }), noParams);
      expect(ok.status).toBe(201);
    });

    it("a cross-site POST with a valid session cookie is refused (403 cross_site); the same from this site passes", async () => {
      const evil = await incidents.POST(
        signedRequest("POST", "/api/v1/incidents", { as: responder, origin: "https://evil.example", body: { title: "csrf", severity: "sev3" } }),
        noParams,
      );
      expect(evil.status).toBe(403);
      expect((await body(evil)).error.code).toBe("cross_site");
      const nullOrigin = await incidents.POST(
        signedRequest("POST", "/api/v1/incidents", { as: responder, origin: "null", body: { title: "csrf", severity: "sev3" } }),
        noParams,
      );
      expect(nullOrigin.status).toBe(403);
      const fetchMeta = await incidents.POST(
        signedRequest("POST", "/api/v1/incidents", {
          as: responder,
          origin: null,
          headers: { "sec-fetch-site": "cross-site" },
          body: { title: "csrf", severity: "sev3" },
        }),
        noParams,
      );
      expect(fetchMeta.status).toBe(403);
      expect(await db.prisma.incident.count({ where: { title: "csrf" } })).toBe(0);
      const same = await incidents.POST(
        signedRequest("POST", "/api/v1/incidents", { as: responder, body: { title: "same-site", severity: "sev3" } }),
        noParams,
      );
      expect(same.status).toBe(201);
      // A bearer token carries no ambient authority: no Origin rule applies to it.
      const byToken = await incidents.POST(
        signedRequest("POST", "/api/v1/incidents", { as: responder, via: "token", origin: "https://evil.example", body: { title: "by token", severity: "sev3" } }),
        noParams,
      );
      expect(byToken.status).toBe(201);
    });

    it("a handler's unexpected error is a 500 with a generic message, no stack", async () => {
      const boom = route({ role: "viewer" }, async () => {
        throw new Error("secret detail at /srv/app/lib/x.ts:12");
      });
      const res = await boom(signedRequest("GET", "/x", { as: viewer }), {});
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toContain("secret detail");
      expect(text).not.toMatch(/\n\s+at /);
    });

    it("route() refuses to make a handler without a valid policy", () => {
      expect(() => route({} as never, async () => new Response())).toThrow(/policy/);
    });
  });

  describe("tokens", () => {
    it("POST /tokens answers the token once; lists show the prefix and never the token; revoking refuses it at once", async () => {
      const responder = await makeUser("responder");
      const created = await tokens.POST(signedRequest("POST", "/api/v1/tokens", { as: responder, body: { name: "ci script" } }), noParams);
      expect(created.status).toBe(201);
      const t = (await body(created)).data;
      expect(t.token).toMatch(/^nmp_/);
      expect(t.prefix).toBe(t.token.slice(0, 12));
      expect(t.role).toBe("responder");
      const stored = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: t.id } });
      expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(t.token);

      const asToken = { token: t.token as string };
      const use = await incidents.POST(signedRequest("POST", "/api/v1/incidents", { as: asToken, body: { title: "by pat", severity: "sev4" } }), noParams);
      expect(use.status).toBe(201);
      const listed = await body(await tokens.GET(signedRequest("GET", "/api/v1/tokens", { as: responder }), noParams));
      const mine = listed.data.find((x: Json) => x.id === t.id);
      expect(mine.prefix).toBe(t.prefix);
      expect(mine.token).toBeUndefined();
      expect(mine.lastUsedAt).not.toBeNull();
      expect(mine.createdBy.id).toBe(responder.id);

      const revoked = await tokenItem.DELETE(signedRequest("DELETE", `/api/v1/tokens/${t.id}`, { as: responder }), withId(t.id));
      expect(revoked.status).toBe(200);
      const refused = await incidents.GET(signedRequest("GET", "/api/v1/incidents", { as: asToken }), noParams);
      expect(refused.status).toBe(401);
      expect((await body(refused)).error.message).toContain("revoked");
    });

    it("a token never carries more than its owner: asking for more is 403, and a demoted owner's token drops too", async () => {
      const viewer = await makeUser("viewer");
      const more = await tokens.POST(signedRequest("POST", "/api/v1/tokens", { as: viewer, body: { name: "x", role: "admin" } }), noParams);
      expect(more.status).toBe(403);
      const responder = await makeUser("responder");
      await db.prisma.user.update({ where: { id: responder.id }, data: { role: "viewer" } });
      const res = await incidents.POST(
        signedRequest("POST", "/api/v1/incidents", { as: responder, via: "token", body: { title: "demoted", severity: "sev4" } }),
        noParams,
      );
      expect(res.status).toBe(403);
    });

    it("someone else's token id is 404 to revoke (like a missing one); an admin may revoke it", async () => {
      const a = await makeUser("responder");
      const b = await makeUser("responder");
      const admin = await makeUser("admin");
      const res = await tokenItem.DELETE(signedRequest("DELETE", `/api/v1/tokens/${a.tokenId}`, { as: b }), withId(a.tokenId));
      expect(res.status).toBe(404);
      const missing = "6f1c2b7e-0000-4000-8000-000000000000";
      const res2 = await tokenItem.DELETE(signedRequest("DELETE", `/api/v1/tokens/${missing}`, { as: b }), withId(missing));
      expect(await body(res)).toEqual({ error: { code: "not_found", message: `token ${a.tokenId} not found` } });
      expect((await body(res2)).error.code).toBe("not_found");
      const byAdmin = await tokenItem.DELETE(signedRequest("DELETE", `/api/v1/tokens/${a.tokenId}`, { as: admin }), withId(a.tokenId));
      expect(byAdmin.status).toBe(200);
    });

    it("an ingest token of cluster A: 403 on every non-ingest route, shown once, revocable", async () => {
      const admin = await makeUser("admin");
      const created = await clusters.POST(signedRequest("POST", "/api/v1/clusters", { as: admin, body: { name: "ingest-a" } }), noParams);
      const clusterA = (await body(created)).data.id as string;
      const made = await ingestTokens.POST(
        signedRequest("POST", `/api/v1/clusters/${clusterA}/ingest-tokens`, { as: admin, body: { name: "agent" } }),
        withId(clusterA),
      );
      expect(made.status).toBe(201);
      const t = (await body(made)).data;
      expect(t.token).toMatch(/^nmi_/);
      expect(t.clusterId).toBe(clusterA);
      const asIngest = { token: t.token as string };
      for (const [name, res] of [
        ["GET /clusters", await clusters.GET(signedRequest("GET", "/api/v1/clusters", { as: asIngest }), noParams)],
        ["GET /clusters/A", await clusterItem.GET(signedRequest("GET", `/api/v1/clusters/${clusterA}`, { as: asIngest }), withId(clusterA))],
        ["POST /incidents", await incidents.POST(signedRequest("POST", "/api/v1/incidents", { as: asIngest, body: { title: "x", severity: "sev4" } }), noParams)],
        ["POST /tokens", await tokens.POST(signedRequest("POST", "/api/v1/tokens", { as: asIngest, body: { name: "x" } }), noParams)],
      ] as const) {
        expect(res.status, name).toBe(403);
      }
      const probe = route({ ingest: true }, async (_r, _c, actor) => Response.json({ clusterId: actor.clusterId }));
      const used = await probe(signedRequest("POST", "/api/v1/ingest/snapshots", { as: asIngest }), {});
      expect(await body(used)).toEqual({ clusterId: clusterA });
      // A user (even an admin) on an ingest route is 403; nobody is 401.
      expect((await probe(signedRequest("POST", "/api/v1/ingest/snapshots", { as: admin }), {})).status).toBe(403);
      expect((await probe(signedRequest("POST", "/api/v1/ingest/snapshots"), {})).status).toBe(401);
      await tokenItem.DELETE(signedRequest("DELETE", `/api/v1/tokens/${t.id}`, { as: admin }), withId(t.id));
      const after = await probe(signedRequest("POST", "/api/v1/ingest/snapshots", { as: asIngest }), {});
      expect(after.status).toBe(401);
    });

    it("an ingest token over its rate is 429 with Retry-After; other tokens are not held up", async () => {
      resetIngestLimiter(3);
      try {
        const c = await db.prisma.cluster.create({ data: { name: "ingest-rate" } });
        const a = await makeIngestToken(c.id);
        const b = await makeIngestToken(c.id);
        const probe = route({ ingest: true }, async () => new Response(null, { status: 204 }));
        const send = (token: string) => probe(signedRequest("POST", "/api/v1/ingest/snapshots", { as: { token } }), {});
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await send(a.token)).status);
        expect(statuses).toEqual([204, 204, 204, 429]);
        const limited = await send(a.token);
        expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(((await limited.json()) as Json).error.code).toBe("rate_limited");
        expect((await send(b.token)).status).toBe(204);
      } finally {
        resetIngestLimiter();
      }
    });

    it("a test ingest token helper resolves to its cluster", async () => {
      const admin = await makeUser("admin");
      const c = await db.prisma.cluster.create({ data: { name: "ingest-helper" } });
      await addMember(c.id, admin.id);
      const { token } = await makeIngestToken(c.id, admin.id);
      const probe = route({ ingest: true }, async (_r, _c, actor) => Response.json(actor));
      const res = await body(await probe(signedRequest("POST", "/x", { as: { token } }), {}));
      expect(res).toMatchObject({ kind: "ingest", clusterId: c.id });
    });
  });

  describe("sign-in limits", () => {
    it("the 6th failed sign-in for one email within the window is 429 with Retry-After, even with the right password", async () => {
      const victim = await makeUser("viewer", { signIn: false });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        // A different claimed address each time: the per-email limit holds regardless.
        const res = await handleAuthRequest(signInRequest(victim.email, `guess ${i}`, { "x-forwarded-for": `198.51.100.${i + 1}` }));
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      const sixth = await handleAuthRequest(signInRequest(victim.email, TEST_PASSWORD, { "x-forwarded-for": "198.51.100.77" }));
      expect(sixth.status).toBe(429);
      const retry = Number(sixth.headers.get("retry-after"));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(15 * 60);
      expect((await body(sixth)).error.code).toBe("rate_limited");
      expect(sixth.headers.getSetCookie()).toEqual([]);
      // The count lives in the database (rate_limits), shared by every instance.
      const row = await db.prisma.rateLimiterFlexible.findFirst({ where: { key: { contains: victim.email } } });
      expect(row?.points).toBeGreaterThanOrEqual(6);
      const audits = await db.prisma.auditEvent.findMany({ where: { actorLabel: victim.email }, orderBy: { at: "asc" } });
      expect(audits.map((a) => a.action)).toEqual([...Array(5).fill("sign-in.failed"), "sign-in.blocked"]);
      expect(audits[0].ip).toBe("198.51.100.1");
    });

    it("a success clears the email's failures", async () => {
      const user = await makeUser("viewer", { signIn: false });
      for (let i = 0; i < 4; i++) await handleAuthRequest(signInRequest(user.email, "wrong"));
      const ok = await handleAuthRequest(signInRequest(user.email, TEST_PASSWORD));
      expect(ok.status).toBe(200);
      cookieFrom(ok);
      for (let i = 0; i < 4; i++) expect((await handleAuthRequest(signInRequest(user.email, "wrong"))).status).toBe(401);
    });

    it("the per-address limit stops one address guessing many emails", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) {
        const res = await handleAuthRequest(signInRequest(`nobody-${i}@example.test`, "x", { "x-forwarded-for": "203.0.113.9" }));
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
      expect(statuses[30]).toBe(429);
    });
  });

  describe("better-auth's surface", () => {
    it("sign-up is not offered (accounts are made by admins)", async () => {
      const res = await handleAuthRequest(
        new Request(`${TEST_ORIGIN}/api/auth/sign-up/email`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: TEST_ORIGIN },
          body: JSON.stringify({ email: "new@example.test", password: "a long password", name: "x" }),
        }),
      );
      expect(res.status).toBe(404);
      expect(await db.prisma.user.count({ where: { email: "new@example.test" } })).toBe(0);
    });

    it("a member-scoped viewer lists only their clusters", async () => {
      const admin = await makeUser("admin");
      const mk = async (name: string) =>
        (await body(await clusters.POST(signedRequest("POST", "/api/v1/clusters", { as: admin, body: { name } }), noParams))).data.id as string;
      const mine = await mk("scope-mine");
      await mk("scope-other");
      const viewer = await makeUser("viewer", { clusters: [mine] });
      const listed = await body(await clusters.GET(signedRequest("GET", "/api/v1/clusters?limit=100", { as: viewer }), noParams));
      expect(listed.data.map((c: Json) => c.name)).toEqual(["scope-mine"]);
    });
  });
});
