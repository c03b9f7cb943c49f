// Hostile uploads through the upload route and the analysis job: path traversal, links, zip and gzip bombs, an
// overlapping-entries zip, a 10 GB declared size, garbage labelled .tar.gz, a body cut off mid-way. Each is a 4xx
// or a failed evidence item and job with a clear message; nothing is written outside the files directory (and
// nothing stays in its tmp/ or spool/); the next ordinary upload works.
// This test reaches into app/ for the route handlers, as api.test.ts does.
/* eslint-disable no-restricted-imports */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as analysisRoute from "@/app/api/v1/incidents/[id]/analysis/route";
import * as evidenceItemRoute from "@/app/api/v1/incidents/[id]/evidence/[evidenceId]/route";
import * as evidenceRoute from "@/app/api/v1/incidents/[id]/evidence/route";
import * as health from "@/app/api/v1/health/route";
import { makeOverlapZip, makeTar, makeZip } from "../analysis/bundle/testdata/make";
import { setDatabase, type Database } from "./db";
import { makeAnalysisJob } from "./jobs/analysis-job";
import { Worker } from "./jobs/worker";
import { openFilesDir, setFilesDir, type FilesDir } from "./storage/files";
import { testTargets } from "./testing/databases";
import { makeUser, TEST_ORIGIN } from "./testing/auth";
import { call, signedIn, type Json } from "./testing/routes";

const NETSTAT = "Tcp:\n    10 active connection openings\n    3 passive connection openings\n";

describe.each(testTargets())("hostile uploads on $name", (target) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let files: FilesDir;
  let tmp: string;
  let worker: Worker;
  let incident: string;
  const escape = `nm-escape-${process.pid}`;

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
    tmp = mkdtempSync(path.join(tmpdir(), "nm-hostile-"));
    files = openFilesDir(path.join(tmp, "files"));
    setFilesDir(files);
    worker = new Worker({ db, storeId: files.storeId, handler: makeAnalysisJob(() => files), log: () => undefined });
    incident = (await db.prisma.incident.create({ data: { title: "hostile", severity: "sev1", startedAt: new Date() } })).id;
    const admin = await makeUser("admin");
    signedIn.headers = { cookie: admin.cookie, origin: TEST_ORIGIN };
  });
  afterAll(async () => {
    setDatabase(undefined);
    setFilesDir(undefined);
    await dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const upload = (body: BodyInit | Uint8Array, headers: Record<string, string>) =>
    call(evidenceRoute.POST, "POST", `/incidents/${incident}/evidence`, { id: incident }, { body, headers });

  /** an upload the job must refuse: the item fails with a message matching `message`, the job fails with it too */
  async function refusedByJob(bytes: Uint8Array, type: string, name: string, message: RegExp): Promise<Json> {
    const res = await upload(bytes, { "content-type": type, "x-filename": name });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await worker.drain();
    const item = await call(evidenceItemRoute.GET, "GET", `/incidents/${incident}/evidence/${res.body.data.id}`, {
      id: incident,
      evidenceId: res.body.data.id,
    });
    expect(item.body.data).toMatchObject({ status: "failed", error: expect.stringMatching(message) });
    expect(item.body.data.error).toContain(name);
    const job = await db.prisma.analysisJob.findUniqueOrThrow({ where: { id: res.body.data.jobId } });
    expect(job.state).toBe("failed");
    expect(job.error).toMatch(message);
    expect(job.attempts).toBe(1); // not retried: retrying cannot fix it
    expect(readdirSync(files.spool)).toEqual([]);
    expect(readdirSync(files.tmp)).toEqual([]);
    return item.body.data;
  }

  it("path traversal in a tar.gz: refused, nothing written", async () => {
    const tar = makeTar([
      { name: "node-1/sysctl.txt", data: "net.ipv4.tcp_syncookies = 1\n" },
      { name: `../../${escape}`, data: "pwned\n" },
    ]);
    await refusedByJob(gzipSync(tar), "application/gzip", "traversal.tar.gz", /unsafe|\.\./i);
    expect(existsSync(path.resolve(tmp, "..", escape))).toBe(false);
    expect(existsSync(path.resolve(files.root, "..", "..", escape))).toBe(false);
  });

  it("an absolute path, a symlink and a hardlink in a tar: refused", async () => {
    await refusedByJob(makeTar([{ name: "/etc/cron.d/x", data: "x" }]), "application/x-tar", "abs.tar", /absolute/i);
    await refusedByJob(makeTar([{ name: "node-1/passwd", type: "2", linkname: "/etc/passwd" }]), "application/x-tar", "symlink.tar", /link/i);
    await refusedByJob(makeTar([{ name: "node-1/passwd", type: "1", linkname: "/etc/passwd" }]), "application/x-tar", "hardlink.tar", /link/i);
  });

  it("a symlink and a traversal in a zip: refused", async () => {
    await refusedByJob(makeZip([{ name: "a/link", data: "/etc/passwd", mode: 0o120777 }]), "application/zip", "symlink.zip", /link/i);
    await refusedByJob(makeZip([{ name: `../${escape}`, data: "pwned" }]), "application/zip", "slip.zip", /unsafe|\.\./i);
  });

  it("a gzip bomb and a zip bomb stop at their bound", async () => {
    const zeros = new Uint8Array(64 * 1024 * 1024);
    const bomb = gzipSync(makeTar([{ name: "node-1/big.txt", data: zeros }]), { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    await refusedByJob(bomb, "application/gzip", "bomb.tar.gz", /likely bomb|inflates beyond/i);
    await refusedByJob(
      makeZip([{ name: "node-1/big.txt", data: zeros, deflate: true }]),
      "application/zip",
      "bomb.zip",
      /likely bomb|inflates beyond|ratio/i,
    );
    // the overlapping-entries bomb: one deflate stream that every central record points at
    await refusedByJob(makeOverlapZip(40, new Uint8Array(4 * 1024 * 1024)), "application/zip", "overlap.zip", /overlap/i);
  });

  it("garbage labelled .tar.gz, and a gzip that is not one past its head: 415, or a failed job saying where", async () => {
    const garbage = new Uint8Array(100_000).map((_, i) => (i * 7919 + 13) & 0xff);
    const res = await upload(garbage, { "content-type": "application/gzip", "x-filename": "incident.tar.gz" });
    expect(res).toMatchObject({ status: 415, body: { error: { code: "unsupported_media_type", message: expect.stringMatching(/not a tar/) } } });
    const good = gzipSync(makeTar([{ name: "node-1/netstat-s.txt", data: NETSTAT }]));
    // its head inflates to a tar header (202), its end is gone: the job says so
    const cut = new Uint8Array(good.subarray(0, good.length - 40));
    await refusedByJob(cut, "application/gzip", "cut.tar.gz", /corrupt|gzip|unexpected end|truncated|invalid/i);
  });

  it("a 10 GB declared size is refused before a byte is read; a body over the cap as it streams", async () => {
    const big = await upload("abc", { "content-type": "application/gzip", "content-length": String(10 * 1024 ** 3) });
    expect(big).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
    const prev = process.env.NETMORTEM_UPLOAD_MAX_BYTES;
    process.env.NETMORTEM_UPLOAD_MAX_BYTES = "100000";
    try {
      const chunks = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(10_000).fill(0x41));
          c.close();
        },
      });
      const streamed = await upload(chunks as unknown as BodyInit, { "content-type": "text/plain" });
      expect(streamed).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
    } finally {
      if (prev === undefined) delete process.env.NETMORTEM_UPLOAD_MAX_BYTES;
      else process.env.NETMORTEM_UPLOAD_MAX_BYTES = prev;
    }
    expect(readdirSync(files.tmp)).toEqual([]);
  });

  it("a body cut off mid-way: 400 incomplete_body, nothing kept", async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 3) c.enqueue(new Uint8Array(16_384).fill(0x1f));
        else c.error(new Error("socket hang up"));
      },
    });
    const res = await upload(body as unknown as BodyInit, { "content-type": "application/gzip" });
    expect(res).toMatchObject({ status: 400, body: { error: { code: "incomplete_body" } } });
    expect(readdirSync(files.tmp)).toEqual([]);
    expect(await db.prisma.evidenceItem.count({ where: { incidentId: incident, status: "received" } })).toBe(0);
  });

  it("labels that do not fit the content, multipart, encodings, empty bodies: 4xx with the reason", async () => {
    const pcapMagic = new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0]);
    expect(await upload(pcapMagic, { "content-type": "text/plain" })).toMatchObject({ status: 415 });
    expect(await upload("hello\n", { "content-type": "application/vnd.tcpdump.pcap" })).toMatchObject({ status: 415 });
    expect(await upload("hello\n", { "content-type": "application/zip" })).toMatchObject({ status: 415 });
    expect(await upload("x", { "content-type": "multipart/form-data; boundary=x" })).toMatchObject({ status: 415 });
    expect(await upload("x", { "content-type": "text/plain", "content-encoding": "br" })).toMatchObject({ status: 415 });
    expect(await upload("", { "content-type": "text/plain" })).toMatchObject({ status: 400 });
    expect(await upload("x", { "content-type": "text/plain", "x-filename": "../../etc/passwd" })).toMatchObject({
      status: 400,
      body: { error: { issues: [{ path: "x-filename" }] } },
    });
    expect(await upload("x", { "content-type": "text/plain", "x-filename": ".." })).toMatchObject({ status: 400 });
    expect(readdirSync(files.tmp)).toEqual([]);
  });

  it("afterwards the server is healthy and an ordinary upload is analysed", async () => {
    expect((await call(health.GET, "GET", "/health", {})).status).toBe(200);
    const res = await upload(NETSTAT, { "content-type": "text/plain" });
    expect(res.status).toBe(202);
    await worker.drain();
    const a = await call(analysisRoute.GET, "GET", `/incidents/${incident}/analysis`, { id: incident });
    expect(a.body.data).toMatchObject({ status: "done", hosts: [expect.objectContaining({ files: [expect.objectContaining({ kind: "netstat-s" })] })] });
    const dirs = readdirSync(files.root).sort();
    expect(dirs).toEqual(["blobs", "spool", "store-id", "tmp"]);
    expect(readdirSync(files.blobs)).toEqual([]);
  });
});
