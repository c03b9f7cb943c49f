/**
 * The API campaign, whatever carries the requests (api.ts: HTTP to the production server; api-inproc.test.ts:
 * the route handlers called in process, CI's smoke): actors of every role when the server has accounts, fixtures
 * made through the API itself, then request after request (api-gen.ts) as one of the actors, each answer checked:
 *   - no 5xx, no request left unanswered past `requestMs` (a hang);
 *   - a 4xx carries the error body `{ "error": { "code", "message" } }` as JSON;
 *   - with a `WriteCheck` (a way to run SQL on the server's database), a 4xx wrote nothing: row triggers on
 *     every table note each insert, update and delete in the writing transaction, and the notes are taken after
 *     each request (analysis jobs are waited for after a request that can start one). Left out: rate_limits and
 *     auth_rate_limits (counting attempts is their job), presence, and the updates of sessions and api_tokens
 *     (their last-use times move on any authenticated request).
 * Failing requests are written to `outDir/api-<label>-<seed>-<i>.json` (method, URL, headers, body in base64).
 */
import fs from "node:fs";
import path from "node:path";
import { collectionOf, makeRequest, type Operation, operations } from "./api-gen";
import { rng, TARGETS } from "./targets";
import type { Failure, Row } from "./watchdog";

export type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; ms: number };
export type Sent = { method: string; url: string; headers: Record<string, string>; body?: Uint8Array };
export type Transport = { origin: string; send(req: Sent, timeoutMs: number): Promise<Answer | { error: string }> };
export type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

// ------------------------------------------------------------------ actors

export type Actor = { name: string; role: "admin" | "responder" | "viewer" | "ingest" | "none" | "bogus"; headers: Record<string, string>; cookie: boolean; userId?: string; tokenId?: string };
const RANK: Record<string, number> = { none: 0, bogus: 0, viewer: 1, responder: 2, admin: 3, ingest: -1 };

function cookieOf(a: Answer): string | undefined {
  const raw = a.headers["set-cookie"] ?? [];
  const set = Array.isArray(raw) ? raw : [raw];
  const c = set.map((s) => s.split(";")[0]!).filter((s) => /session_token=/.test(s));
  return c.length ? c.join("; ") : undefined;
}

export function dataOf(a: Answer | { error: string }): Record<string, unknown> | undefined {
  if (!("status" in a)) return undefined;
  try {
    const j = JSON.parse(a.body.toString("utf8")) as { data?: unknown };
    return j && typeof j.data === "object" && j.data !== null ? (j.data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The admin (signed in with `admin`, which the server made at start), a responder and a viewer made through the
 * API, each by session cookie and by personal token, members of `clusterId`'s cluster; its ingest token; a forged
 * token and cookie; and no credential. Without accounts on the server (no POST /api/v1/users): only "none".
 */
export async function makeActors(t: Transport, ops: Operation[], admin: { email: string; password: string }, clusterId: (adminActor: Actor) => Promise<string | undefined>): Promise<Actor[]> {
  const actors: Actor[] = [{ name: "none", role: "none", headers: {}, cookie: false }];
  if (!ops.some((o) => o.path === "/api/v1/users" && o.method === "POST")) return actors;
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    t.send({ method: "POST", url, headers: { "content-type": "application/json", origin: t.origin, ...headers }, body: new TextEncoder().encode(JSON.stringify(body)) }, 30_000);
  const signIn = async (email: string, password: string) => {
    const a = await post("/api/auth/sign-in/email", { email, password });
    const cookie = "status" in a && a.status === 200 ? cookieOf(a) : undefined;
    if (!cookie) throw new Error(`sign-in of ${email} failed: ${"status" in a ? `${a.status} ${a.body.toString().slice(0, 200)}` : a.error}`);
    return cookie;
  };
  const adminCookie = await signIn(admin.email, admin.password);
  const me = dataOf(await t.send({ method: "GET", url: "/api/v1/me", headers: { cookie: adminCookie } }, 30_000));
  const users: Array<{ role: "admin" | "responder" | "viewer"; cookie: string; id?: string }> = [{ role: "admin", cookie: adminCookie, ...(me?.id ? { id: String(me.id) } : {}) }];
  for (const role of ["responder", "viewer"] as const) {
    const email = `fuzz-${role}@example.test`;
    const password = `fuzz-${role}-${Math.random().toString(36).slice(2)}-pw`;
    const id = dataOf(await post("/api/v1/users", { name: `fuzz ${role}`, email, role, password }, { cookie: adminCookie }))?.id;
    users.push({ role, cookie: await signIn(email, password), ...(id ? { id: String(id) } : {}) });
  }
  const cid = await clusterId({ name: "admin (session)", role: "admin", headers: { cookie: adminCookie }, cookie: true });
  for (const u of users) {
    if (cid && u.role !== "admin" && u.id) await post(`/api/v1/clusters/${cid}/members`, { userId: u.id }, { cookie: adminCookie });
    actors.push({ name: `${u.role} (session)`, role: u.role, headers: { cookie: u.cookie }, cookie: true, ...(u.id ? { userId: u.id } : {}) });
    const tok = dataOf(await post("/api/v1/tokens", { name: `fuzz ${u.role}` }, { cookie: u.cookie }));
    if (tok?.token) actors.push({ name: `${u.role} (token)`, role: u.role, headers: { authorization: `Bearer ${String(tok.token)}` }, cookie: false, ...(u.id ? { userId: u.id } : {}), tokenId: String(tok.id) });
  }
  if (cid) {
    const tok = dataOf(await post(`/api/v1/clusters/${cid}/ingest-tokens`, { name: "fuzz agent" }, { cookie: adminCookie }));
    if (tok?.token) actors.push({ name: "ingest token", role: "ingest", headers: { authorization: `Bearer ${String(tok.token)}` }, cookie: false, tokenId: String(tok.id) });
  }
  actors.push({ name: "bogus token", role: "bogus", headers: { authorization: "Bearer nmp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, cookie: false });
  actors.push({ name: "bogus cookie", role: "bogus", headers: { cookie: "netmortem.session_token=forged.signature" }, cookie: true });
  return actors;
}

/** mostly an actor the operation's access admits (x-access), sometimes anyone (401/403 paths must not write either) */
function actorFor(r: () => number, op: Operation, actors: Actor[]): Actor {
  const need = op.access;
  const fit = actors.filter((a) => (need === "public" ? true : need === "ingest" ? a.role === "ingest" : RANK[a.role]! >= RANK[need]! && a.role !== "ingest"));
  const pool = fit.length && r() < 0.8 ? fit : actors;
  return pool[Math.floor(r() * pool.length)]!;
}

// ------------------------------------------------------------------ the write check

export class WriteCheck {
  private log = "";
  constructor(private query: Query, private schema = "public") {}
  /**
   * Every table but those below gets row triggers that note (table, operation) in `_fuzz_writes`, in the
   * writing transaction itself (so only committed writes show, and a rolled-back one does not); `changed()` takes
   * the notes out (`DELETE … RETURNING`: a note committed late, by a transaction that began earlier, is taken next
   * time, not lost). This costs a tiny insert per written row instead of reading every table after every request
   * (the count and max(xmin) of each table, which grew with the campaign: 60 s of a 9-minute campaign, and more as
   * tables filled). Left out: rate_limits and auth_rate_limits (counting attempts is their job), presence (below),
   * and the updates of sessions and api_tokens (their last-use times move on any authenticated request: only their
   * inserts and deletes count).
   */
  async open(): Promise<void> {
    const s = `"${this.schema}"`;
    const t = await this.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1", [this.schema]);
    const countOnly = new Set(["sessions", "api_tokens"]);
    // presence is the bookkeeping of open event streams: joined when one opens, left when the server sees it close,
    // which happens after the request that opened it ended (a campaign saw 59 "4xx that wrote" in 13 413 requests,
    // each the presence row of an earlier events request going away, with its 'presence' event): not a request's write
    const skip = new Set(["rate_limits", "auth_rate_limits", "presence", "_fuzz_writes"]);
    const stmts = [
      `CREATE TABLE IF NOT EXISTS ${s}."_fuzz_writes" (id bigserial PRIMARY KEY, t text NOT NULL, op text NOT NULL)`,
      `CREATE OR REPLACE FUNCTION ${s}."_fuzz_note"() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO ${s}."_fuzz_writes" (t, op) VALUES (TG_TABLE_NAME, TG_OP); RETURN NULL; END $f$`,
    ];
    for (const n of t.map((r) => String(r.table_name)).filter((x) => !skip.has(x))) {
      const on = `${s}."${n}"`;
      const trig = (name: string) => `DROP TRIGGER IF EXISTS "_fuzz_${name}" ON ${on}`;
      const note = `EXECUTE FUNCTION ${s}."_fuzz_note"()`;
      if (n === "incident_events") {
        stmts.push(trig("w"), `CREATE TRIGGER "_fuzz_w" AFTER INSERT OR UPDATE ON ${on} FOR EACH ROW WHEN (NEW.kind <> 'presence') ${note}`);
        stmts.push(trig("d"), `CREATE TRIGGER "_fuzz_d" AFTER DELETE ON ${on} FOR EACH ROW WHEN (OLD.kind <> 'presence') ${note}`);
      } else {
        stmts.push(trig("w"), `CREATE TRIGGER "_fuzz_w" AFTER INSERT OR DELETE${countOnly.has(n) ? "" : " OR UPDATE"} ON ${on} FOR EACH ROW ${note}`);
      }
      stmts.push(trig("t"), `CREATE TRIGGER "_fuzz_t" AFTER TRUNCATE ON ${on} FOR EACH STATEMENT ${note}`);
    }
    for (const q of stmts) await this.query(q);
    this.log = `DELETE FROM ${s}."_fuzz_writes" RETURNING t, op`;
    await this.changed();
  }
  /** the tables written since the last call, as "table OPERATION×rows" */
  async changed(): Promise<string[]> {
    const n = new Map<string, number>();
    for (const r of await this.query(this.log)) n.set(`${String(r.t)} ${String(r.op)}`, (n.get(`${String(r.t)} ${String(r.op)}`) ?? 0) + 1);
    return [...n].sort().map(([k, v]) => `${k}×${v}`);
  }
  async jobsBusy(): Promise<number> {
    const r = await this.query(`SELECT count(*)::int AS n FROM "${this.schema}"."analysis_jobs" WHERE state IN ('queued', 'running')`);
    return Number(r[0]!.n);
  }
}

// ------------------------------------------------------------------ the campaign

export type ApiCampaign = {
  label: string;
  transport: Transport;
  admin: { email: string; password: string };
  seed: number;
  from: number;
  runs: number;
  maxSeconds?: number;
  requestMs?: number;
  progressEverySec?: number;
  /** SQL on the server's database, for the write check (none: not checked) */
  check?: WriteCheck;
  /** whether analysis jobs run beside the server (then waited for before a write check) */
  jobsRun?: boolean;
  outDir?: string;
  log?: (line: string) => void;
};

export type ApiResult = Row & { perOp: Map<string, Map<string, number>>; unsendable: number; spent: { answer: number; check: number; jobs: number }; actors: string[] };

export async function apiCampaign(o: ApiCampaign): Promise<ApiResult> {
  const t = o.transport;
  const requestMs = o.requestMs ?? 30_000;
  const log = o.log ?? ((l: string) => console.error(l));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const failures: Failure[] = [];
  const perOp = new Map<string, Map<string, number>>();
  const spent = { answer: 0, check: 0, jobs: 0 };
  let slowestMs = 0;
  let slowestAt = -1;
  let unsendable = 0;
  let done = 0;

  const ids = new Map<string, string[]>();
  const protectedIds = new Set<string>();
  const pool = (c: string) => (ids.get(c) ?? []).filter((id) => !protectedIds.has(id));
  let evict = 0;
  const remember = (collection: string, id: unknown) => {
    if (typeof id !== "string" || id.length > 100) return;
    let l = ids.get(collection);
    if (!l) ids.set(collection, (l = []));
    if (l.includes(id)) return;
    // the first 16 (fixtures) stay; later ones rotate
    if (l.length >= 64) l.splice(16 + (evict++ % 48), 1);
    l.push(id);
  };
  const collectionOfPath = (template: string) => template.split("/").filter((s) => s && !s.startsWith("{")).pop() ?? "";
  const rawBody = (r: () => number, type: string): Uint8Array => {
    const n = Math.floor(r() * 1e9);
    if (/pcapng/.test(type)) return TARGETS.pcapng!.input(o.seed, n);
    if (/pcap/.test(type)) return TARGETS.capture!.input(o.seed, n);
    if (/text/.test(type)) {
      const s = new TextDecoder().decode(TARGETS.text!.input(o.seed, n));
      return new TextEncoder().encode(s.slice(s.indexOf("\u0000", s.indexOf("\u0000") + 1) + 1));
    }
    return TARGETS.bundle!.input(o.seed, n);
  };

  let actors: Actor[] = [{ name: "none", role: "none", headers: {}, cookie: false }];
  const adminish = () => actors.find((a) => a.role === "admin") ?? actors[0]!;
  const sendAs = (req: Sent, a: Actor, r: () => number) => {
    const headers = { ...req.headers, ...a.headers };
    // a cookie write needs the site's Origin (else 403 cross_site): mostly given, sometimes another or none
    if (a.cookie && req.method !== "GET") {
      const x = r();
      if (x < 0.85) headers.origin = t.origin;
      else if (x < 0.95) headers.origin = "https://evil.example";
    }
    return t.send({ ...req, headers }, requestMs);
  };
  /**
   * Until no analysis job is queued or running and the database has stayed still for 200 ms: a job that failed
   * publishes its event in a transaction after the one that marked it failed (lib/server/jobs/worker.ts).
   */
  const waitJobs = async () => {
    if (!o.check || !o.jobsRun) return;
    const w0 = performance.now();
    for (let k = 0; k < 600; k++) {
      if ((await o.check.jobsBusy()) > 0) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      await o.check.changed();
      await new Promise((r) => setTimeout(r, 200));
      if ((await o.check.changed()).length === 0 && (await o.check.jobsBusy()) === 0) break;
    }
    spent.jobs += performance.now() - w0;
  };

  // the document (it may need a session: then again once there is one), the actors, the fixtures
  const getDoc = async (headers: Record<string, string>) => {
    const a = await t.send({ method: "GET", url: "/api/v1/openapi.json", headers }, requestMs);
    return "status" in a && a.status === 200 ? (JSON.parse(a.body.toString("utf8")) as Record<string, unknown>) : undefined;
  };
  let doc = await getDoc({});
  if (!doc) {
    // the document needs a session (viewer): read it as the admin before the actors are made, so that they are made
    // knowing every operation: the cluster, its members and its ingest token need POST /api/v1/clusters in `ops`
    // (without it, sessions 5-6's campaigns ran with no ingest token and no cluster members)
    const a = await t.send({ method: "POST", url: "/api/auth/sign-in/email", headers: { "content-type": "application/json", origin: t.origin }, body: new TextEncoder().encode(JSON.stringify(o.admin)) }, requestMs);
    const cookie = "status" in a && a.status === 200 ? cookieOf(a) : undefined;
    if (cookie) doc = await getDoc({ cookie });
  }
  let ops: Operation[] = doc ? operations(doc) : [];
  const fixture = async (op: Operation, tries = 10, as?: Actor): Promise<boolean> => {
    for (let k = 0; k < tries; k++) {
      const req = makeRequest(op, o.seed, 1_000_000_000 + k, pool, rawBody, { valid: true });
      const a = await sendAs(req, as ?? (op.access === "ingest" ? actors.find((x) => x.role === "ingest") ?? adminish() : adminish()), () => 0);
      if ("status" in a && a.status < 300) {
        const d = dataOf(a);
        if (d?.id) remember(collectionOfPath(op.path), d.id);
        return true;
      }
    }
    return false;
  };
  const clusterFirst = async (adminActor: Actor) => {
    const c = ops.find((x) => x.method === "POST" && x.path === "/api/v1/clusters");
    if (c) await fixture(c, 30, adminActor);
    return pool("clusters")[0];
  };
  const accounts = async () => {
    actors = await makeActors(t, ops.length ? ops : [{ method: "POST", path: "/api/v1/users", access: "admin", params: [] }], o.admin, clusterFirst);
  };
  try {
    await accounts();
  } catch (e) {
    // a server without accounts has no sign-in; one with them must let the admin in
    if (ops.some((x) => x.path === "/api/v1/users")) throw e;
  }
  if (!doc) {
    doc = await getDoc(adminish().headers);
    if (!doc) throw new Error("GET /api/v1/openapi.json failed, with and without the admin's session");
    ops = operations(doc);
    if (actors.length === 1) await accounts();
  }
  if (actors.length > 1 && ops.some((x) => x.access === "ingest") && !actors.some((a) => a.role === "ingest")) {
    throw new Error("the server has accounts and ingest routes, but no ingest token could be made: the ingest routes would only see 401/403");
  }
  for (const a of actors) {
    if (a.userId) protectedIds.add(a.userId);
    if (a.tokenId) protectedIds.add(a.tokenId);
  }
  // fixtures: every POST whose path ids exist, shallow ones first, twice (nested ones need their parents)
  const posts = ops.filter((x) => x.method === "POST").sort((a, b) => a.path.split("/").length - b.path.split("/").length);
  for (let pass = 0; pass < 2; pass++) {
    for (const p of posts) if (p.params.filter((x) => x.in === "path").every((x) => pool(collectionOf(p.path, x.name)).length)) await fixture(p);
  }
  if (o.check) {
    await o.check.open();
    // the fixtures' analysis jobs are not a request's writes
    await waitJobs();
    await o.check.changed();
  }
  log(`[fuzz] api (${o.label}): ${ops.length} operations, actors: ${actors.map((a) => a.name).join(", ")}; fixtures ${[...ids].map(([k, v]) => `${k}:${v.length}`).join(" ")}`);

  const end = o.from + o.runs;
  const deadline = o.maxSeconds ? t0 + o.maxSeconds * 1000 : Infinity;
  let lastProgress = performance.now();
  for (let i = o.from; i < end && performance.now() < deadline; i++) {
    const r = rng(o.seed ^ 0x1234567, i);
    const op = ops[Math.floor(r() * ops.length)]!;
    const req = makeRequest(op, o.seed, i, pool, rawBody);
    const actor = actorFor(r, op, actors);
    const a0 = performance.now();
    const a = await sendAs(req, actor, r);
    spent.answer += performance.now() - a0;
    done++;
    const fail = (kind: Failure["kind"], message: string) => {
      failures.push({ kind, i, message: `${req.method} ${req.url.slice(0, 160)} as ${actor.name} [${req.notes.join("; ")}]: ${message}` });
      if (o.outDir && failures.length <= 200) {
        fs.mkdirSync(o.outDir, { recursive: true });
        fs.writeFileSync(path.join(o.outDir, `api-${o.label}-${o.seed}-${i}.json`), JSON.stringify({ ...req, actor: actor.name, body: req.body ? Buffer.from(req.body).toString("base64") : undefined, answer: "status" in a ? { status: a.status, body: a.body.toString("utf8").slice(0, 4000) } : a }, null, 1));
      }
    };
    if (!("status" in a)) {
      if (a.error.startsWith("unsendable")) unsendable++;
      else fail("hang", a.error);
      continue;
    }
    if (a.ms > slowestMs) {
      slowestMs = a.ms;
      slowestAt = i;
    }
    const byStatus = perOp.get(req.op) ?? new Map<string, number>();
    perOp.set(req.op, byStatus);
    byStatus.set(String(a.status), (byStatus.get(String(a.status)) ?? 0) + 1);
    if (a.status >= 500) fail("crash", `${a.status} ${a.body.toString("utf8").slice(0, 300)}`);
    else if (a.status >= 400) {
      let okBody = false;
      try {
        const j = JSON.parse(a.body.toString("utf8")) as { error?: { code?: unknown; message?: unknown } };
        okBody = typeof j.error?.code === "string" && typeof j.error.message === "string";
      } catch {
        okBody = false;
      }
      if (!okBody && req.method !== "HEAD") fail("crash", `${a.status} without the error body: ${JSON.stringify(a.body.toString("utf8").slice(0, 200))}`);
      if (o.check) {
        const c0 = performance.now();
        const changed = await o.check.changed();
        spent.check += performance.now() - c0;
        if (changed.length) fail("crash", `${a.status} but the database changed: ${changed.join(", ")}`);
      }
    } else {
      if (a.status < 300) {
        let body: { data?: unknown } | undefined;
        try {
          body = JSON.parse(a.body.toString("utf8")) as { data?: unknown };
        } catch {
          body = undefined;
        }
        const col = collectionOfPath(op.path);
        const d = body?.data;
        if (d && typeof d === "object" && !Array.isArray(d)) remember(col, (d as { id?: unknown }).id);
        if (Array.isArray(d)) for (const x of d.slice(0, 5)) remember(col, (x as { id?: unknown } | null)?.id);
        if (req.method !== "GET" && /evidence|analysis|ingest/.test(req.op)) await waitJobs();
      }
      if (o.check) {
        const c0 = performance.now();
        await o.check.changed();
        spent.check += performance.now() - c0;
      }
    }
    const now = performance.now();
    if (o.progressEverySec && now - lastProgress > o.progressEverySec * 1000) {
      lastProgress = now;
      log(`[fuzz] api (${o.label}): ${done} requests in ${((now - t0) / 60000).toFixed(1)} min (${(done / ((now - t0) / 1000)).toFixed(0)}/s), ${failures.length} failing`);
    }
  }
  // what the last requests started, so the server's log is complete when it is read
  await waitJobs();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return {
    target: `api (${o.label})`, seed: o.seed, from: o.from, runs: done, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, perSecond: done / seconds,
    failures, notReproduced: [], slowestMs, slowestAt, peakRssMb: 0, restarts: 0, perOp, unsendable, spent, actors: actors.map((a) => a.name),
  };
}

/** the answers per operation and status, for the report */
export function statusReport(r: ApiResult): string {
  const lines = [...r.perOp].sort().map(([k, m]) => `  ${k}: ${[...m].sort().map(([s, n]) => `${s}×${n}`).join(" ")}`);
  return `${lines.join("\n")}\n  unsendable (refused by the client's own header checks): ${r.unsendable}\n  time: answers ${(r.spent.answer / 1000).toFixed(0)} s, database checks ${(r.spent.check / 1000).toFixed(0)} s, waiting for analysis jobs ${(r.spent.jobs / 1000).toFixed(0)} s`;
}
