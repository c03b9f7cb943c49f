// First start and durability, each on servers of its own (production build, scripts/start.mjs), on PGlite and,
// when E2E_DATABASE_URL or TEST_DATABASE_URL names a local PostgreSQL, on PostgreSQL (a throwaway schema):
// - without NETMORTEM_ADMIN_*, any page leads to the one-time set-up page, which makes the first admin and is gone;
// - sessions, tokens and audit entries live in the database: after a restart the browser is still signed in and the
//   token still works; a revoked token is refused on its next request, on every instance (PostgreSQL: two at once).
import AxeBuilder from "@axe-core/playwright";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { rmSync } from "node:fs";
import path from "node:path";
import { request as playwrightRequest } from "@playwright/test";
import pg from "pg";
import { assertLocalDatabase } from "./support/assert-local-database";
import { expect, test } from "./support/test";

test.describe.configure({ mode: "serial", timeout: 240_000 });

const BASE_PORT = Number(process.env.E2E_PORT ?? 3107) + 1;
const PG_URL = process.env.E2E_DATABASE_URL?.trim() || process.env.TEST_DATABASE_URL?.trim() || "";

interface Server {
  url: string;
  child: ChildProcess;
  log: string[];
}

async function startServer(port: number, env: Record<string, string>): Promise<Server> {
  const env2: NodeJS.ProcessEnv = { ...process.env, ...env, PORT: String(port), HOSTNAME: "127.0.0.1", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
  delete env2.NETMORTEM_ADMIN_EMAIL;
  delete env2.NETMORTEM_ADMIN_PASSWORD;
  const child = spawn(process.execPath, ["scripts/start.mjs"], { env: env2, stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  child.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server on ${port} exited ${child.exitCode}:\n${log.join("")}`);
    try {
      const r = await fetch(`${url}/api/v1/health`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server on ${port} did not come up:\n${log.join("")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, log };
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  s.child.kill("SIGTERM");
  await once(s.child, "exit");
}

type Target = { name: string; env: Record<string, string>; cleanup: () => Promise<void>; twoInstances: boolean };

async function pgliteTarget(): Promise<Target> {
  const dir = path.resolve(".data", `e2e-first-start-${Date.now()}-${process.pid}`);
  return {
    name: "pglite",
    env: { NETMORTEM_DATA_DIR: dir },
    twoInstances: false,
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.lock`, { force: true });
    },
  };
}

async function postgresTarget(): Promise<Target> {
  assertLocalDatabase({ ...process.env, DATABASE_URL: PG_URL });
  const schema = `nm_e2e_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const url = new URL(PG_URL);
  url.searchParams.set("schema", schema);
  return {
    name: "postgresql",
    env: { DATABASE_URL: url.toString() },
    twoInstances: true,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA "${schema}" CASCADE`);
      await c.end();
    },
  };
}

const targets: Array<() => Promise<Target>> = [pgliteTarget, ...(PG_URL ? [postgresTarget] : [])];

for (const [i, makeTarget] of targets.entries()) {
  const dbName = i === 0 ? "pglite" : "postgresql";
  test(`first start, restart, revocation on ${dbName}`, async ({ browser }, testInfo) => {
    const target = await makeTarget();
    const port = BASE_PORT + i * 2;
    let server = await startServer(port, target.env);
    const servers: Server[] = [server];
    const ctx = await browser.newContext({ baseURL: server.url, storageState: { cookies: [], origins: [] } });
    try {
      const page = await ctx.newPage();
      // The first visit of anything leads to the set-up page.
      await page.goto("/incidents");
      await expect(page).toHaveURL(/\/setup$/);
      await expect(page.getByRole("heading", { name: "Set up netmortem", level: 1 })).toBeVisible();
      const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      expect(axe.violations.map((v) => v.id)).toEqual([]);
      await page.screenshot({ path: testInfo.outputPath(`setup-${target.name}.png`), fullPage: true });
      await page.getByLabel("Name").fill("First Admin");
      await page.getByLabel("Email").fill("first@example.test");
      await page.getByLabel("Password", { exact: true }).fill("first admin password");
      await page.getByLabel("Password again").fill("first admin password");
      await page.getByRole("button", { name: "Create the administrator" }).click();
      await expect(page).toHaveURL(/\/incidents$/);
      await expect(page.getByRole("link", { name: /Account: First Admin admin/ })).toBeVisible();

      // Gone afterwards: the page is a 404, the API too.
      expect((await page.goto("/setup"))?.status()).toBe(404);
      const again = await page.request.post("/api/v1/setup", { data: { name: "x", email: "second@example.test", password: "second password" } });
      expect(again.status()).toBe(404);

      // Two personal tokens made through the signed-in session.
      const mk = async (name: string) => {
        const r = await page.request.post("/api/v1/tokens", { data: { name }, headers: { origin: server.url } });
        expect(r.status(), await r.text()).toBe(201);
        return ((await r.json()) as { data: { id: string; token: string } }).data;
      };
      const kept = await mk("kept");
      const doomed = await mk("doomed");

      // Restart: the browser's session and the tokens still work.
      await stopServer(server);
      server = await startServer(port, target.env);
      servers[0] = server;
      await page.goto("/incidents");
      await expect(page).toHaveURL(/\/incidents$/);
      await expect(page.getByRole("link", { name: /Account: First Admin admin/ })).toBeVisible();
      const asToken = (token: string, url: string) => playwrightRequest.newContext({ baseURL: url, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
      const keptApi = await asToken(kept.token, server.url);
      expect((await keptApi.get("/api/v1/me")).status()).toBe(200);

      // A second instance on the same database (PostgreSQL) sees the same sessions and tokens.
      let other: Server | null = null;
      if (target.twoInstances) {
        other = await startServer(port + 1, target.env);
        servers.push(other);
      }
      const doomedHere = await asToken(doomed.token, server.url);
      const doomedThere = other ? await asToken(doomed.token, other.url) : null;
      expect((await doomedHere.get("/api/v1/me")).status()).toBe(200);
      if (doomedThere) expect((await doomedThere.get("/api/v1/me")).status()).toBe(200);

      // Revoked on one instance: refused on the very next request, there and on the other instance.
      const del = await page.request.delete(`/api/v1/tokens/${doomed.id}`, { headers: { origin: server.url } });
      expect(del.status()).toBe(200);
      expect((await doomedHere.get("/api/v1/me")).status()).toBe(401);
      if (doomedThere) expect((await doomedThere.get("/api/v1/me")).status()).toBe(401);
      expect((await keptApi.get("/api/v1/me")).status()).toBe(200);

      // The audit log survived the restart too.
      const audit = (await (await keptApi.get("/api/v1/audit?limit=100")).json()) as { data: Array<{ action: string }> };
      const actions = audit.data.map((a) => a.action);
      for (const a of ["setup.admin-created", "sign-in.ok", "token.created", "token.revoked"]) expect(actions).toContain(a);
      await Promise.all([keptApi.dispose(), doomedHere.dispose(), doomedThere?.dispose()]);
    } finally {
      await ctx.close();
      for (const s of servers) await stopServer(s);
      await target.cleanup();
    }
  });
}
