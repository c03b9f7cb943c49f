// Admins manage accounts: create (with a password or an invitation), change roles, disable; cluster membership
// decides what viewers and responders see; the audit log records who did what, from where.
// Like lib/server/api.test.ts, this test reaches up into app/ to call the route handlers end to end.
/* eslint-disable no-restricted-imports */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as members from "@/app/api/v1/clusters/[id]/members/route";
import * as member from "@/app/api/v1/clusters/[id]/members/[userId]/route";
import * as audit from "@/app/api/v1/audit/route";
import * as incidentItem from "@/app/api/v1/incidents/[id]/route";
import * as incidents from "@/app/api/v1/incidents/route";
import * as accept from "@/app/api/v1/invites/accept/route";
import * as me from "@/app/api/v1/me/route";
import * as userItem from "@/app/api/v1/users/[id]/route";
import * as users from "@/app/api/v1/users/route";
import { setDatabase, type Database } from "../db";
import { makeUser, signedRequest, signIn, TEST_ORIGIN, type TestUser } from "../testing/auth";
import { testTargets } from "../testing/databases";
import { handleAuthRequest } from "./handler";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies under test
const noParams = { params: Promise.resolve({ id: "" }) };
const withId = (id: string) => ({ params: Promise.resolve({ id }) });

async function body(res: Response): Promise<Json> {
  const text = await res.text();
  return text ? (JSON.parse(text) as Json) : {};
}

describe.each(testTargets())("users on $name", (target) => {
  let db: Database;
  let dispose: (() => Promise<void>) | undefined;
  let admin: TestUser;

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
    admin = await makeUser("admin", { name: "Head Admin" });
  });
  afterAll(async () => {
    setDatabase(undefined);
    await dispose?.();
  });

  it("an admin makes a user with a password; they sign in and GET /me says who they are", async () => {
    const res = await users.POST(
      signedRequest("POST", "/api/v1/users", {
        as: admin,
        body: { name: "Zhang Min", email: "Zhang.Min@Example.test", role: "responder", password: "zhang min password" },
        headers: { "x-forwarded-for": "192.0.2.10", "user-agent": "test-agent/1" },
      }),
      noParams,
    );
    expect(res.status).toBe(201);
    const made = (await body(res)).data;
    expect(made).toMatchObject({ email: "zhang.min@example.test", role: "responder", disabled: false, invited: false });
    const cookie = await signIn("zhang.min@example.test", "zhang min password");
    const who = await body(await me.GET(new Request(`${TEST_ORIGIN}/api/v1/me`, { headers: { cookie } }), noParams));
    expect(who.data).toEqual({ id: made.id, name: "Zhang Min", email: "zhang.min@example.test", role: "responder", via: "session" });
    const entry = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "user.created", targetId: made.id } });
    expect(entry).toMatchObject({ actorId: admin.id, ip: "192.0.2.10", userAgent: "test-agent/1" });
  });

  it("an invitation: the link sets the password once; a second use, a guessed token, an expired one are the same 404", async () => {
    const res = await users.POST(
      signedRequest("POST", "/api/v1/users", { as: admin, body: { name: "Invitee", email: "invitee@example.test", role: "viewer" } }),
      noParams,
    );
    const made = (await body(res)).data;
    expect(made.invited).toBe(true);
    expect(made.invite.path).toBe(`/invite/${made.invite.token}`);
    const stored = await db.prisma.userInvite.findFirstOrThrow({ where: { userId: made.id } });
    expect(stored.tokenHash).not.toContain(made.invite.token);
    // No password yet: signing in is refused.
    const early = await handleAuthRequest(
      new Request(`${TEST_ORIGIN}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "invitee@example.test", password: "whatever password" }),
      }),
    );
    expect(early.status).toBe(401);
    const ok = await accept.POST(signedRequest("POST", "/api/v1/invites/accept", { body: { token: made.invite.token, password: "invitee password" } }), noParams);
    expect(ok.status).toBe(200);
    await signIn("invitee@example.test", "invitee password");
    const again = await accept.POST(signedRequest("POST", "/api/v1/invites/accept", { body: { token: made.invite.token, password: "other password" } }), noParams);
    const guessed = await accept.POST(signedRequest("POST", "/api/v1/invites/accept", { body: { token: "nmv_guessed-token-xyz", password: "other password" } }), noParams);
    const late = await body(
      await users.POST(signedRequest("POST", "/api/v1/users", { as: admin, body: { name: "Late", email: "late@example.test", role: "viewer" } }), noParams),
    );
    await db.prisma.userInvite.updateMany({ where: { userId: late.data.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await accept.POST(signedRequest("POST", "/api/v1/invites/accept", { body: { token: late.data.invite.token, password: "late password" } }), noParams);
    expect([again.status, guessed.status, expired.status]).toEqual([404, 404, 404]);
    const again404 = await body(again);
    expect(await body(guessed)).toEqual(again404);
    expect(await body(expired)).toEqual(again404);
    await signIn("invitee@example.test", "invitee password");
  });

  it("a role change takes effect on the next request; disabling ends sessions and tokens at once", async () => {
    const u = await makeUser("responder");
    const create = () =>
      incidents.POST(signedRequest("POST", "/api/v1/incidents", { as: u, body: { title: "by u", severity: "sev4" } }), noParams);
    expect((await create()).status).toBe(201);
    const demoted = await userItem.PATCH(signedRequest("PATCH", `/api/v1/users/${u.id}`, { as: admin, body: { role: "viewer" } }), withId(u.id));
    expect(demoted.status).toBe(200);
    expect((await create()).status).toBe(403);
    const disabled = await userItem.PATCH(signedRequest("PATCH", `/api/v1/users/${u.id}`, { as: admin, body: { disabled: true } }), withId(u.id));
    expect((await body(disabled)).data.disabled).toBe(true);
    expect(await db.prisma.session.count({ where: { userId: u.id } })).toBe(0);
    const viaToken = await incidents.GET(signedRequest("GET", "/api/v1/incidents", { as: u, via: "token" }), noParams);
    expect(viaToken.status).toBe(401);
    const actions = (await db.prisma.auditEvent.findMany({ where: { targetId: u.id }, orderBy: { at: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["user.role-changed", "user.disabled"]);
  });

  it("the last admin cannot be demoted or disabled (409)", async () => {
    // Other admins made by earlier tests' helpers: disable all but `admin` first.
    await db.prisma.user.updateMany({ where: { role: "admin", NOT: { id: admin.id } }, data: { banned: true } });
    const res = await userItem.PATCH(signedRequest("PATCH", `/api/v1/users/${admin.id}`, { as: admin, body: { role: "viewer" } }), withId(admin.id));
    expect(res.status).toBe(409);
    const res2 = await userItem.PATCH(signedRequest("PATCH", `/api/v1/users/${admin.id}`, { as: admin, body: { disabled: true } }), withId(admin.id));
    expect(res2.status).toBe(409);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("admin");
  });

  it("membership decides what a viewer sees: added, the cluster's incident is visible; removed, it is 404 again", async () => {
    const cluster = await db.prisma.cluster.create({ data: { name: "membership" } });
    const incident = await db.prisma.incident.create({ data: { clusterId: cluster.id, title: "in membership", severity: "sev2", startedAt: new Date() } });
    const loose = await db.prisma.incident.create({ data: { title: "no cluster", severity: "sev4", startedAt: new Date() } });
    const viewer = await makeUser("viewer");
    const read = () => incidentItem.GET(signedRequest("GET", `/api/v1/incidents/${incident.id}`, { as: viewer }), withId(incident.id));
    const listed = async () =>
      (await body(await incidents.GET(signedRequest("GET", "/api/v1/incidents?limit=100", { as: viewer }), noParams))).data.map((i: Json) => i.id);
    expect((await read()).status).toBe(404);
    expect(await listed()).not.toContain(incident.id);
    // An incident without a cluster is everyone's.
    expect(await listed()).toContain(loose.id);
    const add = await members.POST(signedRequest("POST", `/api/v1/clusters/${cluster.id}/members`, { as: admin, body: { userId: viewer.id } }), withId(cluster.id));
    expect(add.status).toBe(201);
    expect((await read()).status).toBe(200);
    expect(await listed()).toContain(incident.id);
    const listedMembers = await body(await members.GET(signedRequest("GET", `/api/v1/clusters/${cluster.id}/members`, { as: admin }), withId(cluster.id)));
    expect(listedMembers.data.map((m: Json) => m.user.id)).toEqual([viewer.id]);
    const rm = await member.DELETE(
      signedRequest("DELETE", `/api/v1/clusters/${cluster.id}/members/${viewer.id}`, { as: admin }),
      { params: Promise.resolve({ id: cluster.id, userId: viewer.id }) },
    );
    expect(rm.status).toBe(204);
    expect((await read()).status).toBe(404);
  });

  it("the audit log lists sign-ins (ok and failed), user and token changes, newest first, for admins", async () => {
    const viewer = await makeUser("viewer");
    await handleAuthRequest(
      new Request(`${TEST_ORIGIN}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.50" },
        body: JSON.stringify({ email: viewer.email, password: "wrong password" }),
      }),
    );
    const page = await body(await audit.GET(signedRequest("GET", "/api/v1/audit?limit=100", { as: admin }), noParams));
    const actions = page.data.map((e: Json) => e.action);
    expect(actions).toContain("sign-in.ok");
    expect(actions).toContain("sign-in.failed");
    expect(actions).toContain("user.created");
    const failed = page.data.find((e: Json) => e.action === "sign-in.failed" && e.actorLabel === viewer.email);
    expect(failed).toMatchObject({ ip: "203.0.113.50", actor: null });
    const ok = page.data.find((e: Json) => e.action === "sign-in.ok" && e.actorLabel === viewer.email);
    expect(ok.actor).toMatchObject({ id: viewer.id, email: viewer.email });
    const times = page.data.map((e: Json) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    const onlyFailed = await body(await audit.GET(signedRequest("GET", "/api/v1/audit?action=sign-in.failed", { as: admin }), noParams));
    expect(onlyFailed.data.every((e: Json) => e.action === "sign-in.failed")).toBe(true);
    const prefixed = await body(await audit.GET(signedRequest("GET", "/api/v1/audit?action=user.", { as: admin }), noParams));
    expect(prefixed.data.length).toBeGreaterThan(0);
    expect(prefixed.data.every((e: Json) => e.action.startsWith("user."))).toBe(true);
  });
});
