// Redaction at upload (issue 14): POST …/evidence?redact=1 with X-Netmortem-Redact-Key. A real lab bundle (recorded
// by scripts/record/lab-bundles.sh) uploaded redacted gives the root cause of the same bundle uploaded as it is, and
// none of its addresses, MACs or host names is left in what the server keeps (texts, analysis, file names, spool);
// the key is nowhere (database, files directory); a bad key is a 400 and leaves nothing. Both databases.
// This test reaches into app/ for the route handlers, as evidence.test.ts does.
/* eslint-disable no-restricted-imports */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as analysisRoute from "@/app/api/v1/incidents/[id]/analysis/route";
import * as evidenceRoute from "@/app/api/v1/incidents/[id]/evidence/route";
import { expandArchive, groupHosts } from "../analysis/bundle";
import { capturePackets } from "../analysis/capture";
import { learnHostNames, Redactor } from "../analysis/redact";
import { setDatabase, type Database } from "./db";
import { makeAnalysisJob } from "./jobs/analysis-job";
import { Worker } from "./jobs/worker";
import { openFilesDir, setFilesDir, type FilesDir } from "./storage/files";
import { readCaptureSummary } from "./storage/capture-summaries";
import { readTextBlobs } from "./storage/text-blobs";
import { makeUser, TEST_ORIGIN } from "./testing/auth";
import { testTargets } from "./testing/databases";
import { call, signedIn } from "./testing/routes";

const ROOT = path.resolve(__dirname, "../..");
const LAB = path.join(ROOT, "lib/analysis/checklist/testdata/lab");
const BUNDLE = "bridge_subnet_collision";
const KEY_HEX = "5c".repeat(8) + "0123456789abcdef".repeat(3);
const key = Buffer.from(KEY_HEX, "hex");

const dec = new TextDecoder();
const isCapture = (b: Uint8Array) => b.length > 4 && [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a].includes(((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0);
const IPV4 = /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\d)/g;
const IPV6 = /(?<![\w:.])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}(?![\w:])/g;
const MAC = /(?<![\w:])[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}(?![\w:])/g;

/** What must be gone: every address and MAC the redactor changes in the bundle's texts, its host names (as lab.test.ts). */
function originalsOf(bytes: Uint8Array): { originals: Set<string>; names: string[] } {
  const a = expandArchive(bytes);
  if (a.status !== "success") throw new Error(a.error.message);
  const r = new Redactor(key);
  const originals = new Set<string>();
  const names = new Set<string>(groupHosts({ name: BUNDLE, entries: a.entries }).keys());
  for (const e of a.entries) {
    if (isCapture(e.data)) continue;
    const t = dec.decode(e.data);
    for (const re of [IPV4, IPV6]) for (const m of t.matchAll(re)) if (r.ip(m[0]) !== m[0]) originals.add(m[0]);
    for (const m of t.matchAll(MAC)) if (r.mac(m[0]) !== m[0]) originals.add(m[0].toLowerCase());
    for (const n of learnHostNames(t)) names.add(n);
  }
  return { originals, names: [...names].filter((n) => /[0-9._-]/.test(n)) };
}

function leaks(text: string, o: { originals: Set<string>; names: string[] }): string[] {
  const found = [...text.matchAll(IPV4), ...text.matchAll(IPV6)].map((m) => m[0]).filter((x) => o.originals.has(x));
  const macs = [...text.matchAll(MAC)].map((m) => m[0].toLowerCase()).filter((x) => o.originals.has(x));
  const names = o.names.filter((n) => new RegExp(`(?<![\\w-])${n.replace(/[.]/g, "\\.")}(?![\\w-])`).test(text));
  return [...found, ...macs, ...names];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...filesUnder(p));
    else if (d.isFile()) out.push(p);
  }
  return out;
}

describe.each(testTargets())("redaction at upload on $name", (target) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let files: FilesDir;
  let tmp: string;
  let worker: Worker;
  const bytes = readFileSync(path.join(LAB, `${BUNDLE}.tar.gz`));
  const o = originalsOf(bytes);

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
    tmp = mkdtempSync(path.join(tmpdir(), "nm-redact-upload-"));
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

  const incident = async (title: string) => (await db.prisma.incident.create({ data: { title, severity: "sev2", startedAt: new Date() } })).id;
  const upload = (id: string, headers: Record<string, string>, query = "") =>
    call(evidenceRoute.POST, "POST", `/incidents/${id}/evidence${query}`, { id }, {
      body: bytes,
      headers: { "content-type": "application/gzip", "x-filename": `${BUNDLE}.tar.gz`, ...headers },
    });
  const analysis = async (id: string) => (await call(analysisRoute.GET, "GET", `/incidents/${id}/analysis`, { id })).body.data;

  it("bad keys and a key without redact=1: 400, nothing stored", async () => {
    expect(o.originals.size).toBeGreaterThan(3);
    expect(o.names.length).toBeGreaterThan(0);
    const id = await incident("bad key");
    for (const [headers, query] of [
      [{ "x-netmortem-redact-key": "abc" }, "?redact=1"],
      [{ "x-netmortem-redact-key": `${KEY_HEX.slice(2)}zz` }, "?redact=1"],
      [{}, "?redact=1"],
      [{ "x-netmortem-redact-key": KEY_HEX }, ""],
    ] as const) {
      const res = await upload(id, headers, query);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.stringContaining("redact") });
      expect(JSON.stringify(res.body)).not.toContain(KEY_HEX.slice(2, 40));
    }
    expect(await db.prisma.evidenceItem.count({ where: { incidentId: id } })).toBe(0);
    expect([...filesUnder(files.spool), ...filesUnder(files.tmp)]).toEqual([]);
  });

  it("a lab bundle uploaded redacted: the same root cause, none of its addresses, MACs or host names kept, the key nowhere", { timeout: 120_000 }, async () => {
    const plainId = await incident("plain");
    expect((await upload(plainId, {})).status).toBe(202);
    const redId = await incident("redacted");
    const res = await upload(redId, { "x-netmortem-redact-key": KEY_HEX }, "?redact=1");
    expect(res.status).toBe(202);
    expect(await worker.drain()).toBe(2);

    const [plain, red] = [await analysis(plainId), await analysis(redId)];
    expect(plain.status).toBe("done");
    expect(red.status).toBe("done");
    expect(plain.rootCause).toBe("bridge_subnet_collision");
    expect(red.rootCause).toBe(plain.rootCause);
    expect(red.findings.map((f: { id: string }) => f.id)).toEqual(plain.findings.map((f: { id: string }) => f.id));
    // the analysis of the original does hold them (the grep finds what it looks for)
    expect(leaks(JSON.stringify(plain), o).length).toBeGreaterThan(0);
    // a rule's summary is its fixed text (bridge_subnet_collision names docker0's 172.17.0.0/16): the same in both
    const summaries = (a: { findings: { summary: string }[] }) => a.findings.map((f) => f.summary);
    expect(summaries(red)).toEqual(summaries(plain));
    const rest = { ...red, findings: red.findings.map((f: { summary: string }) => ({ ...f, summary: "" })) };
    expect(leaks(JSON.stringify(rest), o)).toEqual([]);

    const item = await db.prisma.evidenceItem.findUniqueOrThrow({ where: { id: res.body.data.id }, include: { files: true } });
    expect(item.options).toMatchObject({ redacted: true });
    expect(leaks(`${item.filename}\n${JSON.stringify(item.options)}`, o)).toEqual([]);
    expect(item.files.length).toBeGreaterThan(3);
    for (const f of item.files) expect(leaks(`${f.host} ${f.path}`, o), f.path).toEqual([]);
    const shas = item.files.map((f) => f.blobSha256).filter((x): x is string => !!x);
    expect(shas.length).toBeGreaterThan(3);
    const texts = await readTextBlobs(db.prisma, shas);
    expect(texts.size).toBe(new Set(shas).size);
    for (const [sha, t] of texts) expect(leaks(t, o), sha).toEqual([]);

    // the key: not in any row of any table, nor in any file kept
    const tables = await db.withSession((s) => s.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema()`));
    for (const { t } of tables) {
      const rows = await db.withSession((s) => s.query<{ r: string }>(`SELECT x::text AS r FROM "${t}" x`));
      const dump = rows.map((r) => r.r).join("\n").toLowerCase();
      expect(dump.includes(KEY_HEX.toLowerCase()), t).toBe(false);
      expect(dump.includes(key.toString("base64").toLowerCase()), t).toBe(false);
    }
    for (const f of filesUnder(files.root)) {
      const b = readFileSync(f);
      expect(b.includes(Buffer.from(KEY_HEX)) || b.includes(key), f).toBe(false);
      expect(statSync(f).size).toBeGreaterThan(0);
    }
    expect(readdirSync(files.tmp)).toEqual([]);
  });

  it("a paste redacted: its host (X-Host) and addresses pseudonymised, one redacted file kept", async () => {
    const id = await incident("paste");
    const text = "default via 10.31.7.1 dev eth0 proto dhcp src 10.31.7.20 metric 100\n10.31.7.0/24 dev eth0 proto kernel scope link src 10.31.7.20\n";
    const res = await call(evidenceRoute.POST, "POST", `/incidents/${id}/evidence?redact=true`, { id }, {
      body: text,
      headers: { "content-type": "text/plain", "x-host": "worker-7.corp.example", "x-netmortem-redact-key": KEY_HEX },
    });
    expect(res.status).toBe(202);
    await worker.drain();
    const item = await db.prisma.evidenceItem.findUniqueOrThrow({ where: { id: res.body.data.id }, include: { files: true } });
    expect(item.kind).toBe("paste");
    expect(item.options).toMatchObject({ redacted: true, host: new Redactor(key).host("worker-7.corp.example") });
    const texts = await readTextBlobs(db.prisma, item.files.map((f) => f.blobSha256!).filter(Boolean));
    const all = [...texts.values(), item.filename, JSON.stringify(item.files.map((f) => [f.host, f.path]))].join("\n");
    expect(all).not.toMatch(/10\.31\.7|worker-7/);
    expect([...texts.values()].join("")).toMatch(/^default via \d+\.\d+\.\d+\.\d+ dev eth0/);
  });

  it("a single capture redacted: stored as a capture whose summary holds none of its addresses", async () => {
    const id = await incident("capture");
    const pcap = readFileSync(path.join(ROOT, "lib/analysis/capture/testdata/nodeport-collision-node-rsts.pcap"));
    const r = new Redactor(key);
    const originals = new Set<string>();
    for (const p of (await capturePackets(pcap)).packets) for (const x of [p.src, p.dst]) if (r.ip(x) !== x) originals.add(x);
    expect(originals.size).toBeGreaterThan(1);
    const res = await call(evidenceRoute.POST, "POST", `/incidents/${id}/evidence?redact=1`, { id }, {
      body: pcap,
      headers: { "content-type": "application/vnd.tcpdump.pcap", "x-filename": "node-rsts.pcap", "x-netmortem-redact-key": KEY_HEX },
    });
    expect(res.status).toBe(202);
    await worker.drain();
    const item = await db.prisma.evidenceItem.findUniqueOrThrow({ where: { id: res.body.data.id }, include: { files: true } });
    expect(item).toMatchObject({ kind: "capture", status: "ready", options: { redacted: true } });
    expect(item.files).toHaveLength(1);
    const summary = JSON.stringify(await readCaptureSummary(db.prisma, item.files[0]!.id));
    expect(summary.length).toBeGreaterThan(100);
    const found = [...summary.matchAll(IPV4), ...summary.matchAll(IPV6)].map((m) => m[0]);
    expect(found.length).toBeGreaterThan(0);
    // the summary names the hosts by their pseudonyms (it would name them as they are unredacted)
    const pseudonyms = new Set([...originals].map((x) => r.ip(x)));
    expect(found.some((x) => pseudonyms.has(x))).toBe(true);
    expect(found.filter((x) => originals.has(x))).toEqual([]);
    expect(found.filter((x) => originals.has(x.replace(/\/\d+$/, "")))).toEqual([]);
  });
});
