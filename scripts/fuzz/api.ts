/**
 * The API target: `npm run fuzz -- --target api --db pglite|postgresql --runs N [--port 3150]`.
 *
 * Starts the production server (`.next` must be built: `npm run build`) on 127.0.0.1 with a fresh embedded
 * database (a temporary NETMORTEM_DATA_DIR) or a fresh schema of PostgreSQL (FUZZ_DATABASE_URL, default
 * postgresql://netmortem_ci:netmortem_ci@127.0.0.1:5432/nm_hardening), reads GET /api/v1/openapi.json, makes an
 * admin (NETMORTEM_ADMIN_*), a responder and a viewer (each by session cookie and by personal token) and a
 * cluster ingest token when the server has accounts, makes fixtures through the API itself (a valid request of
 * every POST operation until it succeeds, so path ids point at real objects), then sends request after request
 * (api-gen.ts: every operation, every field) as one of the actors, and checks each answer:
 *   - no 5xx, and no request left unanswered past --request-ms (a hang);
 *   - a 4xx carries the error body `{ "error": { "code", "message" } }` as JSON;
 *   - a 4xx wrote nothing: on PostgreSQL every table's row count and newest row version (max xmin: inserts,
 *     updates and deletes all show) is read through the database after each request and compared with the one
 *     before (background analysis jobs are waited for after each request that can start one). Tables of the
 *     bookkeeping a refused request does by design are left out: rate_limits and auth_rate_limits (counting
 *     attempts), and only the row counts of sessions and api_tokens are compared (their last-use times move).
 *     On PGlite the database belongs to the server process, so this check needs PostgreSQL.
 * The server's own log is kept and scanned for errors at the end. Failing requests are written to
 * .fuzz/api-<db>-<seed>-<i>.json (method, URL, headers, body as base64) to replay.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type ApiRequest, collectionOf, makeRequest, type Operation, operations } from "./api-gen";
import { rng, TARGETS } from "./targets";
import { FUZZ_DIR, REPO_ROOT, type Failure, type Row } from "./watchdog";

type Options = { seed: number; from: number; runs: number; maxSeconds?: number; progressEverySec: number; args: string[] };
type Answer = { status: number; headers: http.IncomingHttpHeaders; body: Buffer; ms: number };

const opt = (args: string[], name: string, dflt: string) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return dflt;
  return args[i]!.includes("=") ? args[i]!.slice(args[i]!.indexOf("=") + 1) : args[i + 1] ?? dflt;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function send(base: URL, req: { method: string; url: string; headers: Record<string, string>; body?: Uint8Array }, timeoutMs: number): Promise<Answer | { error: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let r: http.ClientRequest;
    try {
      r = http.request({ host: base.hostname, port: base.port, method: req.method, path: req.url, headers: { ...req.headers, ...(req.body ? { "content-length": String(req.body.length) } : {}) }, agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        if (String(res.headers["content-type"] ?? "").startsWith("text/event-stream")) {
          // a live event stream never ends by itself: its first second is its answer
          setTimeout(() => {
            res.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - t0 });
          }, 1000);
        }
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - t0 }));
        res.on("error", (e) => resolve({ error: `response: ${e.message}` }));
      });
    } catch (e) {
      // a header value Node itself refuses to send: not a request the server can get
      resolve({ error: `unsendable: ${(e as Error).message}` });
      return;
    }
    r.on("timeout", () => {
      r.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    r.on("error", (e) => resolve({ error: e.message }));
    r.end(req.body ? Buffer.from(req.body) : undefined);
  });
}

// ------------------------------------------------------------------ the server

type Server = { base: URL; child: ChildProcess; log: string; stop(): Promise<void>; databaseUrl?: string; schema?: string };

async function startServer(db: "pglite" | "postgresql", port: number, admin: { email: string; password: string }): Promise<Server> {
  if (!fs.existsSync(path.join(REPO_ROOT, ".next", "BUILD_ID"))) throw new Error("no production build: run `npm run build` first");
  const env: NodeJS.ProcessEnv = {
    ...process.env, PORT: String(port), HOSTNAME: "127.0.0.1", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1",
    NETMORTEM_ADMIN_EMAIL: admin.email, NETMORTEM_ADMIN_PASSWORD: admin.password, NETMORTEM_BASE_URL: `http://127.0.0.1:${port}`,
  };
  delete env.DATABASE_URL;
  let dataDir: string | undefined;
  let databaseUrl: string | undefined;
  let schema: string | undefined;
  if (db === "pglite") {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nm-fuzz-api-"));
    env.NETMORTEM_DATA_DIR = path.join(dataDir, "pglite");
    env.NETMORTEM_FILES_DIR = path.join(dataDir, "files");
  } else {
    const url = new URL(process.env.FUZZ_DATABASE_URL ?? "postgresql://netmortem_ci:netmortem_ci@127.0.0.1:5432/nm_hardening");
    schema = `fuzz_${process.pid}_${Date.now() % 1e6}`;
    await ensureDatabase(url, schema);
    url.searchParams.set("schema", schema);
    databaseUrl = url.toString();
    env.DATABASE_URL = databaseUrl;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nm-fuzz-api-"));
    env.NETMORTEM_FILES_DIR = path.join(dataDir, "files");
  }
  const log = path.join(FUZZ_DIR, `api-${db}-server-${process.pid}.log`);
  fs.mkdirSync(FUZZ_DIR, { recursive: true });
  const out = fs.openSync(log, "w");
  const child = spawn(process.execPath, [path.join(REPO_ROOT, "scripts/start.mjs")], { cwd: REPO_ROOT, env, stdio: ["ignore", out, out], detached: false });
  const base = new URL(`http://127.0.0.1:${port}`);
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          child.kill("SIGKILL");
          r();
        }, 20_000);
        child.once("exit", () => {
          clearTimeout(t);
          r();
        });
      });
    }
    fs.closeSync(out);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (databaseUrl && schema) {
      const c = new pg.Client({ connectionString: databaseUrl.replace(/\?.*$/, "") });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    }
  };
  const t0 = performance.now();
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited (${child.exitCode}): ${fs.readFileSync(log, "utf8").slice(-500)}`);
    }
    const a = await send(base, { method: "GET", url: "/api/v1/health", headers: {} }, 5000);
    if ("status" in a && a.status === 200) break;
    if (performance.now() - t0 > 180_000) {
      await stop();
      throw new Error(`the server did not answer /api/v1/health within 180 s; see ${log}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { base, child, log, stop, ...(databaseUrl ? { databaseUrl } : {}), ...(schema ? { schema } : {}) };
}

async function ensureDatabase(url: URL, schema: string): Promise<void> {
  const name = url.pathname.slice(1);
  const admin = new URL(url.toString());
  admin.pathname = "/postgres";
  admin.search = "";
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  const has = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (has.rowCount === 0) await c.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
  await c.end();
  const plain = new URL(url.toString());
  plain.search = "";
  const d = new pg.Client({ connectionString: plain.toString() });
  await d.connect();
  await d.query(`CREATE SCHEMA "${schema}"`);
  await d.end();
}

// ------------------------------------------------------------------ actors

type Actor = { name: string; role: "admin" | "responder" | "viewer" | "ingest" | "none" | "bogus"; headers: Record<string, string>; cookie: boolean; userId?: string; tokenId?: string };
const RANK: Record<string, number> = { none: 0, bogus: 0, viewer: 1, responder: 2, admin: 3, ingest: -1 };

function cookieOf(a: Answer): string | undefined {
  const set = a.headers["set-cookie"] ?? [];
  const c = set.map((s) => s.split(";")[0]!).filter((s) => /session_token=/.test(s));
  return c.length ? c.join("; ") : undefined;
}

function dataOf(a: Answer | { error: string }): Record<string, unknown> | undefined {
  if (!("status" in a)) return undefined;
  try {
    const j = JSON.parse(a.body.toString("utf8")) as { data?: unknown };
    return j && typeof j.data === "object" && j.data !== null ? (j.data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function makeActors(base: URL, ops: Operation[], admin: { email: string; password: string }, clusterId: () => Promise<string | undefined>): Promise<Actor[]> {
  const actors: Actor[] = [{ name: "none", role: "none", headers: {}, cookie: false }];
  const hasAuth = ops.some((o) => o.path === "/api/v1/users" && o.method === "POST");
  if (!hasAuth) {
    // no accounts on this server yet: every route is open
    return actors;
  }
  const origin = base.origin;
  const json = (body: unknown, extra: Record<string, string> = {}) => ({ "content-type": "application/json", origin, ...extra, body: JSON.stringify(body) });
  const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const { body: b, ...h } = json(body, headers);
    return send(base, { method: "POST", url, headers: h, body: new TextEncoder().encode(b) }, 30_000);
  };
  const signIn = async (email: string, password: string) => {
    const a = await post("/api/auth/sign-in/email", { email, password });
    if (!("status" in a) || a.status !== 200) throw new Error(`sign-in of ${email} failed: ${"status" in a ? `${a.status} ${a.body.toString().slice(0, 200)}` : a.error}`);
    return cookieOf(a)!;
  };
  const adminCookie = await signIn(admin.email, admin.password);
  const me = dataOf(await send(base, { method: "GET", url: "/api/v1/me", headers: { cookie: adminCookie } }, 30_000));
  const users: Array<{ role: "admin" | "responder" | "viewer"; cookie: string; id?: string }> = [{ role: "admin", cookie: adminCookie, ...(me?.id ? { id: String(me.id) } : {}) }];
  for (const role of ["responder", "viewer"] as const) {
    const email = `fuzz-${role}@example.test`;
    const password = `fuzz-${role}-${Math.random().toString(36).slice(2)}-pw`;
    const made = await post("/api/v1/users", { name: `fuzz ${role}`, email, role, password }, { cookie: adminCookie });
    const id = dataOf(made)?.id;
    users.push({ role, cookie: await signIn(email, password), ...(id ? { id: String(id) } : {}) });
  }
  const cid = await clusterId();
  for (const u of users) {
    if (cid && u.role !== "admin" && u.id) await post(`/api/v1/clusters/${cid}/members`, { userId: u.id }, { cookie: adminCookie });
    actors.push({ name: `${u.role} (session)`, role: u.role, headers: { cookie: u.cookie }, cookie: true, ...(u.id ? { userId: u.id } : {}) });
    const t = dataOf(await post("/api/v1/tokens", { name: `fuzz ${u.role}` }, { cookie: u.cookie }));
    if (t?.token) actors.push({ name: `${u.role} (token)`, role: u.role, headers: { authorization: `Bearer ${String(t.token)}` }, cookie: false, ...(u.id ? { userId: u.id } : {}), tokenId: String(t.id) });
  }
  if (cid) {
    const t = dataOf(await post(`/api/v1/clusters/${cid}/ingest-tokens`, { name: "fuzz agent" }, { cookie: adminCookie }));
    if (t?.token) actors.push({ name: "ingest token", role: "ingest", headers: { authorization: `Bearer ${String(t.token)}` }, cookie: false, tokenId: String(t.id) });
  }
  actors.push({ name: "bogus token", role: "bogus", headers: { authorization: "Bearer nmp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, cookie: false });
  actors.push({ name: "bogus cookie", role: "bogus", headers: { cookie: "netmortem.session_token=forged.signature" }, cookie: true });
  return actors;
}

function actorFor(r: () => number, op: Operation, actors: Actor[]): Actor {
  const need = op.access;
  const fit = actors.filter((a) => (need === "public" ? true : need === "ingest" ? a.role === "ingest" : RANK[a.role]! >= RANK[need]! && a.role !== "ingest"));
  const pool = fit.length && r() < 0.8 ? fit : actors;
  return pool[Math.floor(r() * pool.length)]!;
}

/** the peak RSS (VmHWM) of the Next server: the child of scripts/start.mjs */
function serverPeak(startPid: number | undefined): number {
  if (!startPid) return 0;
  let peak = 0;
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/status`, "utf8");
      if (new RegExp(`^PPid:\\s+${startPid}$`, "m").test(st)) peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(st)?.[1] ?? 0) / 1024);
    } catch {
      // gone
    }
  }
  return peak;
}

// ------------------------------------------------------------------ the write check (PostgreSQL)

class WriteCheck {
  private client: pg.Client;
  private sql = "";
  private last = new Map<string, string>();
  constructor(private databaseUrl: string, private schema: string) {
    this.client = new pg.Client({ connectionString: databaseUrl.replace(/\?.*$/, "") });
  }
  async open(): Promise<void> {
    await this.client.connect();
    const t = await this.client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1", [this.schema]);
    const countOnly = new Set(["sessions", "api_tokens"]);
    const skip = new Set(["rate_limits", "auth_rate_limits"]);
    const q = (n: string) => `"${this.schema}"."${n}"`;
    const parts = t.rows.map((r) => r.table_name).filter((n) => !skip.has(n)).map((n) => countOnly.has(n)
      ? `SELECT '${n}' AS t, count(*)::text AS v FROM ${q(n)}`
      : `SELECT '${n}' AS t, count(*)::text || '/' || coalesce(max(xmin::text::bigint), 0)::text AS v FROM ${q(n)}`);
    this.sql = parts.join(" UNION ALL ");
    this.last = await this.snapshot();
  }
  async snapshot(): Promise<Map<string, string>> {
    const r = await this.client.query<{ t: string; v: string }>(this.sql);
    return new Map(r.rows.map((x) => [x.t, x.v]));
  }
  /** the tables that changed since the last call */
  async changed(): Promise<string[]> {
    const now = await this.snapshot();
    const out = [...now].filter(([t, v]) => this.last.get(t) !== v).map(([t, v]) => `${t} ${this.last.get(t)} → ${v}`);
    this.last = now;
    return out;
  }
  async jobsBusy(): Promise<number> {
    const r = await this.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${this.schema}"."analysis_jobs" WHERE state IN ('queued', 'running')`);
    return r.rows[0]!.n;
  }
  async close(): Promise<void> {
    await this.client.end();
  }
}

// ------------------------------------------------------------------ the campaign

export async function fuzzApi(o: Options): Promise<Row> {
  const db = opt(o.args, "db", "pglite") as "pglite" | "postgresql";
  const port = Number(opt(o.args, "port", "3150"));
  const requestMs = Number(opt(o.args, "request-ms", "30000"));
  const admin = { email: "fuzz-admin@example.test", password: `fuzz-admin-${Math.random().toString(36).slice(2)}-pw` };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const server = await startServer(db, port, admin);
  const failures: Failure[] = [];
  const perOp = new Map<string, Map<string, number>>();
  let slowestMs = 0;
  let slowestAt = -1;
  let unsendable = 0;
  let done = 0;
  const spent = { answer: 0, check: 0, jobs: 0 };
  let check: WriteCheck | undefined;
  let serverPeakMb = 0;
  try {
    const docAnswer = await send(server.base, { method: "GET", url: "/api/v1/openapi.json", headers: {} }, 30_000);
    let doc: Record<string, unknown> | undefined;
    if ("status" in docAnswer && docAnswer.status === 200) doc = JSON.parse(docAnswer.body.toString("utf8"));
    // the document may need a session (auth): fetched again once there is one
    const ids = new Map<string, string[]>();
    const protectedIds = new Set<string>();
    const pool = (c: string) => (ids.get(c) ?? []).filter((id) => !protectedIds.has(id));
    const remember = (collection: string, id: unknown) => {
      if (typeof id !== "string" || id.length > 100) return;
      let l = ids.get(collection);
      if (!l) ids.set(collection, (l = []));
      if (l.includes(id)) return;
      if (l.length >= 64) l.splice(16 + Math.floor(Math.random() * 48), 1);
      l.push(id);
    };
    const collectionOfUrl = (template: string) => template.split("/").filter((s) => s && !s.startsWith("{")).pop() ?? "";
    let ops: Operation[] = doc ? operations(doc) : [];
    const rawBody = (r: () => number, type: string): Uint8Array => {
      const n = Math.floor(r() * 1e9);
      if (/pcapng/.test(type)) return TARGETS.pcapng!.input(o.seed, n);
      if (/pcap/.test(type)) return TARGETS.capture!.input(o.seed, n);
      if (/text/.test(type)) {
        const t = new TextDecoder().decode(TARGETS.text!.input(o.seed, n));
        return new TextEncoder().encode(t.slice(t.indexOf("\u0000", t.indexOf("\u0000") + 1) + 1));
      }
      return TARGETS.bundle!.input(o.seed, n);
    };
    // a cluster first (actors become its members, the ingest token is its own)
    let actors: Actor[] = [{ name: "none", role: "none", headers: {}, cookie: false }];
    const sendAs = (req: ApiRequest | { method: string; url: string; headers: Record<string, string>; body?: Uint8Array }, a: Actor, r: () => number) => {
      const headers = { ...req.headers, ...a.headers };
      // cookie writes need the site's Origin (else 403 cross_site): mostly given, sometimes another or none
      if (a.cookie && req.method !== "GET") {
        const x = r();
        if (x < 0.85) headers.origin = server.base.origin;
        else if (x < 0.95) headers.origin = "https://evil.example";
      }
      return send(server.base, { ...req, headers }, requestMs);
    };
    const adminish = () => actors.find((a) => a.role === "admin") ?? actors[0]!;
    const fixture = async (op: Operation, tries = 30): Promise<boolean> => {
      for (let k = 0; k < tries; k++) {
        const req = makeRequest(op, o.seed, 1_000_000_000 + k, pool, rawBody, { valid: true });
        const a = await sendAs(req, op.access === "ingest" ? actors.find((x) => x.role === "ingest") ?? adminish() : adminish(), () => 0);
        if ("status" in a && a.status < 300) {
          const d = dataOf(a);
          if (d?.id) remember(collectionOfUrl(op.path), d.id);
          return true;
        }
      }
      return false;
    };
    // accounts first, when the server has them (the document itself may need a session)
    const clusterOp = () => ops.find((x) => x.method === "POST" && x.path === "/api/v1/clusters");
    const adminCookieActors = async () => {
      actors = await makeActors(server.base, ops.length ? ops : [{ method: "POST", path: "/api/v1/users", access: "admin", params: [] }], admin, async () => {
        const c = clusterOp();
        if (c) await fixture(c);
        return pool("clusters")[0];
      });
    };
    try {
      await adminCookieActors();
    } catch (e) {
      if (ops.some((x) => x.path === "/api/v1/users")) throw e;
    }
    if (!doc) {
      const a = await send(server.base, { method: "GET", url: "/api/v1/openapi.json", headers: adminish().headers }, 30_000);
      if (!("status" in a) || a.status !== 200) throw new Error("GET /api/v1/openapi.json failed");
      doc = JSON.parse(a.body.toString("utf8"));
      ops = operations(doc!);
      if (actors.length === 1) await adminCookieActors();
    }
    for (const a of actors) {
      if (a.userId) protectedIds.add(a.userId);
      if (a.tokenId) protectedIds.add(a.tokenId);
    }
    // fixtures: every POST without path ids, then those whose ids now exist (twice: nested ones)
    const posts = ops.filter((x) => x.method === "POST").sort((a, b) => a.path.split("/").length - b.path.split("/").length);
    for (let pass = 0; pass < 2; pass++) for (const p of posts) if (p.params.filter((x) => x.in === "path").every((x) => pool(collectionOf(p.path, x.name)).length)) await fixture(p, 10);
    for (const a of actors) if (a.userId) protectedIds.add(a.userId);
    if (server.databaseUrl && server.schema) {
      check = new WriteCheck(server.databaseUrl, server.schema);
      await check.open();
      // the fixtures' analysis jobs first: their writes are not a request's
      for (let k = 0; k < 1200 && (await check.jobsBusy()) > 0; k++) await new Promise((r) => setTimeout(r, 100));
      await check.changed();
    }
    const waitJobs = async (req: ApiRequest) => {
      if (req.method === "GET" || !/evidence|analysis|ingest/.test(req.op)) return;
      const w0 = performance.now();
      for (let k = 0; k < 600; k++) {
        if (check) {
          if ((await check.jobsBusy()) === 0) break;
        } else break;
        await new Promise((r) => setTimeout(r, 100));
      }
      spent.jobs += performance.now() - w0;
    };
    const end = o.from + o.runs;
    const deadline = o.maxSeconds ? t0 + o.maxSeconds * 1000 : Infinity;
    let lastProgress = performance.now();
    console.error(`[fuzz] api (${db}): ${ops.length} operations, ${actors.length} actors (${actors.map((a) => a.name).join(", ")}), fixtures ${[...ids].map(([k, v]) => `${k}:${v.length}`).join(" ")}; server log ${server.log}`);
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
        if (failures.length <= 200) fs.writeFileSync(path.join(FUZZ_DIR, `api-${db}-${o.seed}-${i}.json`), JSON.stringify({ ...req, actor: actor.name, body: req.body ? Buffer.from(req.body).toString("base64") : undefined, answer: "status" in a ? { status: a.status, body: a.body.toString("utf8").slice(0, 4000) } : a }, null, 1));
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
        if (!okBody) fail("crash", `${a.status} without the error body: ${JSON.stringify(a.body.toString("utf8").slice(0, 200))}`);
        if (check) {
          const c0 = performance.now();
          const changed = await check.changed();
          spent.check += performance.now() - c0;
          if (changed.length) fail("crash", `${a.status} but the database changed: ${changed.join(", ")}`);
        }
      } else if (a.status < 300) {
        const d = dataOf(a);
        const col = collectionOfUrl(op.path);
        if (d && typeof d.id === "string") remember(col, d.id);
        if (req.method === "GET" && Array.isArray((JSON.parse(a.body.toString("utf8")) as { data?: unknown }).data)) for (const x of (JSON.parse(a.body.toString("utf8")) as { data: Array<{ id?: unknown }> }).data.slice(0, 5)) remember(col, x?.id);
        await waitJobs(req);
        const c0 = performance.now();
        if (check) await check.changed();
        spent.check += performance.now() - c0;
      } else if (check) await check.changed();
      const now = performance.now();
      if (now - lastProgress > o.progressEverySec * 1000) {
        lastProgress = now;
        console.error(`[fuzz] api (${db}): ${done} requests in ${((now - t0) / 60000).toFixed(1)} min (${(done / ((now - t0) / 1000)).toFixed(0)}/s), ${failures.length} failing`);
      }
    }
    if (check) {
      // what the last requests started: wait, so the server's log below is complete
      for (let k = 0; k < 600 && (await check.jobsBusy()) > 0; k++) await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    if (check) await check.close();
    agent.destroy();
    serverPeakMb = serverPeak(server.child.pid);
    await server.stop();
  }
  // the server's own account of what went wrong
  const logText = fs.readFileSync(server.log, "utf8");
  const errors = logText.split("\n").filter((l) => /⨯|Unhandled|uncaught|TypeError|RangeError|ReferenceError|FATAL|\[error\]/i.test(l));
  for (const e of errors.slice(0, 20)) failures.push({ kind: "crash", i: -1, message: `server log: ${e.slice(0, 300)}` });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const report = [...perOp].sort().map(([k, m]) => `  ${k}: ${[...m].sort().map(([s, n]) => `${s}×${n}`).join(" ")}`).join("\n");
  fs.writeFileSync(path.join(FUZZ_DIR, `api-${db}-${o.seed}-statuses.txt`), `${report}\nunsendable (refused by Node's own header checks): ${unsendable}\n`);
  console.error(`[fuzz] api (${db}) answers per operation:\n${report}\n  unsendable: ${unsendable}\n  time: answers ${(spent.answer / 1000).toFixed(0)} s, database checks ${(spent.check / 1000).toFixed(0)} s, waiting for analysis jobs ${(spent.jobs / 1000).toFixed(0)} s`);
  return {
    target: `api (${db === "pglite" ? "PGlite" : "PostgreSQL"})`, seed: o.seed, from: o.from, runs: done, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6,
    perSecond: done / seconds, failures, notReproduced: [], slowestMs, slowestAt, peakRssMb: serverPeakMb, restarts: 0,
  };
}
