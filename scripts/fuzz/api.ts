/**
 * The API target: `npm run fuzz -- --target api --db pglite|postgresql --runs N [--port 3150]`.
 *
 * Starts the production server (`.next` must be built: `npm run build`) on 127.0.0.1 with a fresh embedded
 * database (a temporary NETMORTEM_DATA_DIR) or a fresh schema of PostgreSQL (FUZZ_DATABASE_URL, default
 * postgresql://netmortem_ci:netmortem_ci@127.0.0.1:5432/nm_hardening), reads GET /api/v1/openapi.json, makes an
 * admin (NETMORTEM_ADMIN_*), a responder and a viewer (each by session cookie and by personal token) and a
 * cluster ingest token when the server has accounts, and runs the campaign of api-core.ts over HTTP: no 5xx, no
 * hang, the error body on every 4xx, and on PostgreSQL no write on a 4xx, read through the database after each
 * request (on PGlite the database belongs to the server process: api-inproc.test.ts checks that one in process).
 * The server's own log is kept and scanned for errors at the end. Failing requests are written to
 * .fuzz/api-<db>-<seed>-<i>.json (method, URL, headers, body as base64) to replay.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type Answer, apiCampaign, type Sent, statusReport, type Transport, WriteCheck } from "./api-core";
import { FUZZ_DIR, REPO_ROOT, type Failure, type Row } from "./watchdog";

type Options = { seed: number; from: number; runs: number; maxSeconds?: number; progressEverySec: number; args: string[] };

const opt = (args: string[], name: string, dflt: string) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return dflt;
  return args[i]!.includes("=") ? args[i]!.slice(args[i]!.indexOf("=") + 1) : args[i + 1] ?? dflt;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function send(base: URL, req: Sent, timeoutMs: number): Promise<Answer | { error: string }> {
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

export async function fuzzApi(o: Options): Promise<Row> {
  const db = opt(o.args, "db", "pglite") as "pglite" | "postgresql";
  const port = Number(opt(o.args, "port", "3150"));
  const requestMs = Number(opt(o.args, "request-ms", "30000"));
  const admin = { email: "fuzz-admin@example.test", password: `fuzz-admin-${Math.random().toString(36).slice(2)}-pw` };
  const t0 = performance.now();
  const server = await startServer(db, port, admin);
  const transport: Transport = { origin: server.base.origin, send: (req, ms) => send(server.base, req, ms) };
  let client: pg.Client | undefined;
  let serverPeakMb = 0;
  let result: Awaited<ReturnType<typeof apiCampaign>>;
  try {
    let check: WriteCheck | undefined;
    if (server.databaseUrl && server.schema) {
      const c = new pg.Client({ connectionString: server.databaseUrl.replace(/\?.*$/, "") });
      client = c;
      await c.connect();
      check = new WriteCheck(async (sql, params) => (await c.query(sql, params)).rows as Array<Record<string, unknown>>, server.schema);
    }
    result = await apiCampaign({
      label: db, transport, admin, seed: o.seed, from: o.from, runs: o.runs, ...(o.maxSeconds ? { maxSeconds: o.maxSeconds } : {}),
      requestMs, progressEverySec: o.progressEverySec, ...(check ? { check } : {}), jobsRun: true, outDir: FUZZ_DIR,
    });
  } finally {
    await client?.end();
    agent.destroy();
    serverPeakMb = serverPeak(server.child.pid);
    await server.stop();
  }
  // the server's own account of what went wrong
  // (a job that the database refused is one too: session 6's campaign had an upload's job fail 3× on a NUL in the
  // error it stored, seen only in this log as "will be retried" and a PrismaClientKnownRequestError)
  const errors = fs.readFileSync(server.log, "utf8").split("\n").filter((l) => /⨯|Unhandled|uncaught|TypeError|RangeError|ReferenceError|FATAL|\[error\]|\[api\] unhandled|PrismaClient\w*Error|will be retried/i.test(l));
  const failures: Failure[] = [...result.failures, ...errors.slice(0, 20).map((e) => ({ kind: "crash" as const, i: -1, message: `server log: ${e.slice(0, 300)}` }))];
  const report = statusReport(result);
  fs.writeFileSync(path.join(FUZZ_DIR, `api-${db}-${o.seed}-statuses.txt`), `${report}\n`);
  console.error(`[fuzz] api (${db}) answers per operation:\n${report}\n  server log: ${server.log}`);
  const seconds = (performance.now() - t0) / 1000;
  return { ...result, target: `api (${db === "pglite" ? "PGlite" : "PostgreSQL"})`, seconds, perSecond: result.runs / seconds, failures, peakRssMb: serverPeakMb };
}
