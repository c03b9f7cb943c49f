/**
 * CI's smoke of the API target (seconds): the campaign of api-core.ts through the route handlers in process
 * (api-inproc.ts), on a fresh in-memory PGlite (and PostgreSQL with TEST_DATABASE_URL), every /api/v1 operation
 * of the OpenAPI document: no 5xx, the error body on every 4xx, and no write on a 4xx, read through the database
 * after each request. The campaigns at scale run against the production server: `npm run fuzz -- --target api`.
 * FUZZ_API_RUNS raises the number of requests (a PGlite write-check campaign: the server's own PGlite cannot be
 * read from outside it).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, setDatabase } from "../../lib/server/db";
import { makeUser, TEST_PASSWORD } from "../../lib/server/testing/auth";
import { testTargets } from "../../lib/server/testing/databases";
import { apiCampaign, statusReport, WriteCheck } from "./api-core";
import { inProcessTransport, loadRoutes } from "./api-inproc";

const RUNS = Number(process.env.FUZZ_API_RUNS ?? 100);
const files = fs.mkdtempSync(path.join(os.tmpdir(), "nm-fuzz-inproc-"));
const previousFiles = process.env.NETMORTEM_FILES_DIR;
beforeAll(() => {
  process.env.NETMORTEM_FILES_DIR = files;
});
afterAll(() => {
  if (previousFiles === undefined) delete process.env.NETMORTEM_FILES_DIR;
  else process.env.NETMORTEM_FILES_DIR = previousFiles;
  fs.rmSync(files, { recursive: true, force: true });
});

describe.each(testTargets())("API fuzz in process on $name", (target) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await dispose();
  });

  it("the write check does not count an event stream's presence going away, and counts every other write (insert, update, delete; committed only)", async () => {
    const schema = target.name === "postgresql" ? String((await db.withSession((s) => s.query<{ s: string }>("SELECT current_schema() AS s")))[0]!.s) : "public";
    const check = new WriteCheck((sql, params) => db.withSession((s) => s.query<Record<string, unknown>>(sql, params)), schema);
    const user = await makeUser("viewer", { email: "presence@example.test", signIn: false });
    const incident = await db.prisma.incident.create({ data: { title: "presence", severity: "sev3", startedAt: new Date() } });
    await check.open();
    // what leaving an events stream writes, after the request that opened it (lib/server/events/presence.ts)
    await db.prisma.presence.create({ data: { incidentId: incident.id, userId: user.id } });
    await db.prisma.incidentEvent.create({ data: { incidentId: incident.id, kind: "presence", entityId: user.id } });
    await db.prisma.presence.deleteMany({ where: { incidentId: incident.id } });
    expect(await check.changed()).toEqual([]);
    await db.prisma.incidentEvent.create({ data: { incidentId: incident.id, kind: "timeline" } });
    expect(await check.changed()).toEqual(["incident_events INSERT×1"]);
    // an update and a delete show, in any table; a write rolled back does not
    await db.prisma.incident.update({ where: { id: incident.id }, data: { title: "presence 2" } });
    expect(await check.changed()).toEqual(["incidents UPDATE×1"]);
    await expect(db.prisma.$transaction(async (tx) => {
      await tx.incident.update({ where: { id: incident.id }, data: { title: "rolled back" } });
      throw new Error("roll back");
    })).rejects.toThrow("roll back");
    expect(await check.changed()).toEqual([]);
    await db.prisma.incidentEvent.deleteMany({ where: { incidentId: incident.id } });
    expect(await check.changed()).toEqual(["incident_events DELETE×1"]);
  });

  it(`${RUNS} requests over every operation: no 5xx, the error body on each 4xx, no write on a 4xx`, async () => {
    const transport = inProcessTransport(await loadRoutes());
    // the first admin, as NETMORTEM_ADMIN_* makes it for the server; the campaign makes the other actors through the API
    const admin = await makeUser("admin", { email: "fuzz-admin@example.test", signIn: false });
    const schema = target.name === "postgresql" ? String((await db.withSession((s) => s.query<{ s: string }>("SELECT current_schema() AS s")))[0]!.s) : "public";
    const check = new WriteCheck((sql, params) => db.withSession((s) => s.query<Record<string, unknown>>(sql, params)), schema);
    const r = await apiCampaign({
      label: `inproc-${target.name}`, transport, admin: { email: admin.email, password: TEST_PASSWORD },
      seed: Number(process.env.FUZZ_API_SEED ?? 7), from: 0, runs: RUNS, check, jobsRun: false, requestMs: 30_000, log: () => undefined,
      ...(process.env.FUZZ_API_RUNS ? { progressEverySec: 300, log: (l: string) => console.log(l) } : {}),
    });
    const report = statusReport(r);
    if (process.env.FUZZ_API_RUNS) console.log(report);
    expect(r.runs).toBe(RUNS);
    expect(r.failures.map((f) => f.message), report).toEqual([]);
    // it reached the routes' success paths too, not only their refusals
    expect([...r.perOp.values()].some((m) => [...m.keys()].some((s) => s.startsWith("2")))).toBe(true);
  }, 300_000);
});
