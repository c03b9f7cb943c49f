/**
 * The HTTP guard (issue 10 item 5) on a real Node HTTP server with raw requests: what Next cannot answer (TRACE,
 * TRACK, CONNECT, other methods, invalid percent-escapes in the path, requests Node's parser refuses) gets a
 * 4xx with the error body; everything else reaches the server's own handler untouched, bodies included.
 * e2e/http-guard.spec.ts checks the same against the production build.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installHttpGuard, refusal, routeOf } from "./http-guard";

let server: http.Server;
let port = 0;
const seen: string[] = [];

beforeAll(async () => {
  installHttpGuard();
  installHttpGuard(); // idempotent
  server = http.createServer((req, res) => {
    // what Next does for a method the route file does not export (auto-implement-methods.js: `new Response(null,
    // { status: 405 })`, sent by send-response.js as statusCode + end()), or a route's own 405 with its own body
    if (req.headers["x-answer"] === "bare-405") {
      res.statusCode = 405;
      res.setHeader("vary", "rsc");
      res.end();
      return;
    }
    if (req.headers["x-answer"] === "next-405") {
      // what the production server does (Next 16.4.5, found by the API fuzz campaign): the 405 sent as an empty body
      // stream (pipe-readable.js: flushHeaders on the first chunk, the empty chunk written, then end)
      res.statusCode = 405;
      res.setHeader("vary", "rsc");
      res.flushHeaders();
      res.write(new Uint8Array(0));
      res.end();
      return;
    }
    if (req.headers["x-answer"] === "compressed-405") {
      // Next's compression middleware (next/dist/compiled/compression) wraps end and sends the headers before
      // calling the end it wrapped; the body is an empty stream as above
      const inner = res.end;
      res.end = function (this: http.ServerResponse, ...a: unknown[]) {
        if (!this.headersSent) (this as unknown as { _implicitHeader(): void })._implicitHeader();
        return (inner as (...x: unknown[]) => http.ServerResponse).apply(this, a);
      } as typeof res.end;
      res.statusCode = 405;
      res.setHeader("vary", "rsc");
      res.write(new Uint8Array(0));
      res.end();
      return;
    }
    if (req.headers["x-answer"] === "own-405") {
      res.statusCode = 405;
      res.setHeader("content-type", "text/plain");
      res.end("mine");
      return;
    }
    let n = 0;
    req.on("data", (c: Buffer) => (n += c.length));
    req.on("end", () => {
      seen.push(`${req.method} ${req.url}`);
      res.end(JSON.stringify({ data: { method: req.method, url: req.url, bytes: n } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** one raw request; the whole answer as text */
function raw(request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => s.end(request));
    let out = "";
    s.on("data", (c: Buffer) => (out += c.toString("latin1")));
    s.on("end", () => resolve(out));
    s.on("error", reject);
    s.setTimeout(5000, () => reject(new Error(`no answer to ${String(request).slice(0, 40)}`)));
  });
}

function parse(answer: string): { status: number; headers: string; body: { error?: { code: string; message: string } } } {
  const [head, body = ""] = answer.split("\r\n\r\n");
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head!)?.[1]), headers: head!.toLowerCase(), body: body ? JSON.parse(body) : {} };
}

describe("http guard", () => {
  it.each([
    ["TRACE", "TRACE /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"],
    ["TRACE on the upload route, with a body", "TRACE /api/v1/incidents/6f1c2b7e-0000-4000-8000-000000000000/evidence HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 405, "method_not_allowed"],
    ["TRACE on a page", "TRACE / HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"],
    ["PROPFIND", "PROPFIND /api/v1/incidents HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"],
    ["CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 405, "method_not_allowed"],
    ["TRACK (Node's parser refuses the method)", "TRACK / HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"],
    ["an invalid escape in the path", "GET /api/v1/incidents/%ZZ HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"],
    ["a cut UTF-8 escape in the path", "GET /api/v1/incidents/%E0%A4%A/analysis HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"],
    ["a malformed header line", "GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400, "bad_request"],
    ["headers over Node's limit", `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431, "headers_too_large"],
  ])("%s: a 4xx with the error body, never reaching the handler", async (_name, request, status, code) => {
    const before = seen.length;
    const a = parse(await raw(request));
    expect(a.status).toBe(status);
    expect(a.headers).toContain("content-type: application/json");
    expect(a.headers).toContain("x-content-type-options: nosniff");
    expect(a.headers).toContain("content-security-policy: default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    expect(a.body.error?.code).toBe(code);
    expect(typeof a.body.error?.message).toBe("string");
    if (status === 405) expect(a.headers).toContain("allow: get, head, options, post, put, patch, delete");
    expect(seen.length).toBe(before);
  });

  it("a refused request with a big body still gets its answer (the body is read and dropped, not reset)", async () => {
    const before = seen.length;
    // as the API fuzz campaign's client sent it (Node's http client, keep-alive, a 1 MiB body): every answer arrives
    const body = Buffer.alloc(1024 * 1024, 0x20);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, url: string) => new Promise<{ status: number; code: string } | string>((resolve) => {
      const r = http.request({ host: "127.0.0.1", port, method, path: url, agent, headers: { "content-type": "application/json", "content-length": String(body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(Buffer.concat(chunks).toString()) as { error: { code: string } }).error.code }));
      });
      r.on("error", (e) => resolve(e.message));
      r.end(body);
    });
    const got: Array<{ status: number; code: string } | string> = [];
    for (let k = 0; k < 6; k++) got.push(await send(k % 2 ? "PATCH" : "POST", k % 2 ? "/api/v1/clusters/%ED%A0%80" : "/api/v1/incidents/%ZZ/findings/%20/decision"));
    agent.destroy();
    expect(got).toEqual(Array.from({ length: 6 }, () => ({ status: 400, code: "bad_request" })));
    expect(seen.length).toBe(before);
  });

  it("everything else reaches the handler as it was sent: valid escapes, odd queries, bodies", async () => {
    const ok = parse(await raw("GET /api/v1/incidents/%41%20b?q=%ZZ HTTP/1.1\r\nHost: x\r\n\r\n"));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ data: { method: "GET", url: "/api/v1/incidents/%41%20b?q=%ZZ" } });
    const body = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const post = parse(await raw(Buffer.concat([Buffer.from(`POST /api/v1/incidents/x/evidence HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`), body])));
    expect(post.body).toMatchObject({ data: { method: "POST", bytes: body.length } });
    for (const m of ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]) expect(refusal(m, "/api/v1/x")).toBeUndefined();
  });

  it.each([
    ["DELETE /api/v1/incidents/%2e%2e/nodes/X (dot segments resolved: /api/v1/nodes/X)", "DELETE", "/api/v1/incidents/%2e%2e/nodes/X", "GET, HEAD, OPTIONS, PATCH"],
    ["PUT /api/v1/health", "PUT", "/api/v1/health", "GET, HEAD, OPTIONS"],
    ["GET on a DELETE-only route", "GET", "/api/v1/incidents/1/nodes/2?x=1", "DELETE, OPTIONS"],
    ["POST /collect.sh (not under /api)", "POST", "/collect.sh", "GET, HEAD, OPTIONS"],
  ])("Next's bare 405 (%s) gets the error body and the route's Allow", async (_name, method, url, allow) => {
    // bare-405: statusCode and end(); next-405: headers flushed, an empty chunk, end; compressed-405: as the production
    // server sends it (found by the API fuzz campaign: 405 with no body, chunked)
    for (const how of ["bare-405", "next-405", "compressed-405"]) {
      const a = parse(await raw(`${method} ${url} HTTP/1.1\r\nHost: x\r\nX-Answer: ${how}\r\nConnection: close\r\n\r\n`));
      expect(a.status).toBe(405);
      expect(a.headers).not.toContain("transfer-encoding");
      expect(a.headers).toContain("content-type: application/json");
      expect(a.headers).toContain(`allow: ${allow.toLowerCase()}`);
      expect(a.headers).toContain("x-content-type-options: nosniff");
      expect(a.headers).toContain("vary: rsc");
      expect(a.body.error?.code).toBe("method_not_allowed");
      expect(a.body.error?.message).toContain(`"${method}"`);
    }
  });

  it("a HEAD's bare 405 gets the headers and no body; a 405 with its own body, and other answers, are left alone", async () => {
    const head = await raw("HEAD /api/v1/incidents/1/nodes/2 HTTP/1.1\r\nHost: x\r\nX-Answer: bare-405\r\nConnection: close\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 405 /);
    expect(head.toLowerCase()).toContain("allow: delete, options");
    expect(head.split("\r\n\r\n")[1]).toBe("");
    const own = await raw("DELETE /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Answer: own-405\r\nConnection: close\r\n\r\n");
    expect(own).toMatch(/^HTTP\/1\.1 405 /);
    expect(own.toLowerCase()).toContain("content-type: text/plain");
    expect(own.toLowerCase()).not.toContain("allow:");
    expect(own.split("\r\n\r\n")[1]).toBe("mine");
  });

  it("routeOf: the route Next picks for a path (static before [x] before [...x])", () => {
    expect(routeOf("/api/v1/incidents/%2e%2e/nodes/X")?.pattern).toBe("/api/v1/nodes/[id]");
    expect(routeOf("/api/v1/incidents")?.pattern).toBe("/api/v1/incidents");
    expect(routeOf("/api/v1/incidents/abc?x=%ZZ")?.pattern).toBe("/api/v1/incidents/[id]");
    expect(routeOf("/api/v1/incidents/abc/nope/deeper")?.pattern).toBe("/api/[...path]");
    expect(routeOf("/api/auth/sign-in/email")?.pattern).toBe("/api/auth/[...all]");
    expect(routeOf("/api")).toBeUndefined();
    expect(routeOf("/incidents/x")).toBeUndefined();
  });
});
