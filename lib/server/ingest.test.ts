// The agents' side on both databases: snapshots recorded by the real agent in namespaces
// (scripts/record/agent-snapshots.sh → lib/server/ingest/testdata/snapshots), capture summaries of recorded captures,
// capture requests; node facts, stored-once outputs, Idempotency-Key, counter series, and snapshots read by the
// analysis with their real times.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summarizeCapture } from "../analysis/capture";
import type { Actor, IngestActor } from "./auth/policy";
import { setDatabase, type Database } from "./db";
import { assembleStored, loadIncidentEvidence } from "./ingest/analyse";
import { makeAnalysisJob } from "./jobs/analysis-job";
import { Worker } from "./jobs/worker";
import { createCaptureRequest, failCaptureRequest, listCaptureRequests, pollCaptureRequests } from "./services/capture-request";
import { ingestCapture, ingestCaptureRaw } from "./services/ingest/capture";
import { ingestSnapshot } from "./services/ingest/snapshot";
import { counterSeries, listSnapshots } from "./services/snapshot";
import { getNode } from "./services/node/get";
import { openFilesDir, setFilesDir, type FilesDir } from "./storage/files";
import { readCaptureSummary } from "./storage/capture-summaries";
import { readTextBlobs } from "./storage/text-blobs";
import { testTargets } from "./testing/databases";
import { recordedSnapshots } from "./testing/snapshots";

const ROOT = path.resolve(__dirname, "../..");
const CAPTURES = path.join(ROOT, "lib/analysis/capture/testdata");

function post(body: unknown, headers: Record<string, string> = {}, gzip = true): Request {
  const json = Buffer.from(JSON.stringify(body));
  return new Request("http://localhost/api/v1/ingest/snapshots", {
    method: "POST",
    headers: { "content-type": "application/json", ...(gzip ? { "content-encoding": "gzip" } : {}), ...headers },
    body: new Uint8Array(gzip ? gzipSync(json) : json),
  });
}

describe.each(testTargets())("ingest API on $name", (target) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let files: FilesDir;
  let tmp: string;
  let actor: IngestActor;
  let other: IngestActor;
  const snaps = recordedSnapshots();
  const admin: Actor = { kind: "user", userId: randomUUID(), role: "admin", email: "admin@example.test", name: "Admin", via: "session" };

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
    tmp = mkdtempSync(path.join(tmpdir(), "nm-ingest-"));
    files = openFilesDir(path.join(tmp, "files"));
    setFilesDir(files);
    const a = await db.prisma.cluster.create({ data: { name: `prod-${randomUUID().slice(0, 8)}` } });
    const b = await db.prisma.cluster.create({ data: { name: `other-${randomUUID().slice(0, 8)}` } });
    actor = { kind: "ingest", tokenId: randomUUID(), clusterId: a.id };
    other = { kind: "ingest", tokenId: randomUUID(), clusterId: b.id };
  });
  afterAll(async () => {
    setDatabase(undefined);
    setFilesDir(undefined);
    await dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const count = async (table: string) =>
    (await db.withSession((s) => s.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)))[0].n;

  it("a first snapshot makes the node under the token's cluster, with its kernel, interfaces and MTUs", async () => {
    expect(snaps.length).toBeGreaterThanOrEqual(3);
    const res = await ingestSnapshot(actor, post(snaps[0], { "idempotency-key": "k-0" }));
    expect(res).toMatchObject({ status: 202, body: { status: "ready", duplicate: false, nodeId: expect.any(String) } });
    const node = await getNode(actor, res.body.nodeId);
    expect(node).toMatchObject({ clusterId: actor.clusterId, name: "node-srv", kernelVersion: snaps[0].agent.kernel, agentVersion: snaps[0].agent.version });
    expect(node.lastSnapshotAt).toBe(new Date(snaps[0].takenAt).toISOString());
    const veth = node.facts!.interfaces.find((i) => i.name === "veth0");
    expect(veth).toMatchObject({ kind: "veth", mtu: 1500, addresses: expect.arrayContaining(["10.233.0.1/24"]) });
    expect(await count("text_blobs")).toBe(new Set(snaps[0].outputs.map((o) => o.content)).size);
  });

  it("a retry with the same Idempotency-Key is the first answer; another body with it is a 409", async () => {
    const first = await db.prisma.evidenceItem.count();
    const counts = async () => [await db.prisma.nodeSnapshot.count(), await db.prisma.textBlob.count(), await db.prisma.idempotencyKey.count()];
    const before = await counts();
    // the retry is answered from the stored key by the ingest statement itself, which then writes nothing
    const again = await ingestSnapshot(actor, post(snaps[0], { "idempotency-key": "k-0" }));
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(await db.prisma.evidenceItem.count()).toBe(first);
    expect(await counts()).toEqual(before);
    await expect(ingestSnapshot(actor, post(snaps[1], { "idempotency-key": "k-0" }))).rejects.toThrow(/already used/);
    // another token's key space is its own
    const elsewhere = await ingestSnapshot(other, post(snaps[0], { "idempotency-key": "k-0" }));
    expect(elsewhere.status).toBe(202);
    expect(elsewhere.body.nodeId).not.toBe(again.body.nodeId);
    // one new key sent twice at once (the other cluster: its node only): one is stored (202), the other answers as its
    // retry (200), one item
    const n0 = await db.prisma.evidenceItem.count();
    const both = await Promise.all([0, 1].map(() => ingestSnapshot(other, post(snaps[2], { "idempotency-key": "k-race" }))));
    expect(both.map((r) => r.status).sort()).toEqual([200, 202]);
    expect(both[0]!.body.id).toBe(both[1]!.body.id);
    expect(await db.prisma.evidenceItem.count()).toBe(n0 + 1);
  });

  it("later snapshots store only what changed, as differences, and read back exactly", async () => {
    const before = await count("text_blobs");
    for (let i = 1; i < snaps.length; i++) {
      const r = await ingestSnapshot(actor, post(snaps[i], { "idempotency-key": `k-${i}` }, i % 2 === 0));
      expect(r.status).toBe(202);
    }
    const added = (await count("text_blobs")) - before;
    const outputs = snaps.length - 1;
    // unchanged outputs (uname, ip route, …) are not stored again
    expect(added).toBeLessThan(outputs * snaps[0].outputs.length);
    const deltas = await db.withSession((s) => s.query<{ n: number }>("SELECT count(*)::int AS n FROM text_blobs WHERE dict_sha256 IS NOT NULL"));
    expect(deltas[0].n).toBeGreaterThan(0);
    const last = snaps[snaps.length - 1];
    const row = await db.prisma.nodeSnapshot.findFirstOrThrow({ where: { takenAt: new Date(last.takenAt) } });
    const shas = (row.outputs as Array<[string, string]>).map((o) => o[1]);
    const texts = await readTextBlobs(db.prisma, shas);
    expect(last.outputs.map((o) => texts.get((row.outputs as Array<[string, string]>).find((x) => x[0] === o.name)![1]))).toEqual(
      last.outputs.map((o) => o.content),
    );
  });

  it("lists snapshots newest first and serves counter series with deltas and rates", async () => {
    const node = await db.prisma.node.findFirstOrThrow({ where: { clusterId: actor.clusterId, name: "node-srv" } });
    const page = await listSnapshots(admin, node.id, { limit: "2" });
    expect(page.data.map((s) => s.takenAt)).toEqual(snaps.slice(-2).reverse().map((s) => new Date(s.takenAt).toISOString()));
    expect(page.nextCursor).not.toBeNull();
    expect(page.data[0].outputs.map((o) => o.name)).toEqual(snaps[snaps.length - 1].outputs.map((o) => o.name));
    expect(page.data[0].outputs.find((o) => o.name === "sysctl-a.txt")?.kind).toBe("sysctl");
    const from = new Date(new Date(snaps[0].takenAt).getTime() - 1000).toISOString();
    const series = await counterSeries(admin, node.id, { names: "Tcp.PassiveOpens,Sockstat.TCP.inuse", from });
    expect(series.snapshots).toBe(snaps.length);
    const passive = series.series[0];
    expect(passive.points).toHaveLength(snaps.length);
    // the client fetches all along: the server accepted connections between every two snapshots
    expect(passive.points.slice(1).every((p) => p.delta! > 0 && p.ratePerSecond! > 0)).toBe(true);
    expect(series.series[1]).toMatchObject({ gauge: true });
    expect(series.series[1].points.every((p) => p.delta === null)).toBe(true);
  });

  it("an incident's analysis reads the node's snapshots with their real times", async () => {
    const incident = await db.prisma.incident.create({
      data: { title: "snap", severity: "sev3", clusterId: actor.clusterId, startedAt: new Date(snaps[0].takenAt) },
    });
    const node = await db.prisma.node.findFirstOrThrow({ where: { clusterId: actor.clusterId, name: "node-srv" } });
    await db.prisma.incidentNode.create({ data: { incidentId: incident.id, nodeId: node.id } });
    const ev = await loadIncidentEvidence(db.prisma, incident.id);
    expect(ev.inputs.map((i) => i.takenAt)).toEqual([snaps[0].takenAt, snaps[snaps.length - 1].takenAt].map((t) => new Date(t).toISOString()));
    const { hosts } = await assembleStored(ev);
    const d = hosts[0].deltas.find((x) => x.name === "Tcp.PassiveOpens")!;
    const seconds = (Date.parse(snaps[snaps.length - 1].takenAt) - Date.parse(snaps[0].takenAt)) / 1000;
    expect(d.seconds).toBeCloseTo(seconds, 3);
    expect(d.ratePerSecond).toBeGreaterThan(0);
    // a snapshot sent for the incident queues its analysis, which finishes
    const worker = new Worker({ db, storeId: files.storeId, handler: makeAnalysisJob(() => files), log: () => undefined });
    const last = { ...snaps[snaps.length - 1], takenAt: new Date(Date.parse(snaps[snaps.length - 1].takenAt) + 60_000).toISOString(), incidentId: incident.id };
    expect((await ingestSnapshot(actor, post(last))).status).toBe(202);
    await db.prisma.$executeRaw`UPDATE analysis_jobs SET run_at = now() WHERE incident_id = ${incident.id}::uuid`;
    expect(await worker.drain()).toBe(1);
    const a = await db.prisma.analysis.findFirstOrThrow({ where: { incidentId: incident.id } });
    expect((a.result as { hosts: Array<{ name: string }> }).hosts.map((h) => h.name)).toEqual(["node-srv"]);
    // another cluster's token cannot attach evidence to it
    await expect(ingestSnapshot(other, post({ ...snaps[0], incidentId: incident.id }))).rejects.toThrow(/not found/);
  });

  it("bad bodies: not JSON, not gzip, over the bound, unknown keys, a path for a name", async () => {
    const bad = (body: BodyInit, headers: Record<string, string>) =>
      ingestSnapshot(actor, new Request("http://x/", { method: "POST", headers, body }));
    await expect(bad("{", { "content-type": "application/json" })).rejects.toThrow(/JSON/);
    await expect(bad("{}", { "content-type": "text/plain" })).rejects.toThrow(/application\/json/);
    await expect(bad("nope", { "content-type": "application/json", "content-encoding": "gzip" })).rejects.toThrow(/gzip/);
    const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x20));
    await expect(bad(new Uint8Array(bomb), { "content-type": "application/json", "content-encoding": "gzip" })).rejects.toThrow(/larger than/);
    await expect(ingestSnapshot(actor, post({ ...snaps[0], extra: 1 }))).rejects.toThrow();
    await expect(ingestSnapshot(actor, post({ ...snaps[0], outputs: [{ ...snaps[0].outputs[0], name: "../x" }] }))).rejects.toThrow();
    await expect(ingestSnapshot(actor, post(snaps[0], { "idempotency-key": "bad key with spaces" }))).rejects.toThrow(/Idempotency-Key/);
  });

  it("capture requests: asked in the war room, handed out once, answered by a capture summary, or failed", async () => {
    const node = await db.prisma.node.findFirstOrThrow({ where: { clusterId: actor.clusterId, name: "node-srv" } });
    const req = await createCaptureRequest(admin, node.id, { iface: "veth0", seconds: 5, filter: "tcp port 8080", sendRaw: true });
    expect(req).toMatchObject({ state: "pending", iface: "veth0" });
    expect(await pollCaptureRequests(other, { node: "node-srv" })).toEqual([]);
    expect(await pollCaptureRequests(actor, { node: "node-srv" })).toEqual([
      { id: req.id, iface: "veth0", seconds: 5, filter: "tcp port 8080", sendRaw: true },
    ]);
    expect(await pollCaptureRequests(actor, { node: "node-srv" })).toEqual([]);

    const pcap = readFileSync(path.join(CAPTURES, "accept-queue-full-syn-drops.pcap"));
    const summary = await summarizeCapture(pcap);
    const body = {
      node: "node-srv",
      takenAt: new Date().toISOString(),
      agent: { version: "test" },
      capture: { iface: "veth0", seconds: 5, filter: "tcp port 8080" },
      summary,
      requestId: req.id,
    };
    const res = await ingestCapture(actor, new Request("http://x/", {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip", "idempotency-key": "cap-1" },
      body: new Uint8Array(gzipSync(JSON.stringify(body))),
    }));
    expect(res).toMatchObject({ status: 202, body: { nodeId: node.id, status: "ready" } });
    const listed = await listCaptureRequests(admin, node.id, {});
    expect(listed.data[0]).toMatchObject({ id: req.id, state: "done", evidenceId: res.body.id });
    const file = await db.prisma.evidenceFile.findFirstOrThrow({ where: { evidenceId: res.body.id } });
    expect(file).toMatchObject({ host: "node-srv", kind: "pcap" });
    // stored gzip'd with its brief, read back whole
    expect(file.captureSummary).toBeNull();
    expect(file.captureBrief).toMatchObject({ packets: summary.packets, flows: summary.flows.length });
    expect(await readCaptureSummary(db.prisma, file.id)).toEqual(JSON.parse(JSON.stringify(summary)));

    const raw = await ingestCaptureRaw(actor, res.body.id, new Request("http://x/", {
      method: "POST",
      headers: { "content-type": "application/vnd.tcpdump.pcap", "content-encoding": "gzip" },
      body: new Uint8Array(gzipSync(pcap)),
    }));
    expect(raw.status).toBe(202);
    const item = await db.prisma.evidenceItem.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(gunzipSync(readFileSync(files.resolve(item.blobPath!))).equals(pcap)).toBe(true);
    expect(statSync(files.resolve(item.blobPath!)).isFile()).toBe(true);
    await expect(ingestCaptureRaw(other, res.body.id, new Request("http://x/", { method: "POST", body: "x" }))).rejects.toThrow(/not found/);

    const second = await createCaptureRequest(admin, node.id, { iface: "eth9" });
    await pollCaptureRequests(actor, { node: "node-srv" });
    await expect(failCaptureRequest(other, second.id, { error: "x" })).rejects.toThrow(/not found/);
    expect(await failCaptureRequest(actor, second.id, { error: "tcpdump: eth9: No such device exists" })).toMatchObject({
      state: "failed",
      error: "tcpdump: eth9: No such device exists",
    });
  });
});
