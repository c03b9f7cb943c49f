// Evidence in, analysis out, through the route handlers and the job worker, on both databases: real recorded
// bundles (the seed bundles recorded by e2e/lab/seeds) uploaded as .tar.gz and .zip, a single capture, a pasted
// `netstat -s`; the analysis made from the database equals the CLI's analyzeBundle of the same files.
// This test reaches into app/ for the route handlers, as api.test.ts does.
/* eslint-disable no-restricted-imports */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as analysisRoute from "@/app/api/v1/incidents/[id]/analysis/route";
import * as evidenceItemRoute from "@/app/api/v1/incidents/[id]/evidence/[evidenceId]/route";
import * as evidenceRoute from "@/app/api/v1/incidents/[id]/evidence/route";
import { analyzeBundle } from "../analysis/diagnosis";
import { snapshotRank } from "../analysis/evidence/merge";
import { makeZip } from "../analysis/bundle/testdata/make";
import { setDatabase, type Database } from "./db";
import { defaultFilename } from "./ingest/sniff";
import { makeAnalysisJob } from "./jobs/analysis-job";
import { Worker } from "./jobs/worker";
import { openFilesDir, setFilesDir, type FilesDir } from "./storage/files";
import { makeUser, TEST_ORIGIN } from "./testing/auth";
import { testTargets } from "./testing/databases";
import { call, signedIn, tarGz, verdict, type Json } from "./testing/routes";

const ROOT = path.resolve(__dirname, "../..");
const SEEDS = path.join(ROOT, "lib/analysis/diagnosis/testdata/seeds");
const CAPTURES = path.join(ROOT, "lib/analysis/capture/testdata");

function filesUnder(dir: string, rel = ""): Array<{ name: string; data: Uint8Array }> {
  const out: Array<{ name: string; data: Uint8Array }> = [];
  for (const d of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...filesUnder(dir, r));
    else out.push({ name: r, data: readFileSync(path.join(dir, r)) });
  }
  return out;
}

describe.each(testTargets())("evidence and analysis on $name", (target) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let files: FilesDir;
  let tmp: string;
  let worker: Worker;

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
    tmp = mkdtempSync(path.join(tmpdir(), "nm-evidence-"));
    files = openFilesDir(path.join(tmp, "files"));
    setFilesDir(files);
    worker = new Worker({ db, storeId: files.storeId, handler: makeAnalysisJob(() => files), log: () => undefined });
    const admin = await makeUser("admin");
    signedIn.headers = { cookie: admin.cookie, origin: TEST_ORIGIN };
  });
  afterAll(async () => {
    setDatabase(undefined);
    setFilesDir(undefined);
    await dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const incident = async (title: string) =>
    (await db.prisma.incident.create({ data: { title, severity: "sev2", startedAt: new Date() } })).id;
  const upload = (id: string, body: BodyInit | Buffer | Uint8Array, headers: Record<string, string>, query = "") =>
    call(evidenceRoute.POST, "POST", `/incidents/${id}/evidence${query}`, { id }, { body, headers });
  const analysis = (id: string) => call(analysisRoute.GET, "GET", `/incidents/${id}/analysis`, { id });

  it("a multi-host .tar.gz bundle: stored, recognised file by file, analysed as the CLI analyses it", async () => {
    const id = await incident("overlay");
    const seed = path.join(SEEDS, "000-overlay-mtu");
    const bytes = tarGz(seed, path.join(tmp, "000.tar.gz"));
    const res = await upload(id, bytes, { "content-type": "application/gzip", "x-filename": "000-overlay-mtu.tar.gz" });
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: "received", duplicate: false, jobId: expect.any(String) });
    expect((await analysis(id)).body.data).toMatchObject({ status: "queued", progress: { stage: "queued" } });

    expect(await worker.drain()).toBe(1);
    const a = (await analysis(id)).body.data;
    const cli = await analyzeBundle([seed]);
    expect(a.status).toBe("done");
    expect(a.rootCause).toBe("overlay_mtu_mismatch");
    expect(verdict(a)).toEqual(verdict(cli as unknown as Json));
    expect(a.evidenceIds).toEqual([res.body.data.id]);
    expect(a.version).toBe(1);

    const list = await call(evidenceRoute.GET, "GET", `/incidents/${id}/evidence`, { id });
    expect(list.status).toBe(200);
    const item = list.body.data[0];
    expect(item).toMatchObject({ kind: "bundle", status: "ready", filename: "000-overlay-mtu.tar.gz", hosts: ["ecs-205", "ecs-207", "gateway-pod"] });
    expect(item.fileCount).toBe(filesUnder(seed).length);
    const one = await call(evidenceItemRoute.GET, "GET", `/incidents/${id}/evidence/${item.id}`, { id, evidenceId: item.id });
    const cliFiles = cli.hosts.flatMap((h) => h.files.map((f) => `${h.name}/${f.path} ${f.kind}`)).sort();
    const ours = one.body.data.files.filter((f: Json) => f.recognised).map((f: Json) => `${f.host}/${f.path} ${f.kind}`).sort();
    expect(ours).toEqual(cliFiles);
    // the spool is emptied once read; nothing stays in tmp
    expect(readdirSync(files.spool)).toEqual([]);
    expect(readdirSync(files.tmp)).toEqual([]);
  });

  it("the same bytes twice make one item; another incident gets its own", async () => {
    const id = await incident("dup");
    const bytes = tarGz(path.join(SEEDS, "003-tw-recycle-nat"), path.join(tmp, "003.tar.gz"));
    const first = await upload(id, bytes, { "content-type": "application/gzip" });
    const second = await upload(id, bytes, { "content-type": "application/gzip", "x-filename": "again.tar.gz" });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual({ id: first.body.data.id, status: "received", duplicate: true, jobId: null });
    const other = await upload(await incident("other"), bytes, { "content-type": "application/gzip" });
    expect(other.status).toBe(202);
    expect(other.body.data.id).not.toBe(first.body.data.id);
    expect(await worker.drain()).toBe(2);
    expect(await db.prisma.evidenceItem.count({ where: { incidentId: id } })).toBe(1);
  });

  it("a .zip of another recorded bundle, then a second bundle: a new version from both", async () => {
    const id = await incident("nodeport");
    const seed = path.join(SEEDS, "002-nodeport");
    const zip = makeZip(filesUnder(seed).map((f) => ({ name: f.name, data: f.data })));
    const res = await upload(id, Buffer.from(zip), { "content-type": "application/zip", "x-filename": "002-nodeport.zip" });
    expect(res.status).toBe(202);
    await worker.drain();
    const a = (await analysis(id)).body.data;
    expect(verdict(a)).toEqual(verdict((await analyzeBundle([seed])) as unknown as Json));
    expect(a.rootCause).toBe("port_range_nodeport_collision");

    const more = tarGz(path.join(SEEDS, "004-accept-queue"), path.join(tmp, "004.tar.gz"));
    const res2 = await upload(id, more, { "content-type": "application/gzip", "x-filename": "004-accept-queue.tar.gz" });
    expect((await analysis(id)).body.data).toMatchObject({ status: "queued", version: 1, stale: true });
    await worker.drain();
    const b = (await analysis(id)).body.data;
    expect(b).toMatchObject({ status: "done", version: 2, stale: false });
    expect(new Set(b.evidenceIds)).toEqual(new Set([res.body.data.id, res2.body.data.id]));
    expect(b.findings.map((f: Json) => f.id)).toEqual(expect.arrayContaining(["port_range_nodeport_collision", "accept_queue_overflow"]));
  });

  it("a single capture: summarised while read, kept raw only when asked", async () => {
    const id = await incident("capture");
    const pcap = readFileSync(path.join(CAPTURES, "accept-queue-full-syn-drops.pcap"));
    const res = await upload(id, pcap, { "content-type": "application/vnd.tcpdump.pcap", "x-host": "server" }, "?keepRaw=true");
    expect(res.status).toBe(202);
    await worker.drain();
    const one = await call(evidenceItemRoute.GET, "GET", `/incidents/${id}/evidence/${res.body.data.id}`, { id, evidenceId: res.body.data.id });
    expect(one.body.data).toMatchObject({ kind: "capture", status: "ready", hosts: ["server"], rawKept: true, filename: "capture.pcap" });
    expect(one.body.data.files).toEqual([
      expect.objectContaining({ host: "server", path: "capture.pcap", kind: "pcap", recognised: true, capture: expect.objectContaining({ format: "pcap", flows: 5 }) }),
    ]);
    const kept = await db.prisma.evidenceItem.findUniqueOrThrow({ where: { id: res.body.data.id } });
    expect(statSync(files.resolve(kept.blobPath!)).size).toBe(pcap.length);
    const a = (await analysis(id)).body.data;
    expect(a.status).toBe("done");
    expect(a.hosts).toEqual([expect.objectContaining({ name: "server", files: [{ path: "capture.pcap", kind: "pcap" }] })]);
  });

  it("a pasted netstat -s: recognised and analysed", async () => {
    const id = await incident("paste");
    const text = readFileSync(path.join(SEEDS, "000-overlay-mtu/ecs-205/netstat-s-after.txt"), "utf8");
    const res = await upload(id, text, { "content-type": "text/plain; charset=utf-8" });
    expect(res.status).toBe(202);
    await worker.drain();
    const list = await call(evidenceRoute.GET, "GET", `/incidents/${id}/evidence?kind=paste`, { id });
    expect(list.body.data[0]).toMatchObject({ kind: "paste", status: "ready", hosts: ["host"], recognisedCount: 1 });
    expect(list.body.data[0].files[0]).toMatchObject({ kind: "netstat-s", recognised: true, path: expect.stringMatching(/^[0-9a-f]{8}-paste\.txt$/) });
    const a = (await analysis(id)).body.data;
    expect(a.status).toBe("done");
    expect(a.hosts[0].files).toEqual([expect.objectContaining({ kind: "netstat-s" })]);
  });

  it("a terminal paste of two netstat -s readings is two readings: the root cause, whatever the paste's hash", async () => {
    const id = await incident("paste twice");
    const dir = path.join(SEEDS, "004-accept-queue/nginx-pod");
    const text = ["root@nginx-pod:~# netstat -s", readFileSync(path.join(dir, "netstat-s-before.txt"), "utf8"), "root@nginx-pod:~# sleep 10",
      "root@nginx-pod:~# netstat -s", readFileSync(path.join(dir, "netstat-s-after.txt"), "utf8")].join("\n");
    const res = await upload(id, text, { "content-type": "text/plain" });
    expect(res.status).toBe(202);
    await worker.drain();
    expect((await analysis(id)).body.data).toMatchObject({ status: "done", rootCause: "accept_queue_overflow", hosts: [expect.objectContaining({ name: "nginx-pod" })] });
    // a default name never ends in digits (they would be read as the rank of one reading: "paste-be779ee7")
    for (const sha of ["be779ee7", "00112233", "abcdefab"]) expect(snapshotRank(defaultFilename({ kind: "paste", format: "text", gzip: false }, sha.padEnd(64, "0")))).toBeUndefined();
  });

  it("an incident with nothing: status none; a request for an analysis of nothing finishes without one", async () => {
    const id = await incident("empty");
    expect((await analysis(id)).body.data).toMatchObject({ status: "none", analysisId: null, evidenceIds: [], stale: false });
    const req = await call(analysisRoute.POST, "POST", `/incidents/${id}/analysis`, { id });
    expect(req.status).toBe(202);
    expect(req.body.data).toEqual({ jobId: expect.any(String), status: "queued" });
    await worker.drain();
    expect((await analysis(id)).body.data).toMatchObject({ status: "done", analysisId: null, error: expect.stringMatching(/no evidence yet/) });
  });

  it("re-analysis on request makes a new version from the database alone", async () => {
    const id = await incident("again");
    const seed = path.join(SEEDS, "001-tw-recycle-swarm");
    await upload(id, tarGz(seed, path.join(tmp, "001.tar.gz")), { "content-type": "application/gzip", "x-filename": "001-tw-recycle-swarm.tar.gz" });
    await worker.drain();
    const v1 = (await analysis(id)).body.data;
    expect(readdirSync(files.spool)).toEqual([]);
    await call(analysisRoute.POST, "POST", `/incidents/${id}/analysis`, { id }, { body: "{}", headers: { "content-type": "application/json" } });
    await worker.drain();
    const v2 = (await analysis(id)).body.data;
    expect(v2.version).toBe(v1.version + 1);
    expect(verdict(v2)).toEqual(verdict(v1));
    expect(verdict(v2)).toEqual(verdict((await analyzeBundle([seed])) as unknown as Json));
  });

  it("unknown and malformed incidents, evidence of another incident", async () => {
    const missing = "6f1c2b7e-0000-4000-8000-000000000000";
    expect((await upload(missing, "x", { "content-type": "text/plain" })).status).toBe(404);
    expect((await analysis(missing)).status).toBe(404);
    expect((await analysis("nope")).status).toBe(400);
    const a = await incident("a");
    const b = await incident("b");
    const res = await upload(a, "net.ipv4.tcp_syncookies = 1\n", { "content-type": "text/plain" });
    const cross = await call(evidenceItemRoute.GET, "GET", `/incidents/${b}/evidence/${res.body.data.id}`, { id: b, evidenceId: res.body.data.id });
    expect(cross.status).toBe(404);
  });
});
