/**
 * Issue 12's acceptance on the production build, with `npm start` (scripts/start.mjs) as users run it:
 *
 *  - two instances on one real PostgreSQL (different ports, each its own files directory): a bundle uploaded through
 *    one is analysed once (one job, one analysis) and the analysis is served by both; a re-analysis asked through the
 *    other is run once by whichever instance claims it;
 *  - SIGKILL of the server (its whole process group) while a job runs, then a restart: the job runs again and
 *    finishes, and every upload that was answered 202 is in the analysis (on PostgreSQL the dead worker's lease runs
 *    out, 30 s; on the embedded PGlite the restart requeues what the dead process left running: that variant
 *    runs with INGEST_E2E_PGLITE_KILL=1, 3.2 min here at load 18, first start 45 s, restart 28 s).
 *
 * Inputs are real: the seed bundles recorded by e2e/lab/seeds (lib/analysis/diagnosis/testdata/seeds) and captures
 * recorded by scripts/record (lib/analysis/capture/testdata). The PostgreSQL part needs TEST_DATABASE_URL (CI sets
 * it; a throwaway schema is made and dropped); it is skipped, saying so, without it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";

const ROOT = process.cwd();
const SEEDS = path.join(ROOT, "lib/analysis/diagnosis/testdata/seeds");
const CAPTURES = path.join(ROOT, "lib/analysis/capture/testdata");
const ADMIN = { email: "instances@netmortem.test", password: "instances-e2e-password-1" };
const PG_URL = process.env.TEST_DATABASE_URL;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

class Server {
  proc: ChildProcess | null = null;
  log = "";
  token = "";
  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {}
  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.log = "";
    // its own process group, so that a kill reaches start.mjs and the Next server it runs
    const p = spawn(process.execPath, [path.join(ROOT, "scripts/start.mjs")], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        ...this.env,
        PORT: String(this.port),
        HOSTNAME: "127.0.0.1",
        NODE_ENV: "production",
        NETMORTEM_ADMIN_EMAIL: ADMIN.email,
        NETMORTEM_ADMIN_PASSWORD: ADMIN.password,
      },
    });
    p.stdout!.on("data", (c: Buffer) => (this.log += c.toString()));
    p.stderr!.on("data", (c: Buffer) => (this.log += c.toString()));
    this.proc = p;
    const end = Date.now() + 180_000;
    for (;;) {
      if (p.exitCode !== null || p.signalCode !== null) throw new Error(`the server on ${this.port} exited:\n${this.log.slice(-3000)}`);
      const ok = await fetch(`${this.base}/api/v1/health`).then((r) => r.status === 200, () => false);
      if (ok) return;
      if (Date.now() > end) throw new Error(`the server on ${this.port} did not answer /api/v1/health:\n${this.log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** SIGKILL of the whole process group: no handler runs, nothing is closed. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p?.pid) return;
    const exited = new Promise((r) => p.once("exit", r));
    try {
      process.kill(-p.pid, "SIGKILL");
    } catch {
      // gone
    }
    await exited;
    this.proc = null;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p?.pid || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    try {
      process.kill(-p.pid, "SIGTERM");
    } catch {
      // gone
    }
    const t = setTimeout(() => {
      try {
        process.kill(-p.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }, 20_000);
    await exited;
    clearTimeout(t);
    this.proc = null;
  }

  /** Signs in as the admin (made from NETMORTEM_ADMIN_* on the first start) and makes a personal token. */
  async signIn(): Promise<void> {
    // as a script (curl) signs in: fetch would send Sec-Fetch-Mode, and better-auth then checks an Origin
    const r = await new Promise<{ status: number; body: string; cookies: string[] }>((resolve, reject) => {
      const req = http.request(`${this.base}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, cookies: res.headers["set-cookie"] ?? [] }));
      });
      req.on("error", reject);
      req.end(JSON.stringify(ADMIN));
    });
    expect(r.status, r.body).toBe(200);
    const cookie = r.cookies.map((c) => c.split(";")[0]).join("; ");
    const t = await fetch(`${this.base}/api/v1/tokens`, {
      method: "POST",
      headers: { cookie, origin: this.base, "content-type": "application/json" },
      body: JSON.stringify({ name: `e2e ${this.port}` }),
    });
    expect(t.status).toBe(201);
    this.token = ((await t.json()) as Json).data.token;
  }

  async api(method: string, p: string, body?: Buffer | string | object, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
    const raw = body === undefined || Buffer.isBuffer(body) || typeof body === "string";
    const send = () =>
      fetch(`${this.base}/api/v1${p}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(raw ? {} : { "content-type": "application/json" }), ...headers },
        body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : typeof body === "string" ? body : JSON.stringify(body),
      });
    // a kept-alive connection the server closes just as a request starts on it fails with EPIPE/ECONNRESET (fetch
    // retries only bodiless requests): sent again once; an upload sent twice is the same item (200, duplicate)
    const r = await send()
      .catch(() => send())
      .catch((err: unknown) => {
        throw new Error(`${method} ${p} on ${this.port}: ${String(err)} (${String((err as { cause?: unknown }).cause)})\n${this.log.slice(-3000)}`);
      });
    const text = await r.text();
    let parsed: Json = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: r.status, body: parsed };
  }

  async incident(title: string): Promise<string> {
    const r = await this.api("POST", "/incidents", { title, severity: "sev2" });
    expect(r.status).toBe(201);
    return r.body.data.id;
  }

  async upload(id: string, bytes: Buffer, name: string): Promise<string> {
    const r = await this.api("POST", `/incidents/${id}/evidence`, bytes, { "content-type": "application/gzip", "x-filename": name });
    expect([200, 202], JSON.stringify(r.body)).toContain(r.status);
    return r.body.data.id;
  }

  async waitAnalysis(id: string, until: (a: Json) => boolean, ms: number): Promise<Json> {
    const end = Date.now() + ms;
    for (;;) {
      const a = (await this.api("GET", `/incidents/${id}/analysis`)).body.data;
      if (until(a)) return a;
      if (Date.now() > end) throw new Error(`analysis on ${this.port} after ${ms} ms: ${JSON.stringify(a).slice(0, 500)}\n${this.log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

let tmp = "";
const servers: Server[] = [];

test.beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "nm-e2e-instances-"));
});
test.afterAll(async () => {
  for (const s of servers) await s.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function tarGz(name: string, dirs: Array<[string, string]>): Buffer {
  const dir = path.join(tmp, name);
  for (const [from, to] of dirs) cpSync(from, path.join(dir, to), { recursive: true });
  execFileSync("tar", ["-C", dir, "-czf", `${dir}.tar.gz`, "."]);
  return readFileSync(`${dir}.tar.gz`);
}

/** A bundle whose analysis takes seconds (seed 000's hosts and 10 hosts holding real captures, 13 MB): a job to kill. */
function slowBundle(): Buffer {
  const dirs: Array<[string, string]> = [];
  dirs.push([path.join(SEEDS, "000-overlay-mtu"), ""]);
  const caps = path.join(tmp, `caps-${Date.now()}`);
  for (let h = 0; h < 10; h++) {
    mkdirSync(path.join(caps, `cap-${h}`), { recursive: true });
    cpSync(path.join(CAPTURES, "lossy-mix-v4-v6.pcap"), path.join(caps, `cap-${h}`, "eth0.pcap"));
    cpSync(path.join(CAPTURES, "router-any-nat-keepalive.pcap"), path.join(caps, `cap-${h}`, "lo.pcap"));
  }
  dirs.push([caps, ""]);
  return tarGz(`slow-${Date.now()}`, dirs);
}

/** Upload, wait until the job is running, SIGKILL, restart: the job finishes and both uploads are in the analysis. */
async function killDuringJob(s: Server, jobRunning: (incidentId: string) => Promise<boolean>): Promise<string> {
  const slow = slowBundle();
  const id = await s.incident("killed mid-analysis");
  const first = await s.upload(id, tarGz(`seed-${Date.now()}`, [[path.join(SEEDS, "004-accept-queue"), ""]]), "004.tar.gz");
  await s.waitAnalysis(id, (a) => a.status === "done", 60_000);
  const second = await s.upload(id, slow, "slow.tar.gz");
  const end = Date.now() + 60_000;
  while (!(await jobRunning(id))) {
    if (Date.now() > end) throw new Error(`the job never ran:\n${s.log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await s.kill();
  await s.start();
  const a = await s.waitAnalysis(id, (x) => x.status === "done" && x.version >= 2, 120_000);
  expect(new Set(a.evidenceIds)).toEqual(new Set([first, second]));
  expect(a.findings.map((f: Json) => f.id)).toEqual(expect.arrayContaining(["accept_queue_overflow", "overlay_mtu_mismatch"]));
  const items = (await s.api("GET", `/incidents/${id}/evidence`)).body.data as Json[];
  expect(items.map((i) => [i.id, i.status]).sort()).toEqual([[first, "ready"], [second, "ready"]].sort());
  return id;
}

test.describe("two instances on one PostgreSQL", () => {
  test.skip(!PG_URL, "needs TEST_DATABASE_URL (a real PostgreSQL); CI sets it");
  test.describe.configure({ mode: "serial", timeout: 600_000 });
  const schema = `nm_e2e_inst_${process.pid}`;
  let admin: pg.Client;
  let a: Server;
  let b: Server;

  test.beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const url = new URL(PG_URL!);
    url.searchParams.set("schema", schema);
    a = new Server(3123, { DATABASE_URL: url.toString(), NETMORTEM_FILES_DIR: path.join(tmp, "files-a") });
    b = new Server(3124, { DATABASE_URL: url.toString(), NETMORTEM_FILES_DIR: path.join(tmp, "files-b") });
    servers.push(a, b);
    await a.start();
    await b.start();
    await a.signIn();
    await b.signIn();
  });
  test.afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await admin?.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await admin?.end();
  });

  const jobs = async (incidentId: string) =>
    (await admin.query(`SELECT state, attempts, locked_by FROM "${schema}".analysis_jobs WHERE incident_id = $1 ORDER BY created_at`, [incidentId])).rows;

  test("an upload through one is analysed once and served by both; a re-analysis asked through the other runs once", async () => {
    const id = await a.incident("two instances");
    const bundle = tarGz("overlay", [[path.join(SEEDS, "000-overlay-mtu"), ""]]);
    const evidenceId = await a.upload(id, bundle, "000-overlay-mtu.tar.gz");
    const fromB = await b.waitAnalysis(id, (x) => x.status === "done", 60_000);
    const fromA = (await a.api("GET", `/incidents/${id}/analysis`)).body.data;
    expect(fromB.rootCause).toBe("overlay_mtu_mismatch");
    expect(fromB).toEqual(fromA);
    expect(fromB).toMatchObject({ version: 1, evidenceIds: [evidenceId] });
    expect(await jobs(id)).toEqual([expect.objectContaining({ state: "done", attempts: 1 })]);
    expect(Number((await admin.query(`SELECT count(*) FROM "${schema}".analyses WHERE incident_id = $1`, [id])).rows[0].count)).toBe(1);

    const asked = await b.api("POST", `/incidents/${id}/analysis`);
    expect(asked.status).toBe(202);
    const again = await a.waitAnalysis(id, (x) => x.status === "done" && x.version === 2, 60_000);
    expect(again.rootCause).toBe("overlay_mtu_mismatch");
    expect((await b.api("GET", `/incidents/${id}/analysis`)).body.data).toEqual(again);
    const all = await jobs(id);
    expect(all).toHaveLength(2);
    for (const j of all) expect(j).toMatchObject({ state: "done", attempts: 1 });
    expect(Number((await admin.query(`SELECT count(*) FROM "${schema}".analyses WHERE incident_id = $1`, [id])).rows[0].count)).toBe(2);
  });

  test("SIGKILL while a job runs: after the restart the job runs again and finishes, nothing acknowledged lost", async () => {
    await b.stop(); // so the job is claimed by A alone (re-analyses of stored data could go to B)
    const incident = await killDuringJob(a, async (id) => (await jobs(id)).some((j) => j.state === "running"));
    const js = await jobs(incident);
    const last = js[js.length - 1];
    expect(last).toMatchObject({ state: "done" });
    expect(last.attempts).toBeGreaterThanOrEqual(2); // the killed attempt, then the one that finished
  });
});

test.describe("the embedded database", () => {
  // two more server starts (PGlite initialises in WebAssembly): ~1.5-2.5 min here, so not in every CI run
  test.skip(process.env.INGEST_E2E_PGLITE_KILL !== "1", "INGEST_E2E_PGLITE_KILL=1 runs it (2 server starts; the requeue itself is in jobs/queue.test.ts)");
  test.describe.configure({ timeout: 600_000 });
  test("SIGKILL while a job runs: the restart requeues the job and it finishes, nothing acknowledged lost", async () => {
    const s = new Server(3125, { NETMORTEM_DATA_DIR: path.join(tmp, "pglite"), NETMORTEM_FILES_DIR: path.join(tmp, "files-pglite") });
    servers.push(s);
    await s.start();
    await s.signIn();
    await killDuringJob(s, async (id) => (await s.api("GET", `/incidents/${id}/analysis`)).body.data?.status === "running");
    expect(s.log).toMatch(/requeued 1 job\(s\) left running by a previous start/);
    await s.stop();
  });
});
