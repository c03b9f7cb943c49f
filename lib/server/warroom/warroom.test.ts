// The war room's services on both databases: checklist entries (ticks, notes, manual checks, version guard),
// finding verdicts, the report's version check (a stale save is a 409 and loses nothing), share links (hash only,
// revocation, expiry), linked nodes, scoping (another cluster's incident is a 404) — each write on the timeline,
// attributed, and published as a live event.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBundle } from "../../analysis/bundle";
import { buildChecklist } from "../../analysis/checklist";
import { analyzeBundle } from "../../analysis/diagnosis";
import { setDatabase, type Database } from "../db";
import { ConflictError, NotFoundError } from "../errors";
import { stopHub } from "../events";
import { addManualCheck } from "../services/checklist/add-manual";
import { getChecklist } from "../services/checklist/get";
import { updateChecklistEntry } from "../services/checklist/update";
import { decideFinding } from "../services/finding/decide";
import { listFindings } from "../services/finding/list";
import { linkIncidentNodes, listIncidentNodes } from "../services/incident-node/incident-nodes";
import { getReport } from "../services/report/get";
import { saveReport } from "../services/report/save";
import { createShareLink, listShareLinks, openSharedReport, revokeShareLink } from "../services/share/share-links";
import { makeUser, type TestUser } from "../testing/auth";
import { makeAnalysisJob } from "../jobs/analysis-job";
import { Worker } from "../jobs/worker";
import { getCharts } from "../services/chart/get";
import { compare, compareSources } from "../services/compare/compare";
import { uploadEvidence } from "../services/evidence/upload";
import { openFilesDir, setFilesDir } from "../storage/files";
import { testTargets } from "../testing/databases";

const LAB = path.resolve(__dirname, "../../analysis/checklist/testdata/lab");

describe.each(testTargets())("war room services on $name", (target) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let responder: TestUser;
  let outsider: TestUser;
  let incidentId: string;
  let clusterId: string;

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
    const cluster = await db.prisma.cluster.create({ data: { name: `c-${Date.now()}`, cni: "flannel" } });
    clusterId = cluster.id;
    const other = await db.prisma.cluster.create({ data: { name: `other-${Date.now()}` } });
    responder = await makeUser("responder", { clusters: [clusterId], signIn: false });
    outsider = await makeUser("responder", { clusters: [other.id], signIn: false });
    const inc = await db.prisma.incident.create({ data: { title: "Images | fail", severity: "sev2", startedAt: new Date("2026-12-07T09:00:00Z"), clusterId } });
    incidentId = inc.id;
    const analysis = await analyzeBundle([path.join(LAB, "accept_queue_overflow.tar.gz")]);
    // a weaker second finding to reject
    analysis.findings.push({ ...analysis.findings[0]!, id: "conntrack_table_full", title: "Conntrack table full", confidence: 0.2 });
    await db.prisma.analysis.create({ data: { incidentId, version: 1, rootCause: analysis.rootCause, result: analysis, evidenceIds: [] } });
  });
  afterAll(async () => {
    await stopHub();
    setFilesDir(undefined);
    setDatabase(undefined);
    await dispose();
  });

  async function events(kind: string) {
    return db.prisma.incidentEvent.findMany({ where: { incidentId, kind }, orderBy: { seq: "asc" } });
  }
  async function timeline() {
    return db.prisma.timelineEvent.findMany({ where: { incidentId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  it("an incident of a cluster the actor is not a member of is a 404, like a missing one", async () => {
    await expect(getChecklist(outsider.actor, incidentId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateChecklistEntry(outsider.actor, incidentId, "kernel.version", { ticked: true })).rejects.toBeInstanceOf(NotFoundError);
    await expect(saveReport(outsider.actor, incidentId, { markdown: "x", expectedVersion: 0 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(openSharedReport("A".repeat(43))).resolves.toBeNull();
  });

  it("ticks and notes a computed item: attributed, versioned, on the timeline, published", async () => {
    const c = await getChecklist(responder.actor, incidentId);
    expect(c.headline?.id).toBe("accept_queue_overflow");
    const e1 = await updateChecklistEntry(responder.actor, incidentId, "resources.accept-queue", { ticked: true, expectedVersion: 0 });
    expect(e1).toMatchObject({ key: "resources.accept-queue", ticked: true, version: 1, updatedBy: { id: responder.id, name: responder.name } });
    const e2 = await updateChecklistEntry(responder.actor, incidentId, "resources.accept-queue", { note: "backlog 16 on the python listener", expectedVersion: 1 });
    expect(e2.version).toBe(2);
    // a note written over a stale version is refused, with the entry as it now is
    const stale = await updateChecklistEntry(responder.actor, incidentId, "resources.accept-queue", { note: "other", expectedVersion: 1 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect((stale as ConflictError).current).toMatchObject({ version: 2, note: "backlog 16 on the python listener" });
    const view = await getChecklist(responder.actor, incidentId);
    const item = view.steps.flatMap((s) => s.items).find((i) => i.key === "resources.accept-queue")!;
    expect(item).toMatchObject({ ticked: true, note: "backlog 16 on the python listener", status: "fail" });
    const t = await timeline();
    expect(t.map((x) => x.body)).toEqual([
      "Checklist · Resources › Accept queues: Recv-Q vs backlog, somaxconn, ListenOverflows: ticked",
      "Checklist · Resources › Accept queues: Recv-Q vs backlog, somaxconn, ListenOverflows: note: backlog 16 on the python listener",
    ]);
    expect(t.every((x) => x.authorId === responder.id)).toBe(true);
    expect((await events("checklist")).map((e) => e.entityId)).toEqual(["resources.accept-queue", "resources.accept-queue"]);
    await expect(updateChecklistEntry(responder.actor, incidentId, "kernel.no-such-item", { ticked: true })).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateChecklistEntry(responder.actor, incidentId, "kernel.version", { result: "pass" })).rejects.toBeInstanceOf(ConflictError);
  });

  it("a manual check shows in its step with the engineer's result, and can be ticked", async () => {
    const m = await addManualCheck(responder.actor, incidentId, { step: "logs", title: "CDN error-rate dashboard", result: "warn" });
    expect(m.key).toMatch(/^manual\.[0-9a-f]{12}$/);
    const t = await updateChecklistEntry(responder.actor, incidentId, m.key, { ticked: true, result: "fail" });
    expect(t).toMatchObject({ ticked: true, result: "fail", version: 2 });
    const logs = (await getChecklist(responder.actor, incidentId)).steps.find((s) => s.step === "logs")!;
    expect(logs.items.at(-1)).toMatchObject({ key: m.key, manual: true, status: "fail", ticked: true, title: "CDN error-rate dashboard" });
    expect(logs.status).toBe("fail");
  });

  it("confirms one finding (replacing an earlier confirmation), rejects another with a reason, reopens", async () => {
    const f = await listFindings(responder.actor, incidentId);
    expect(f.findings.map((x) => [x.rank, x.id])).toEqual([[1, "accept_queue_overflow"], [2, "conntrack_table_full"]]);
    await decideFinding(responder.actor, incidentId, "conntrack_table_full", { verdict: "confirmed" });
    const after = await decideFinding(responder.actor, incidentId, "accept_queue_overflow", { verdict: "confirmed", reason: "Recv-Q 17 > backlog 16" });
    expect(after.findings.map((x) => x.decision?.verdict ?? null)).toEqual(["confirmed", null]);
    await expect(decideFinding(responder.actor, incidentId, "conntrack_table_full", { verdict: "rejected" })).rejects.toThrow(/say why/);
    const rejected = await decideFinding(responder.actor, incidentId, "conntrack_table_full", { verdict: "rejected", reason: "count is 0 of 262144" });
    expect(rejected.findings[1]!.decision).toMatchObject({ verdict: "rejected", reason: "count is 0 of 262144", by: { id: responder.id } });
    await expect(decideFinding(responder.actor, incidentId, "pmtu_blackhole", { verdict: "confirmed" })).rejects.toBeInstanceOf(NotFoundError);
    const bodies = (await timeline()).map((x) => x.body);
    const top = f.findings[0]!;
    expect(bodies).toContain(`Root cause confirmed: ${top.title} (accept_queue_overflow, confidence ${top.confidence}). Recv-Q 17 > backlog 16`);
    expect(bodies).toContain("Finding rejected: Conntrack table full (conntrack_table_full, confidence 0.2). Reason: count is 0 of 262144");
    expect(bodies.some((b) => b.startsWith("Root cause no longer confirmed: conntrack_table_full"))).toBe(true);
  });

  it("the report: drafted from the judged analysis; saves are version-checked, a stale one is a 409 that loses nothing", async () => {
    const draft = await getReport(responder.actor, incidentId);
    expect(draft).toMatchObject({ saved: false, version: 0 });
    expect(draft.markdown).toContain("# Postmortem: Images | fail");
    expect(draft.markdown).toContain(`_Confirmed by ${responder.name}`);
    expect(draft.markdown).toContain("## Hypotheses ruled out");
    const v1 = await saveReport(responder.actor, incidentId, { markdown: `${draft.markdown}\nA`, expectedVersion: 0 });
    expect(v1).toMatchObject({ saved: true, version: 1, updatedBy: { id: responder.id } });
    // a second editor who also loaded the draft (version 0)
    const stale = await saveReport(responder.actor, incidentId, { markdown: `${draft.markdown}\nB`, expectedVersion: 0 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect((stale as ConflictError).current).toMatchObject({ version: 1, markdown: `${draft.markdown}\nA` });
    const v2 = await saveReport(responder.actor, incidentId, { markdown: `${draft.markdown}\nB`, expectedVersion: 1 });
    expect(v2.version).toBe(2);
    const stale2 = await saveReport(responder.actor, incidentId, { markdown: "C", expectedVersion: 1 }).catch((e: unknown) => e);
    expect(stale2).toBeInstanceOf(ConflictError);
    const revisions = await db.prisma.reportRevision.findMany({ where: { incidentId }, orderBy: { version: "asc" } });
    expect(revisions.map((r) => [r.version, r.markdown.slice(-1)])).toEqual([[1, "A"], [2, "B"]]);
    expect((await events("report")).length).toBe(2);
  });

  it("share links: the token is shown once, only its hash is stored; revoked or expired links open nothing", async () => {
    const created = await createShareLink(responder.actor, incidentId, {});
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.path).toBe(`/r/${created.token}`);
    const row = await db.prisma.shareLink.findUniqueOrThrow({ where: { id: created.link.id } });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.token);
    const open = await openSharedReport(created.token);
    expect(open?.title).toBe("Images | fail");
    expect(open?.markdown.endsWith("\nB")).toBe(true);
    expect((await listShareLinks(responder.actor, incidentId))[0]).toMatchObject({ id: created.link.id, active: true });
    await revokeShareLink(responder.actor, incidentId, created.link.id);
    expect(await openSharedReport(created.token)).toBeNull();
    expect((await listShareLinks(responder.actor, incidentId))[0]).toMatchObject({ active: false });
    const audit = await db.prisma.auditEvent.findMany({ where: { targetId: created.link.id }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["share.created", "share.revoked"]);
    // expiry
    const soon = await createShareLink(responder.actor, incidentId, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await db.prisma.shareLink.update({ where: { id: soon.link.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await openSharedReport(soon.token)).toBeNull();
    await expect(createShareLink(responder.actor, incidentId, { expiresAt: "2020-01-01T00:00:00Z" })).rejects.toThrow(/past/);
    await expect(revokeShareLink(outsider.actor, incidentId, soon.link.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("links only nodes of the incident's cluster", async () => {
    const n = await db.prisma.node.create({ data: { clusterId, name: "worker-1", kernelVersion: "6.18.44" } });
    const foreign = await db.prisma.node.create({ data: { clusterId: (await db.prisma.cluster.create({ data: { name: `x-${Date.now()}` } })).id, name: "elsewhere" } });
    await expect(linkIncidentNodes(responder.actor, incidentId, { nodeIds: [foreign.id] })).rejects.toBeInstanceOf(NotFoundError);
    const linked = await linkIncidentNodes(responder.actor, incidentId, { nodeIds: [n.id] });
    expect(linked.map((x) => [x.name, x.kernelVersion, x.cluster.cni])).toEqual([["worker-1", "6.18.44", "flannel"]]);
    expect((await listIncidentNodes(responder.actor, incidentId)).length).toBe(1);
    // the checklist's "collect on…" names the linked node
    const c = await getChecklist(responder.actor, incidentId);
    const k = c.steps.flatMap((s) => s.items).find((i) => i.key === "logs.kernel")!;
    expect(k.collect.map((x) => x.host)).toContain("worker-1");
  });

  it("from an upload to the checklist: the stored evidence gives the checklist and charts the bundle itself gives", async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), "nm-warroom-"));
    try {
      const files = openFilesDir(path.join(tmp, "files"));
      setFilesDir(files);
      const worker = new Worker({ db, storeId: files.storeId, handler: makeAnalysisJob(() => files), log: () => undefined });
      const inc = await db.prisma.incident.create({ data: { title: "uploaded", severity: "sev2", startedAt: new Date(), clusterId } });
      const bundle = path.join(LAB, "overlay_mtu_mismatch.tar.gz");
      const req = new Request(`http://localhost/api/v1/incidents/${inc.id}/evidence`, {
        method: "POST",
        headers: { "content-type": "application/gzip", "x-filename": "overlay.tar.gz" },
        body: new Uint8Array(readFileSync(bundle)),
      });
      await uploadEvidence(responder.actor, inc.id, req, {});
      expect(await worker.drain()).toBe(1);
      const ours = await getChecklist(responder.actor, inc.id);
      const b = await readBundle([bundle], { captures: {} });
      if (b.status !== "success") throw new Error(b.error.message);
      const theirs = buildChecklist({ analysis: await analyzeBundle([bundle]), hosts: b.hosts, captures: b.captures });
      const statuses = (c: { steps: Array<{ items: Array<{ key: string; status: string }> }> }) => c.steps.flatMap((s) => s.items.map((i) => `${i.key} ${i.status}`));
      expect(statuses(ours)).toEqual(statuses(theirs));
      expect(ours.headline?.id).toBe("overlay_mtu_mismatch");
      const charts = await getCharts(responder.actor, inc.id);
      expect(charts.captures.length).toBeGreaterThan(0);
      expect(charts.hosts.map((h) => h.name).sort()).toEqual(b.hosts.map((h) => h.host).sort());
      const sources = await compareSources(responder.actor, inc.id);
      const nodes = sources.filter((s) => /^host:node/.test(s.source));
      expect(nodes.length).toBe(2);
      const diff = await compare(responder.actor, inc.id, { a: nodes[0]!.source, b: nodes[1]!.source });
      expect(diff.compared.sysctls).toBeGreaterThan(100);
    } finally {
      setFilesDir(undefined);
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
