/**
 * The sending side against a small HTTP server made here (loopback): gzip, Idempotency-Key kept across retries, the
 * spool (bounded, oldest first, backoff), token refusal, refused bodies dropped.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sender, TokenRefused } from "./send";

type Got = { path: string; key: string; auth: string; encoding: string; body: { n: number } };

let server: Server;
let port = 0;
let got: Got[] = [];
let answer: (req: IncomingMessage) => number = () => 202;
const dirs: string[] = [];

function start(): Promise<void> {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = answer(req);
      if (status >= 200 && status < 300) {
        const raw = Buffer.concat(chunks);
        got.push({
          path: req.url ?? "",
          key: String(req.headers["idempotency-key"]),
          auth: String(req.headers.authorization),
          encoding: String(req.headers["content-encoding"]),
          body: JSON.parse((req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8")) as { n: number },
        });
      }
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(status < 300 ? { data: { id: "e1", nodeId: "n1", status: "received", duplicate: false } } : { error: { code: status === 403 ? "forbidden" : "unavailable", message: status === 403 ? "this token belongs to another cluster" : "try later" } }));
    });
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => {
    port = (server.address() as { port: number }).port;
    r();
  }));
}

beforeEach(async () => {
  got = [];
  answer = () => 202;
  await start();
});
afterEach(() => new Promise<void>((r) => server.close(() => r())));
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function sender(over: Partial<ConstructorParameters<typeof Sender>[0]> = {}) {
  const spoolDir = mkdtempSync(path.join(tmpdir(), "netmortem-spool-test-"));
  dirs.push(spoolDir);
  const logs: string[] = [];
  const s = new Sender({ server: `http://127.0.0.1:${port}/`, token: "nmi_test", spoolDir, backoffMs: 50, maxBackoffMs: 200, log: (l) => logs.push(l), ...over });
  return { s, spoolDir, logs };
}

describe("Sender", () => {
  it("sends gzip'd JSON with the token and an Idempotency-Key", async () => {
    const { s } = sender();
    const r = await s.send("snapshots", { n: 1 });
    expect(r.status).toBe("sent");
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ path: "/api/v1/ingest/snapshots", auth: "Bearer nmi_test", encoding: "gzip", body: { n: 1 } });
    expect(got[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("spools while the server is away and sends oldest first, with the same keys, when it is back", async () => {
    const { s, spoolDir } = sender();
    answer = () => 503;
    const keys: string[] = [];
    for (let n = 1; n <= 3; n++) expect((await s.send("snapshots", { n })).status).toBe("spooled");
    expect(readdirSync(spoolDir)).toHaveLength(3);
    for (const f of (await s.spooled())) keys.push(f.key);
    // before the backoff is over, nothing is tried
    expect(await s.flush()).toBe(0);
    answer = () => 202;
    await new Promise((r) => setTimeout(r, 260));
    expect(await s.flush()).toBe(3);
    expect(got.map((g) => g.body.n)).toEqual([1, 2, 3]);
    expect(got.map((g) => g.key)).toEqual(keys);
    expect(readdirSync(spoolDir)).toHaveLength(0);
  });

  it("queues new bodies behind spooled ones", async () => {
    const { s } = sender();
    answer = () => 503;
    await s.send("snapshots", { n: 1 });
    answer = () => 202;
    await new Promise((r) => setTimeout(r, 260));
    await s.send("snapshots", { n: 2 });
    expect(got.map((g) => g.body.n)).toEqual([1, 2]);
  });

  it("a server that is not there at all: spooled with the reason", async () => {
    // a port nothing listens on: one that was just free
    const probe = createServer();
    const free = await new Promise<number>((r) => probe.listen(0, "127.0.0.1", () => r((probe.address() as { port: number }).port)));
    await new Promise((r) => probe.close(r));
    const { s, logs } = sender({ server: `http://127.0.0.1:${free}/` });
    const r = await s.send("snapshots", { n: 1 });
    expect(r).toMatchObject({ status: "spooled" });
    expect(logs.join("\n")).toMatch(/server unreachable \(ECONNREFUSED\); spooled/);
  });

  it("keeps the spool bounded: the oldest go first, and it says so", async () => {
    const { s, logs } = sender({ maxSpoolFiles: 2 });
    answer = () => 500;
    for (let n = 1; n <= 4; n++) await s.send("snapshots", { n });
    const left = await s.spooled();
    expect(left).toHaveLength(2);
    expect(logs.filter((l) => /spool full/.test(l))).toHaveLength(2);
    answer = () => 202;
    await s.flush(true);
    expect(got.map((g) => g.body.n)).toEqual([3, 4]);
  });

  it("a refused token is its own error, with the server's message, and the body is kept", async () => {
    const { s } = sender();
    answer = () => 403;
    const e = await s.send("snapshots", { n: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TokenRefused);
    expect((e as Error).message).toMatch(/refused the ingest token \(HTTP 403: forbidden: this token belongs to another cluster\)/);
    expect(await s.spooled()).toHaveLength(1);
  });

  it("a body the server refuses (4xx) is dropped, not retried", async () => {
    const { s, logs } = sender();
    answer = () => 400;
    expect((await s.send("snapshots", { n: 1 })).status).toBe("dropped");
    expect(await s.spooled()).toHaveLength(0);
    expect(logs.join("\n")).toMatch(/dropped, not retried/);
    expect(s.dropped).toBe(1);
  });

  it("a capture request's failure goes as plain JSON (the server's JSON routes take no Content-Encoding), and a refusal is said", async () => {
    const { s } = sender();
    expect(await s.postJson("/api/v1/ingest/capture-requests/r1/failure", { error: "tcpdump: nosuch0: No such device exists" })).toEqual({ ok: true, why: "" });
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ path: "/api/v1/ingest/capture-requests/r1/failure", encoding: "undefined", auth: "Bearer nmi_test", body: { error: "tcpdump: nosuch0: No such device exists" } });
    answer = () => 403;
    expect(await s.postJson("/api/v1/ingest/capture-requests/r2/failure", { error: "x" })).toEqual({ ok: false, why: "HTTP 403 forbidden: this token belongs to another cluster" });
  });
});
