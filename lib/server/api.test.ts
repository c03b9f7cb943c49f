// Integration tests of the /api/v1 route handlers (called as functions with real Requests, signed in as an admin
// with a real session cookie) against a fresh migrated database: in-memory PGlite always, real PostgreSQL too when
// TEST_DATABASE_URL is set. Roles and scoping have their own tests (lib/server/auth/).
// This test is the one lib/server file allowed to reach up into app/: it exercises the route handlers end to end,
// and vitest only collects tests under lib/ (not app/).
/* eslint-disable no-restricted-imports */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as clusterItem from "@/app/api/v1/clusters/[id]/route";
import * as clusterNodes from "@/app/api/v1/clusters/[id]/nodes/route";
import * as clusters from "@/app/api/v1/clusters/route";
import * as health from "@/app/api/v1/health/route";
import * as incidentItem from "@/app/api/v1/incidents/[id]/route";
import * as incidentStatus from "@/app/api/v1/incidents/[id]/status/route";
import * as incidentTimeline from "@/app/api/v1/incidents/[id]/timeline/route";
import * as incidents from "@/app/api/v1/incidents/route";
import * as nodeItem from "@/app/api/v1/nodes/[id]/route";
import { setDatabase, type Database } from "./db";
import { makeUser, signedRequest, type TestUser } from "./testing/auth";
import { testTargets } from "./testing/databases";

type Handler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies under test

const noParams = { params: Promise.resolve({ id: "" }) };
const withId = (id: string) => ({ params: Promise.resolve({ id }) });

/** The signed-in user the calls are made as (an admin: roles are not what these tests are about). */
let admin: TestUser | null = null;

async function call(
  handler: Handler,
  method: string,
  path: string,
  opts: { id?: string; body?: unknown; rawBody?: string } = {},
): Promise<{ status: number; body: Json }> {
  const request = signedRequest(method, `/api/v1${path}`, { as: admin, body: opts.body, rawBody: opts.rawBody });
  const res = await handler(request, opts.id ? withId(opts.id) : noParams);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

const MISSING = "6f1c2b7e-0000-4000-8000-000000000000";

describe.each(testTargets())("API on $name", (target) => {
  let db: Database;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
    admin = await makeUser("admin", { name: "Li Wei" });
  });
  afterAll(async () => {
    admin = null;
    setDatabase(undefined);
    await dispose();
  });

  async function count(table: "clusters" | "nodes" | "incidents" | "timeline_events"): Promise<number> {
    const rows = await db.withSession((s) => s.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`));
    return rows[0].n;
  }

  it("health names the database kind", async () => {
    const res = await call(health.GET, "GET", "/health");
    expect(res).toEqual({ status: 200, body: { data: { ok: true, db: target.name } } });
  });

  describe("clusters and nodes", () => {
    let clusterId: string;

    it("creates a cluster and reads it back", async () => {
      const body = {
        name: "prod-east",
        provider: "kubeadm",
        kubernetesVersion: "1.24.3",
        cni: "kube-router",
        cniMode: "ipip",
        underlayMtu: 1500,
        overlayMtu: 1480,
        nodePortRange: "30000-32767",
        podCidr: "10.244.0.0/16",
        serviceCidr: "fd00:10:96::/108",
        kubeProxyMode: "ipvs",
      };
      const created = await call(clusters.POST, "POST", "/clusters", { body });
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject(body);
      expect(created.body.data.id).toMatch(/^[0-9a-f-]{36}$/);
      clusterId = created.body.data.id;
      const read = await call(clusterItem.GET, "GET", `/clusters/${clusterId}`, { id: clusterId });
      expect(read.status).toBe(200);
      expect(read.body.data).toEqual(created.body.data);
      // Unset optional fields come back as null, times as ISO strings with an offset.
      const minimal = await call(clusters.POST, "POST", "/clusters", { body: { name: "lab" } });
      expect(minimal.body.data).toMatchObject({ name: "lab", provider: null, cni: null, underlayMtu: null });
      expect(minimal.body.data.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it("refuses a duplicate name with 409 and writes nothing", async () => {
      const before = await count("clusters");
      const res = await call(clusters.POST, "POST", "/clusters", { body: { name: "prod-east" } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("conflict");
      expect(await count("clusters")).toBe(before);
    });

    it("patches a cluster, null clears a field", async () => {
      const res = await call(clusterItem.PATCH, "PATCH", `/clusters/${clusterId}`, {
        id: clusterId,
        body: { overlayMtu: 1450, provider: null },
      });
      expect(res.status).toBe(200);
      // Fields the patch does not mention are left alone.
      expect(res.body.data).toMatchObject({ overlayMtu: 1450, provider: null, cni: "kube-router", cniMode: "ipip", underlayMtu: 1500 });
    });

    it("filters clusters by name substring, ignoring case", async () => {
      const res = await call(clusters.GET, "GET", "/clusters?q=EAST");
      expect(res.status).toBe(200);
      expect(res.body.data.map((c: Json) => c.name)).toEqual(["prod-east"]);
      expect(res.body.nextCursor).toBeNull();
    });

    it("search wildcards are literal: q=% and q=_ match no cluster named without them (issue 10 item 8)", async () => {
      for (const q of ["%25", "_", "prod_east", "%25east"]) {
        const res = await call(clusters.GET, "GET", `/clusters?q=${q}`);
        expect(res.status, q).toBe(200);
        expect(res.body.data, q).toEqual([]);
      }
    });

    it("a NUL in a body or query, a forged cursor: 400 with the usual body, nothing written (issue 10 item 5)", async () => {
      const before = await count("clusters");
      const nul = await call(clusters.POST, "POST", "/clusters", { rawBody: JSON.stringify({ name: "a\u0000b" }) });
      expect(nul.status).toBe(400);
      expect(nul.body.error.code).toBe("validation_failed");
      expect((await call(clusters.GET, "GET", "/clusters?q=a%00")).status).toBe(400);
      const far = Buffer.from(JSON.stringify(["+275760-09-13T00:00:00.000Z", MISSING])).toString("base64url");
      const cur = await call(clusters.GET, "GET", `/clusters?cursor=${far}`);
      expect(cur.status).toBe(400);
      expect(cur.body.error).toMatchObject({ code: "validation_failed" });
      expect(await count("clusters")).toBe(before);
    });

    it("rejects invalid cluster fields with 400 and the offending paths", async () => {
      const before = await count("clusters");
      const res = await call(clusters.POST, "POST", "/clusters", {
        body: { name: "x", underlayMtu: 100, nodePortRange: "32767-30000", podCidr: "10.0.0.0/33", cni: "flannel2" },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.issues.map((i: Json) => i.path).sort()).toEqual(
        ["cni", "nodePortRange", "podCidr", "underlayMtu"].sort(),
      );
      expect(await count("clusters")).toBe(before);
    });

    it("creates, lists, reads and patches nodes", async () => {
      const a = await call(clusterNodes.POST, "POST", `/clusters/${clusterId}/nodes`, {
        id: clusterId,
        body: { name: "node-a", role: "control-plane", addresses: ["192.168.56.10", "fd00::10"], kernelVersion: "3.10.0-1160.el7.x86_64" },
      });
      expect(a.status).toBe(201);
      expect(a.body.data).toMatchObject({ clusterId, name: "node-a", role: "control-plane", addresses: ["192.168.56.10", "fd00::10"] });
      const b = await call(clusterNodes.POST, "POST", `/clusters/${clusterId}/nodes`, { id: clusterId, body: { name: "node-b" } });
      expect(b.body.data).toMatchObject({ role: "worker", addresses: [], kernelVersion: null });
      const dup = await call(clusterNodes.POST, "POST", `/clusters/${clusterId}/nodes`, { id: clusterId, body: { name: "node-a" } });
      expect(dup.status).toBe(409);
      const listed = await call(clusterNodes.GET, "GET", `/clusters/${clusterId}/nodes`, { id: clusterId });
      expect(listed.body.data.map((n: Json) => n.name)).toEqual(["node-b", "node-a"]);
      const patched = await call(nodeItem.PATCH, "PATCH", `/nodes/${b.body.data.id}`, {
        id: b.body.data.id,
        body: { role: "other", addresses: ["10.0.0.2"] },
      });
      expect(patched.body.data).toMatchObject({ role: "other", addresses: ["10.0.0.2"] });
      const read = await call(nodeItem.GET, "GET", `/nodes/${b.body.data.id}`, { id: b.body.data.id });
      expect(read.body.data).toEqual(patched.body.data);
    });

    it("rejects a bad node address and an unknown cluster", async () => {
      const bad = await call(clusterNodes.POST, "POST", `/clusters/${clusterId}/nodes`, {
        id: clusterId,
        body: { name: "node-c", addresses: ["300.1.1.1"] },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.issues[0].path).toBe("addresses.0");
      const missing = await call(clusterNodes.POST, "POST", `/clusters/${MISSING}/nodes`, { id: MISSING, body: { name: "n" } });
      expect(missing.status).toBe(404);
      const list404 = await call(clusterNodes.GET, "GET", `/clusters/${MISSING}/nodes`, { id: MISSING });
      expect(list404.status).toBe(404);
    });
  });

  describe("incidents", () => {
    let clusterId: string;
    let incidentId: string;

    beforeAll(async () => {
      const c = await call(clusters.POST, "POST", "/clusters", { body: { name: "incidents-cluster" } });
      clusterId = c.body.data.id;
    });

    it("creates an incident with the cluster embedded, version 1, status open", async () => {
      const res = await call(incidents.POST, "POST", "/incidents", {
        body: {
          clusterId,
          title: "NodePort 30080 drops SYNs from some clients",
          severity: "sev2",
          startedAt: "2024-03-01T10:00:00+08:00",
          detectedAt: "2024-03-01T02:05:00Z",
          commander: "li.wei",
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({
        clusterId,
        cluster: { id: clusterId, name: "incidents-cluster" },
        status: "open",
        version: 1,
        startedAt: "2024-03-01T02:00:00.000Z",
        detectedAt: "2024-03-01T02:05:00.000Z",
        mitigatedAt: null,
        resolvedAt: null,
        summary: null,
      });
      incidentId = res.body.data.id;
    });

    it("refuses detectedAt before startedAt with 422", async () => {
      const res = await call(incidents.POST, "POST", "/incidents", {
        body: { title: "t", severity: "sev3", startedAt: "2024-03-01T10:00:00Z", detectedAt: "2024-03-01T09:00:00Z" },
      });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("invalid_transition");
    });

    it("patch bumps the version and cannot change status", async () => {
      const res = await call(incidentItem.PATCH, "PATCH", `/incidents/${incidentId}`, {
        id: incidentId,
        body: { summary: "conntrack table full on node-a", severity: "sev1" },
      });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        version: 2,
        severity: "sev1",
        summary: "conntrack table full on node-a",
        commander: "li.wei",
        detectedAt: "2024-03-01T02:05:00.000Z",
      });
      const status = await call(incidentItem.PATCH, "PATCH", `/incidents/${incidentId}`, {
        id: incidentId,
        body: { status: "resolved" },
      });
      expect(status.status).toBe(400);
      expect(status.body.error.issues[0].path).toBe("status");
    });

    it("patch refuses a startedAt after detectedAt (422) and an unknown cluster (404), writing nothing", async () => {
      const before = await call(incidentItem.GET, "GET", `/incidents/${incidentId}`, { id: incidentId });
      const late = await call(incidentItem.PATCH, "PATCH", `/incidents/${incidentId}`, {
        id: incidentId,
        body: { startedAt: "2024-03-01T03:00:00Z" },
      });
      expect(late.status).toBe(422);
      const ghost = await call(incidentItem.PATCH, "PATCH", `/incidents/${incidentId}`, {
        id: incidentId,
        body: { clusterId: MISSING },
      });
      expect(ghost.status).toBe(404);
      const after = await call(incidentItem.GET, "GET", `/incidents/${incidentId}`, { id: incidentId });
      expect(after.body.data).toEqual(before.body.data);
      const detach = await call(incidentItem.PATCH, "PATCH", `/incidents/${incidentId}`, {
        id: incidentId,
        body: { clusterId: null },
      });
      expect(detach.body.data).toMatchObject({ clusterId: null, cluster: null, version: 3 });
      const attach = await call(incidentItem.PATCH, "PATCH", `/incidents/${incidentId}`, {
        id: incidentId,
        body: { clusterId },
      });
      expect(attach.body.data).toMatchObject({ clusterId, cluster: { id: clusterId, name: "incidents-cluster" }, version: 4 });
    });

    it("moves through statuses, setting and clearing times, logging each change", async () => {
      const m = await call(incidentStatus.POST, "POST", `/incidents/${incidentId}/status`, {
        id: incidentId,
        body: { to: "mitigated", expectedVersion: 4, note: "raised nf_conntrack_max" },
      });
      expect(m.status).toBe(200);
      expect(m.body.data).toMatchObject({ status: "mitigated", version: 5, resolvedAt: null });
      expect(m.body.data.mitigatedAt).not.toBeNull();

      const back = await call(incidentStatus.POST, "POST", `/incidents/${incidentId}/status`, {
        id: incidentId,
        body: { to: "resolved", expectedVersion: 5 },
      });
      expect(back.body.data).toMatchObject({ status: "resolved", version: 6 });
      expect(back.body.data.resolvedAt).not.toBeNull();

      const illegal = await call(incidentStatus.POST, "POST", `/incidents/${incidentId}/status`, {
        id: incidentId,
        body: { to: "mitigated", expectedVersion: 6 },
      });
      expect(illegal.status).toBe(422);

      const reopened = await call(incidentStatus.POST, "POST", `/incidents/${incidentId}/status`, {
        id: incidentId,
        body: { to: "open", expectedVersion: 6 },
      });
      expect(reopened.body.data).toMatchObject({ status: "open", version: 7, mitigatedAt: null, resolvedAt: null });

      const timeline = await call(incidentTimeline.GET, "GET", `/incidents/${incidentId}/timeline`, { id: incidentId });
      expect(timeline.body.data.map((e: Json) => [e.kind, e.body.split("\n")[0]])).toEqual([
        ["status-change", "Status changed from open to mitigated."],
        ["status-change", "Status changed from mitigated to resolved."],
        ["status-change", "Status changed from resolved to open."],
      ]);
      expect(timeline.body.data[0]).toMatchObject({
        author: { id: admin?.id, name: "Li Wei" },
        body: expect.stringContaining("raised nf_conntrack_max"),
      });
    });

    it("of two concurrent status changes from the same version exactly one wins", async () => {
      const created = await call(incidents.POST, "POST", "/incidents", { body: { title: "race", severity: "sev3" } });
      const id = created.body.data.id;
      const [a, b] = await Promise.all([
        call(incidentStatus.POST, "POST", `/incidents/${id}/status`, { id, body: { to: "mitigated", expectedVersion: 1 } }),
        call(incidentStatus.POST, "POST", `/incidents/${id}/status`, { id, body: { to: "resolved", expectedVersion: 1 } }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? a : b;
      const loser = a.status === 200 ? b : a;
      expect(loser.body.error.code).toBe("conflict");
      expect(loser.body.error.current).toMatchObject({ id, version: 2, status: winner.body.data.status });
      const timeline = await call(incidentTimeline.GET, "GET", `/incidents/${id}/timeline`, { id });
      expect(timeline.body.data.filter((e: Json) => e.kind === "status-change")).toHaveLength(1);
    });

    // Deterministic version of the race: another transaction bumps the version after our read but before our
    // UPDATE, so only the guard in the UPDATE's WHERE can catch it (PGlite runs transactions one at a time, so
    // this interleaving exists only on PostgreSQL).
    it.runIf(target.name === "postgresql")("the version guard in the UPDATE catches a change made after the read", async () => {
      const created = await call(incidents.POST, "POST", "/incidents", { body: { title: "guard", severity: "sev3" } });
      const id: string = created.body.data.id;
      await db.withSession(async (other) => {
        await other.exec("BEGIN");
        await other.query(`UPDATE incidents SET version = version + 1, title = 'changed elsewhere' WHERE id = $1`, [id]);
        const pending = call(incidentStatus.POST, "POST", `/incidents/${id}/status`, {
          id,
          body: { to: "mitigated", expectedVersion: 1 },
        });
        // Let the status change read version 1 and block on the row lock held here.
        await new Promise((r) => setTimeout(r, 500));
        await other.exec("COMMIT");
        const res = await pending;
        expect(res.status).toBe(409);
        expect(res.body.error.current).toMatchObject({ version: 2, status: "open", title: "changed elsewhere" });
      });
      const timeline = await call(incidentTimeline.GET, "GET", `/incidents/${id}/timeline`, { id });
      expect(timeline.body.data).toEqual([]);
    });

    it("a stale expectedVersion is 409 with the current incident", async () => {
      const res = await call(incidentStatus.POST, "POST", `/incidents/${incidentId}/status`, {
        id: incidentId,
        body: { to: "mitigated", expectedVersion: 1 },
      });
      expect(res.status).toBe(409);
      expect(res.body.error.current).toMatchObject({ id: incidentId, version: 7, status: "open" });
    });

    it("adds timeline events, refuses status-change kind, pages oldest first", async () => {
      const created = await call(incidents.POST, "POST", "/incidents", { body: { title: "timeline", severity: "sev4" } });
      const id = created.body.data.id;
      const times = ["2024-05-01T00:00:03Z", "2024-05-01T00:00:01Z", "2024-05-01T00:00:02Z"];
      for (const [i, at] of times.entries()) {
        const r = await call(incidentTimeline.POST, "POST", `/incidents/${id}/timeline`, {
          id,
          body: { at, kind: i === 0 ? "key-moment" : "note", body: `event ${at}` },
        });
        expect(r.status).toBe(201);
      }
      const forged = await call(incidentTimeline.POST, "POST", `/incidents/${id}/timeline`, {
        id,
        body: { kind: "status-change", body: "resolved!" },
      });
      expect(forged.status).toBe(400);
      const page1 = await call(incidentTimeline.GET, "GET", `/incidents/${id}/timeline?limit=2`, { id });
      expect(page1.body.data.map((e: Json) => e.at)).toEqual(["2024-05-01T00:00:01.000Z", "2024-05-01T00:00:02.000Z"]);
      expect(page1.body.nextCursor).toEqual(expect.any(String));
      const page2 = await call(incidentTimeline.GET, "GET", `/incidents/${id}/timeline?limit=2&cursor=${page1.body.nextCursor}`, { id });
      expect(page2.body.data.map((e: Json) => [e.at, e.kind])).toEqual([["2024-05-01T00:00:03.000Z", "key-moment"]]);
      expect(page2.body.nextCursor).toBeNull();
    });

    it("lists newest startedAt first with filters and keyset pagination", async () => {
      const other = await call(clusters.POST, "POST", "/clusters", { body: { name: "paging-cluster" } });
      const otherId = other.body.data.id;
      // Two share a startedAt so the id tie-breaker is exercised across a page boundary.
      const starts = ["2025-01-01T00:00:00Z", "2025-01-03T00:00:00Z", "2025-01-02T00:00:00Z", "2025-01-02T00:00:00Z", "2025-01-04T00:00:00Z"];
      const made: Json[] = [];
      for (const [i, startedAt] of starts.entries()) {
        const r = await call(incidents.POST, "POST", "/incidents", {
          body: { title: `paged ${i}`, severity: "sev3", startedAt, clusterId: otherId },
        });
        made.push(r.body.data);
      }
      const expected = [...made]
        .sort((x, y) => (x.startedAt === y.startedAt ? (x.id < y.id ? 1 : -1) : x.startedAt < y.startedAt ? 1 : -1))
        .map((x) => x.title);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `/incidents?clusterId=${otherId}&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
        const r = await call(incidents.GET, "GET", q);
        expect(r.status).toBe(200);
        seen.push(...r.body.data.map((x: Json) => x.title));
        cursor = r.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(expected);
      expect(pages).toBe(3);

      const m = made[4];
      await call(incidentStatus.POST, "POST", `/incidents/${m.id}/status`, { id: m.id, body: { to: "mitigated", expectedVersion: 1 } });
      const mitigated = await call(incidents.GET, "GET", `/incidents?status=mitigated&clusterId=${otherId}`);
      expect(mitigated.body.data.map((x: Json) => x.id)).toEqual([m.id]);
      const open = await call(incidents.GET, "GET", `/incidents?status=open&clusterId=${otherId}&limit=100`);
      expect(open.body.data).toHaveLength(4);
    });

    it("rejects bad list parameters with 400", async () => {
      for (const q of ["?limit=0", "?limit=101", "?limit=abc", "?status=closed", "?clusterId=nope", "?cursor=garbage", "?bogus=1"]) {
        const r = await call(incidents.GET, "GET", `/incidents${q}`);
        expect(r.status, q).toBe(400);
        expect(r.body.error.code, q).toBe("validation_failed");
      }
    });

    it("deleting a cluster keeps its incidents, detached", async () => {
      const c = await call(clusters.POST, "POST", "/clusters", { body: { name: "doomed" } });
      const i = await call(incidents.POST, "POST", "/incidents", { body: { title: "orphan", severity: "sev4", clusterId: c.body.data.id } });
      await db.prisma.cluster.delete({ where: { id: c.body.data.id } });
      const read = await call(incidentItem.GET, "GET", `/incidents/${i.body.data.id}`, { id: i.body.data.id });
      expect(read.body.data).toMatchObject({ clusterId: null, cluster: null });
    });
  });

  describe("bad input writes nothing", () => {
    it("malformed JSON is 400 invalid_json", async () => {
      const before = await count("incidents");
      for (const rawBody of ["{", "", "{'title': 'x'}", "[1,"]) {
        const r = await call(incidents.POST, "POST", "/incidents", { rawBody });
        expect(r.status, rawBody).toBe(400);
        expect(r.body.error.code, rawBody).toBe("invalid_json");
      }
      expect(await count("incidents")).toBe(before);
    });

    it("unknown fields, wrong types, over-long strings are 400 validation_failed", async () => {
      const before = await count("incidents");
      const bodies = [
        { title: "x", severity: "sev1", extra: true },
        { title: 5, severity: "sev1" },
        { title: "x".repeat(201), severity: "sev1" },
        { title: "x", severity: "sev1", summary: "y".repeat(20_001) },
        { title: "x", severity: "sev1", startedAt: "2024-01-01T00:00:00" },
        { title: "   ", severity: "sev1" },
        [],
        "title",
      ];
      for (const body of bodies) {
        const r = await call(incidents.POST, "POST", "/incidents", { body });
        expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
        expect(r.body.error.code).toBe("validation_failed");
      }
      expect(await count("incidents")).toBe(before);
    });

    it("a body over 1 MB is 413", async () => {
      const r = await call(incidents.POST, "POST", "/incidents", {
        body: { title: "x", severity: "sev1", summary: "y".repeat(1_100_000) },
      });
      expect(r.status).toBe(413);
    });

    it("a malformed id is 400, a missing one 404", async () => {
      const before = await count("timeline_events");
      for (const [handler, method, body] of [
        [incidentItem.GET, "GET", undefined],
        [incidentItem.PATCH, "PATCH", { title: "x" }],
        [incidentStatus.POST, "POST", { to: "mitigated", expectedVersion: 1 }],
        [incidentTimeline.POST, "POST", { kind: "note", body: "x" }],
        [clusterItem.GET, "GET", undefined],
        [nodeItem.GET, "GET", undefined],
      ] as const) {
        const bad = await call(handler, method, "/x/not-a-uuid", { id: "not-a-uuid", body });
        expect(bad.status).toBe(400);
        expect(bad.body.error).toMatchObject({ code: "validation_failed", issues: [{ path: "id", message: "must be a UUID" }] });
        const missing = await call(handler, method, `/x/${MISSING}`, { id: MISSING, body });
        expect(missing.status).toBe(404);
        expect(missing.body.error.code).toBe("not_found");
      }
      expect(await count("timeline_events")).toBe(before);
    });

    it("an unexpected failure is a generic 500 without details", async () => {
      const broken = { ...db, prisma: new Proxy(db.prisma, { get: () => { throw new Error("secret internals"); } }) };
      setDatabase(broken as Database);
      const errors: unknown[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => errors.push(args);
      try {
        const r = await call(incidents.GET, "GET", "/incidents");
        expect(r).toEqual({ status: 500, body: { error: { code: "internal", message: "internal error" } } });
        expect(String((errors[0] as unknown[])[1])).toContain("secret internals");
      } finally {
        console.error = original;
        setDatabase(db);
      }
    });
  });
});
