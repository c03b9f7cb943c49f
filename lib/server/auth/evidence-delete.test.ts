// Deleting evidence (issue 11's audit log lists evidence deletions): a responder deletes an item of an incident they
// see; the row and its files go, the deletion is audited with who, from where and what, the incident is analysed
// again; an item still being read is 409; a viewer is 403 (and the route × role test covers every role).
/* eslint-disable no-restricted-imports -- the route handler under test */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as item from "@/app/api/v1/incidents/[id]/evidence/[evidenceId]/route";
import { setDatabase, type Database } from "../db";
import { openFilesDir, setFilesDir } from "../storage/files";
import { makeUser, signedRequest, type Signer } from "../testing/auth";
import { testTargets } from "../testing/databases";

describe.each(testTargets())("evidence deletion on $name", (target) => {
  let db: Database;
  let dispose: (() => Promise<void>) | undefined;
  let filesDir: string | undefined;

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
    filesDir = mkdtempSync(path.join(tmpdir(), "nm-evdel-"));
    setFilesDir(openFilesDir(filesDir));
  });
  afterAll(async () => {
    setDatabase(undefined);
    setFilesDir(undefined);
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
    await dispose?.();
  });

  async function evidence(incidentId: string, status: "ready" | "processing" = "ready"): Promise<string> {
    const row = await db.prisma.evidenceItem.create({
      data: {
        incidentId,
        kind: "paste",
        filename: "netstat-s.txt",
        sha256: createHash("sha256").update(randomBytes(16)).digest("hex"),
        sizeBytes: BigInt(42),
        status,
      },
      select: { id: true },
    });
    await db.prisma.evidenceFile.create({ data: { evidenceId: row.id, host: "web-1", path: "netstat-s.txt", kind: "netstat-s", sizeBytes: BigInt(42) } });
    return row.id;
  }

  const call = (method: "GET" | "DELETE", incidentId: string, evidenceId: string, as: Signer) =>
    item[method](
      signedRequest(method, `/api/v1/incidents/${incidentId}/evidence/${evidenceId}`, { as, headers: { "x-forwarded-for": "198.51.100.7" } }),
      { params: Promise.resolve({ id: incidentId, evidenceId }) },
    );

  it("a responder deletes it: gone, audited with who, where and what, analysed again; a viewer may not", async () => {
    const responder = await makeUser("responder");
    const viewer = await makeUser("viewer");
    const incident = await db.prisma.incident.create({ data: { title: "evidence deletion", severity: "sev3", startedAt: new Date() } });
    const id = await evidence(incident.id);

    expect((await call("DELETE", incident.id, id, viewer)).status).toBe(403);
    const res = await call("DELETE", incident.id, id, responder);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ data: { id, deleted: true } });

    expect((await call("GET", incident.id, id, responder)).status).toBe(404);
    expect(await db.prisma.evidenceFile.count({ where: { evidenceId: id } })).toBe(0);
    const entries = await db.prisma.auditEvent.findMany({ where: { action: "evidence.deleted", targetId: id } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: responder.id, targetType: "evidence", ip: "198.51.100.7" });
    expect(entries[0].details).toMatchObject({ incidentId: incident.id, filename: "netstat-s.txt", kind: "paste", sizeBytes: 42 });
    expect(await db.prisma.analysisJob.count({ where: { incidentId: incident.id, state: "queued" } })).toBe(1);

    // Deleted twice: the second is a 404 like any missing item, and nothing more is audited.
    expect((await call("DELETE", incident.id, id, responder)).status).toBe(404);
    expect(await db.prisma.auditEvent.count({ where: { action: "evidence.deleted", targetId: id } })).toBe(1);
  });

  it("an item the analysis is still reading is 409 and stays", async () => {
    const responder = await makeUser("responder");
    const incident = await db.prisma.incident.create({ data: { title: "evidence busy", severity: "sev3", startedAt: new Date() } });
    const id = await evidence(incident.id, "processing");
    const res = await call("DELETE", incident.id, id, responder);
    expect(res.status).toBe(409);
    expect(await db.prisma.evidenceItem.count({ where: { id } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { action: "evidence.deleted", targetId: id } })).toBe(0);
  });
});
