// The route × role test, generated from the route files: every app/**/route.ts method must be made with
// route(policy, handler) (lib/server/http.ts) and have a working request declared in lib/server/auth/route-cases/
// (see ../route-cases.ts). Then, per method: 401 without a credential, 403 for every role and token kind the
// policy excludes, and the declared status for the least role it allows (as a member of the fixture's cluster);
// and for viewer/responder routes with ids in the path, ids of another cluster's objects answer exactly like ids
// that exist nowhere (404, same body).
// Public routes must be on the PUBLIC list below: making a route public is a decision to see in review.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPrisma, setDatabase, type Database } from "../db";
import { openFilesDir, setFilesDir } from "../storage/files";
import type { RouteHandler } from "../http";
import { makeIngestToken, makePersonalToken, makeUser, signedRequest, type Signer, type TestUser } from "../testing/auth";
import { testTargets } from "../testing/databases";
import { ROLES, type Policy, type Role } from "./policy";
import type { RouteCase, RouteCases, RouteFixture, RouteRequest } from "./route-cases";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** Reachable without a session (issue 11): health, the set-up, invitations, /collect.sh. Ingest routes take a token. */
const PUBLIC = new Set(["/api/v1/health", "/api/v1/setup", "/api/v1/invites/accept", "/collect.sh"]);

/** Route files that are not ours to wrap, and why. */
const NOT_WRAPPED: Record<string, string> = {
  "/api/auth/[...all]": "better-auth's endpoints behind the allow-list of lib/server/auth/handler.ts (auth.test.ts)",
  "/api/[...path]": "the 404 of /api paths no route has (notFoundRoute in lib/server/http.ts): it serves nothing",
};

function routeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...routeFiles(p));
    else if (/^route\.(ts|tsx|js|mjs)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** app/api/v1/incidents/[id]/route.ts → /api/v1/incidents/[id] (route groups dropped). */
function patternOf(file: string): string {
  const rel = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
  return `/${rel.filter((s) => !/^\(.*\)$/.test(s)).join("/")}`;
}

interface Endpoint {
  file: string;
  pattern: string;
  method: (typeof METHODS)[number];
  handler: RouteHandler<{ params: Promise<Record<string, string>> }>;
}

const endpoints: Endpoint[] = [];
for (const file of routeFiles(path.join(ROOT, "app"))) {
  const pattern = patternOf(file);
  if (pattern in NOT_WRAPPED) continue;
  const mod = (await import(file)) as Record<string, unknown>;
  for (const method of METHODS) {
    if (typeof mod[method] === "function") endpoints.push({ file: path.relative(ROOT, file), pattern, method, handler: mod[method] as Endpoint["handler"] });
  }
}

const cases: RouteCases = {};
const casesDir = path.join(import.meta.dirname, "route-cases");
for (const f of readdirSync(casesDir).filter((n) => /\.ts$/.test(n) && !n.endsWith(".test.ts")).sort()) {
  const mod = (await import(path.join(casesDir, f))) as { default?: RouteCases };
  for (const [key, c] of Object.entries(mod.default ?? {})) {
    if (key in cases) throw new Error(`route case "${key}" is declared twice (second time in route-cases/${f})`);
    cases[key] = c;
  }
}

function policyOf(e: Endpoint): Policy | undefined {
  return (e.handler as { policy?: Policy }).policy;
}

function describePolicy(p: Policy | undefined): string {
  if (!p) return "NO POLICY";
  if ("public" in p) return "public";
  if ("ingest" in p) return "ingest token";
  return p.role;
}

function fillPath(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_m, name: string) => encodeURIComponent(params[name] ?? "00000000-0000-4000-8000-000000000000"));
}

const PLACEHOLDER = "6f1c2b7e-0000-4000-8000-000000000000";

function placeholderParams(pattern: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of pattern.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)) out[m[1]] = PLACEHOLDER;
  return out;
}

async function send(e: Endpoint, as: Signer, req: RouteRequest, via: "session" | "token" = "session"): Promise<Response> {
  const params = req.params ?? placeholderParams(e.pattern);
  const raw = typeof req.body === "string" || req.body instanceof Uint8Array ? req.body : undefined;
  const request = signedRequest(e.method, `${fillPath(e.pattern, params)}${req.query ? `?${req.query}` : ""}`, {
    as,
    via,
    body: raw === undefined ? req.body : undefined,
    rawBody: raw,
    headers: { ...(req.contentType ? { "content-type": req.contentType } : {}), ...req.headers },
  });
  return e.handler(request, { params: Promise.resolve(params) });
}

function caseTemplate(e: Endpoint): string {
  const params = [...e.pattern.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((m) => `${m[1]}: f.incident.id`);
  return `  "${e.method} ${e.pattern}": {${params.length ? ` params: (f) => ({ ${params.join(", ")} }),` : ""}${e.method === "GET" || e.method === "DELETE" ? "" : " body: { … },"} expect: 200 },`;
}

describe.each(testTargets())("route × role on $name", (target) => {
  let db: Database;
  let dispose: (() => Promise<void>) | undefined;
  let f: RouteFixture;
  let filesDir: string | undefined;

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
    filesDir = mkdtempSync(path.join(tmpdir(), "nm-routes-"));
    setFilesDir(openFilesDir(filesDir));
    const cluster = await db.prisma.cluster.create({ data: { name: "rbac-cluster" } });
    const node = await db.prisma.node.create({ data: { clusterId: cluster.id, name: "rbac-node-1" } });
    const incident = await db.prisma.incident.create({
      data: { clusterId: cluster.id, title: "rbac incident", severity: "sev3", startedAt: new Date() },
    });
    const users = {
      viewer: await makeUser("viewer", { clusters: [cluster.id] }),
      responder: await makeUser("responder", { clusters: [cluster.id] }),
      admin: await makeUser("admin", { clusters: [cluster.id] }),
    };
    const hiddenCluster = await db.prisma.cluster.create({ data: { name: "rbac-hidden" } });
    const hiddenNode = await db.prisma.node.create({ data: { clusterId: hiddenCluster.id, name: "hidden-node" } });
    const hiddenIncident = await db.prisma.incident.create({
      data: { clusterId: hiddenCluster.id, title: "hidden incident", severity: "sev1", startedAt: new Date() },
    });
    await db.prisma.timelineEvent.create({ data: { incidentId: hiddenIncident.id, kind: "note", body: "hidden note" } });
    f = {
      hidden: { cluster: { id: hiddenCluster.id }, node: { id: hiddenNode.id }, incident: { id: hiddenIncident.id } },
      cluster: { id: cluster.id, name: cluster.name },
      node: { id: node.id, name: node.name },
      incident: { id: incident.id },
      users,
      ingest: await makeIngestToken(cluster.id, users.admin.id),
    };
  });
  afterAll(async () => {
    setDatabase(undefined);
    setFilesDir(undefined);
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
    await dispose?.();
  });

  it("finds the route files (and this list is not empty)", () => {
    expect(endpoints.length).toBeGreaterThan(10);
  });

  it("every declared case names an existing route", () => {
    const known = new Set(endpoints.map((e) => `${e.method} ${e.pattern}`));
    const stale = Object.keys(cases).filter((k) => !known.has(k));
    expect(stale, "route cases for routes that do not exist (renamed or removed?)").toEqual([]);
  });

  for (const e of endpoints) {
    const key = `${e.method} ${e.pattern}`;
    const policy = policyOf(e);
    it(`${key} [${describePolicy(policy)}]`, async () => {
      expect(
        policy,
        `${e.file} exports ${e.method} without a policy: make it with route({ role: "viewer" | "responder" | "admin" } | { ingest: true } | { public: true }, handler) from lib/server/http.ts`,
      ).toBeDefined();
      const c: RouteCase | undefined = cases[key];
      expect(
        c,
        `${key} has no working request for the route × role test: add to a file in lib/server/auth/route-cases/ (see route-cases.ts):\n${caseTemplate(e)}`,
      ).toBeDefined();
      if (!policy || !c) return;
      const base: RouteRequest = { body: c.body, contentType: c.contentType, query: c.query, headers: c.headers, params: c.params?.(f) };

      if ("public" in policy) {
        expect(PUBLIC.has(e.pattern), `${e.pattern} is public but not on the PUBLIC list of routes.test.ts; add it there if it must be reachable without a session`).toBe(true);
        const req = c.setup ? { ...base, ...(await c.setup(f, null)) } : base;
        const res = await send(e, null, req);
        expect(res.status, `${key} anonymously: ${await res.clone().text()}`).toBe(c.expect);
        return;
      }

      const anon = await send(e, null, base);
      expect(anon.status, `${key} without a credential`).toBe(401);
      expect(((await anon.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");

      if ("ingest" in policy) {
        for (const role of ROLES) {
          for (const via of ["session", "token"] as const) {
            const res = await send(e, f.users[role], base, via);
            expect(res.status, `${key} as ${role} (${via}): an ingest route takes only an ingest token`).toBe(403);
          }
        }
        const req = c.setup ? { ...base, ...(await c.setup(f, null)) } : base;
        const res = await send(e, { token: f.ingest.token }, req);
        expect(res.status, `${key} with the cluster's ingest token: ${await res.clone().text()}`).toBe(c.expect);

        // Cluster A's token aimed at cluster B's objects: refused like a missing id, and B is left as it was.
        expect(c.foreign, `${key}: an ingest route needs \`foreign\` in its route case (the request aimed at f.hidden)`).toBeDefined();
        if (!c.foreign) return;
        const { expect: foreignStatus, ...foreign } = await c.foreign(f);
        const before = await hiddenState(f);
        const other = await send(e, { token: f.ingest.token }, { ...base, ...foreign });
        const otherText = await other.text();
        expect(other.status, `${key} with cluster A's token on cluster B's objects: ${otherText}`).toBe(foreignStatus);
        expect(await hiddenState(f), `${key} with cluster A's token changed cluster B`).toEqual(before);
        const ids = Object.values(foreign.params ?? {});
        if (foreignStatus === 404 && ids.length > 0) {
          const missing = Object.fromEntries(Object.keys(foreign.params!).map((n) => [n, randomUUID()]));
          const none = await send(e, { token: f.ingest.token }, { ...base, ...foreign, params: missing });
          const scrub = (text: string, m: Record<string, string>) => Object.values(m).reduce((t, id) => t.replaceAll(id, "<id>"), text);
          expect({ status: other.status, body: scrub(otherText, foreign.params!) }, `${key}: cluster B's object must look exactly like a missing one`).toEqual({
            status: none.status,
            body: scrub(await none.text(), missing),
          });
        }
        return;
      }

      const needed: Role = policy.role;
      const ingestRes = await send(e, { token: f.ingest.token }, base);
      expect(ingestRes.status, `${key} with an ingest token`).toBe(403);
      for (const role of ROLES.slice(0, ROLES.indexOf(needed))) {
        for (const via of ["session", "token"] as const) {
          const res = await send(e, f.users[role], base, via);
          expect(res.status, `${key} as ${role} (${via}) must be refused: it needs ${needed}`).toBe(403);
        }
      }
      const as: TestUser = f.users[needed];
      const req = c.setup ? { ...base, ...(await c.setup(f, as)) } : base;
      const res = await send(e, as, req);
      expect(res.status, `${key} as ${needed}: ${await res.clone().text()}`).toBe(c.expect);

      // Scoping: admins see everything; below admin, another cluster's ids are "not found" like missing ones.
      const names = paramNames(e.pattern);
      if (needed === "admin" || names.length === 0) return;
      const hidden = c.hidden ? await c.hidden(f) : await autoHidden(e.pattern, f);
      expect(
        hidden,
        `${key} has path parameters the scoping check cannot fill: add \`hidden: (f) => ({ ${names.map((n) => `${n}: …`).join(", ")} })\` to its route case (ids of something a member of f.cluster may not see, e.g. a child of f.hidden.incident)`,
      ).toBeDefined();
      if (!hidden) return;
      const missing = Object.fromEntries(names.map((n) => [n, hidden[n] === req.params?.[n] ? hidden[n] : randomUUID()]));
      const seen = await send(e, as, { ...req, params: hidden });
      const none = await send(e, as, { ...req, params: missing });
      const scrub = (text: string, ids: Record<string, string>) =>
        Object.values(ids).reduce((t, id) => t.replaceAll(id, "<id>"), text);
      const seenText = scrub(await seen.text(), hidden);
      const noneText = scrub(await none.text(), missing);
      expect(seen.status, `${key} as ${needed} with ids of another cluster's objects: ${seenText}`).toBe(404);
      expect({ status: seen.status, body: seenText }, `${key}: another cluster's object must look exactly like a missing one`).toEqual({
        status: none.status,
        body: noneText,
      });
    });
  }
});

/** What an ingest token of another cluster could have touched in f.hidden. */
async function hiddenState(f: RouteFixture): Promise<unknown> {
  const prisma = await getPrisma();
  const [evidence, snapshots, requests, links, nodes] = await Promise.all([
    prisma.evidenceItem.findMany({ where: { OR: [{ clusterId: f.hidden.cluster.id }, { incidentId: f.hidden.incident.id }] }, orderBy: { id: "asc" } }),
    prisma.nodeSnapshot.count({ where: { node: { clusterId: f.hidden.cluster.id } } }),
    prisma.captureRequest.findMany({ where: { nodeId: f.hidden.node.id }, orderBy: { id: "asc" } }),
    prisma.incidentNode.count({ where: { incidentId: f.hidden.incident.id } }),
    prisma.node.findMany({ where: { clusterId: f.hidden.cluster.id }, orderBy: { id: "asc" } }),
  ]);
  return JSON.parse(JSON.stringify({ evidence, snapshots, requests, links, nodes }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
}

function paramNames(pattern: string): string[] {
  return [...pattern.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((m) => m[1]);
}

/** `[id]` right after incidents/, clusters/, nodes/ or tokens/; undefined when the route has any other parameter. */
async function autoHidden(pattern: string, f: RouteFixture): Promise<Record<string, string> | undefined> {
  const segments = pattern.split("/");
  const out: Record<string, string> = {};
  for (const [i, seg] of segments.entries()) {
    const m = /^\[([^\]]+)\]$/.exec(seg);
    if (!m) continue;
    if (m[1] !== "id") return undefined;
    const collection = segments[i - 1];
    if (collection === "incidents") out.id = f.hidden.incident.id;
    else if (collection === "clusters") out.id = f.hidden.cluster.id;
    else if (collection === "nodes") out.id = f.hidden.node.id;
    else if (collection === "tokens") out.id = (await makePersonalToken(f.users.admin.id)).id;
    else return undefined;
  }
  return out;
}
