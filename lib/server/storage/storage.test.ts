// The storage edge: bodies streamed to temp files (cap, hash, cut-off bodies), text blobs stored once, on both
// databases.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db";
import { IncompleteBodyError, PayloadTooLargeError } from "../errors";
import { testTargets } from "../testing/databases";
import { openFilesDir } from "./files";
import { checkDeclaredLength, receiveBody } from "./receive";
import { summarizeCapture } from "../../analysis/capture";
import { briefOf, packSummary, readCaptureSummary } from "./capture-summaries";
import { existingBlobs, putTextBlobs, readTextBlobs, textBlob } from "./text-blobs";

const ROOT = path.resolve(__dirname, "../../..");
const CAPTURES = path.join(ROOT, "lib/analysis/capture/testdata");

function streamOf(chunks: Uint8Array[], failAfter?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (failAfter !== undefined && i === failAfter) {
        c.error(new Error("aborted"));
        return;
      }
      if (i < chunks.length) c.enqueue(chunks[i++]);
      else c.close();
    },
  });
}

describe("receiveBody", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "nm-recv-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the body, counts it, hashes it and keeps its head", async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => new Uint8Array(3000).fill(i));
    const r = await receiveBody(streamOf(chunks), { dir, cap: 1 << 20, declaredLength: 120_000 });
    const all = Buffer.concat(chunks);
    expect(r.size).toBe(120_000);
    expect(r.sha256).toBe(createHash("sha256").update(all).digest("hex"));
    expect(r.head.equals(all.subarray(0, 64 * 1024))).toBe(true);
    expect(readFileSync(r.path).equals(all)).toBe(true);
    rmSync(r.path);
  });

  it("refuses a body past the cap as it streams and leaves no file", async () => {
    const chunks = Array.from({ length: 10 }, () => new Uint8Array(1000));
    await expect(receiveBody(streamOf(chunks), { dir, cap: 5500 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a declared length over the cap before reading anything", () => {
    expect(() => checkDeclaredLength(new Headers({ "content-length": "10737418240" }), 1 << 30)).toThrow(PayloadTooLargeError);
    expect(checkDeclaredLength(new Headers({ "content-length": "12" }), 1 << 30)).toBe(12);
    expect(checkDeclaredLength(new Headers(), 1 << 30)).toBeUndefined();
  });

  it("a body cut off mid-way, or shorter than declared, leaves no file", async () => {
    const chunks = Array.from({ length: 10 }, () => new Uint8Array(1000));
    await expect(receiveBody(streamOf(chunks, 4), { dir, cap: 1 << 20 })).rejects.toBeInstanceOf(IncompleteBodyError);
    await expect(receiveBody(streamOf(chunks), { dir, cap: 1 << 20, declaredLength: 20_000 })).rejects.toThrow(
      /10000 bytes, Content-Length said 20000/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("files directory", () => {
  it("keeps its store id and refuses paths outside itself", () => {
    const root = mkdtempSync(path.join(tmpdir(), "nm-files-"));
    try {
      const a = openFilesDir(root);
      const b = openFilesDir(root);
      expect(a.storeId).toMatch(/^[0-9a-f-]{36}$/);
      expect(b.storeId).toBe(a.storeId);
      expect(a.resolve("spool/x")).toBe(path.join(a.root, "spool/x"));
      expect(() => a.resolve("../etc/passwd")).toThrow(/outside/);
      expect(() => a.resolve("/etc/passwd")).toThrow(/outside/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe.each(testTargets())("text blobs on $name", (target) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await target.open());
  });
  afterAll(() => dispose());

  it("stores each distinct text once and reads it back", async () => {
    const a = textBlob("net.ipv4.tcp_tw_recycle = 1\n");
    const b = textBlob("TcpExt: SyncookiesSent\nTcpExt: 0\n".repeat(100));
    expect(await putTextBlobs(db.prisma, [a, b, a])).toBeGreaterThan(0);
    expect(await putTextBlobs(db.prisma, [a, b])).toBe(0);
    const rows = await db.withSession((s) => s.query<{ n: number }>("SELECT count(*)::int AS n FROM text_blobs"));
    expect(rows[0].n).toBe(2);
    expect(await existingBlobs(db.prisma, [a.sha256, "0".repeat(64)])).toEqual(new Set([a.sha256]));
    const texts = await readTextBlobs(db.prisma, [a.sha256, b.sha256]);
    expect(texts.get(a.sha256)).toBe("net.ipv4.tcp_tw_recycle = 1\n");
    expect(texts.get(b.sha256)).toBe(Buffer.from(b.bytes).toString("utf8"));
  });

  it("capture summaries: stored gzip'd with a brief, read back whole; a row from before 0007 (jsonb) gets its brief from the migration and reads the same", async () => {
    const summary = await summarizeCapture(readFileSync(path.join(CAPTURES, "nodeport-collision-node-rsts.pcap")));
    expect(summary.flows.length).toBeGreaterThan(1);
    const incident = await db.prisma.incident.create({ data: { title: "captures", severity: "sev3", startedAt: new Date() }, select: { id: true } });
    const item = await db.prisma.evidenceItem.create({
      data: { incidentId: incident.id, kind: "capture", sha256: "a".repeat(64), sizeBytes: 1n, status: "ready" },
      select: { id: true },
    });
    const packed = await packSummary(summary);
    const json = Buffer.from(JSON.stringify(summary));
    expect(packed.gz.length).toBeLessThan(json.length / 3);
    const fresh = await db.prisma.evidenceFile.create({
      data: { evidenceId: item.id, host: "h", path: "new.pcap", kind: "pcap", sizeBytes: 1n, captureSummaryGz: new Uint8Array(packed.gz), captureBrief: packed.brief as object },
      select: { id: true },
    });
    const old = await db.prisma.evidenceFile.create({
      data: { evidenceId: item.id, host: "h", path: "old.pcap", kind: "pcap", sizeBytes: 1n, captureSummary: JSON.parse(json.toString()) as object },
      select: { id: true },
    });
    const expected = JSON.parse(json.toString()) as unknown;
    expect(await readCaptureSummary(db.prisma, fresh.id)).toEqual(expected);
    expect(await readCaptureSummary(db.prisma, old.id)).toEqual(expected);
    // the migration's backfill of capture_brief, run on the old row: the same brief as one made when storing
    const sql = readFileSync(path.join(ROOT, "prisma/migrations/0007_capture_summary_gz/migration.sql"), "utf8");
    await db.withSession((s) => s.exec(sql.slice(sql.indexOf("UPDATE"))));
    const rows = await db.prisma.evidenceFile.findMany({ where: { evidenceId: item.id }, orderBy: { path: "asc" }, select: { path: true, captureBrief: true } });
    expect(rows.map((r) => r.path)).toEqual(["new.pcap", "old.pcap"]);
    expect(rows[1]!.captureBrief).toEqual(rows[0]!.captureBrief);
    expect(rows[0]!.captureBrief).toEqual(briefOf(summary));
    expect(briefOf(summary)).toMatchObject({ format: "pcap", packets: summary.packets, flows: summary.flows.length });
  });
});
