import http from "node:http";
import net from "node:net";
import { expect, test } from "@playwright/test";
import { API, errorOf } from "./support/api";

// Issue 10 item 5 against the production build: what Next 16 cannot answer itself (TRACE: a plain-text 500 on
// every path; other methods: a bare 400; an invalid percent-escape in a path: a plain-text 500) is a 4xx with the
// error body, on API routes, on the upload route and on pages (lib/server/http-guard.ts, from instrumentation.ts).

const UPLOAD = `${API}/incidents/6f1c2b7e-0000-4000-8000-000000000000/evidence`;

for (const path of [`${API}/health`, `${API}/incidents`, UPLOAD, "/"]) {
  test(`TRACE ${path} is a 405 with the error body`, async ({ request }) => {
    const err = await errorOf(await request.fetch(path, { method: "TRACE" }), 405);
    expect(err.code).toBe("method_not_allowed");
  });
}

test("a method Next does not route (PROPFIND) is a 405 with the error body, also on the upload route", async ({ request }) => {
  for (const path of [`${API}/incidents`, UPLOAD]) expect((await errorOf(await request.fetch(path, { method: "PROPFIND" }), 405)).code).toBe("method_not_allowed");
});

test("an invalid percent-escape in a path id is a 400 with the error body, not a 500", async ({ request }) => {
  for (const path of [`${API}/incidents/%ZZ`, `${API}/incidents/%E0%A4%A/analysis`, `${API}/clusters/%ZZ`, `${API}/incidents/%ZZ/evidence`]) {
    expect((await errorOf(await request.get(path), 400)).code).toBe("bad_request");
  }
});

test("TRACK (which Node's own parser refuses) and CONNECT get the error body on the raw socket", async ({ baseURL }) => {
  const { hostname, port } = new URL(baseURL!);
  const raw = (text: string) => new Promise<string>((resolve, reject) => {
    const s = net.connect(Number(port), hostname, () => s.end(text));
    let out = "";
    s.on("data", (c: Buffer) => (out += c.toString("latin1")));
    s.on("end", () => resolve(out));
    s.on("error", reject);
  });
  const track = await raw("TRACK /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  expect(track).toMatch(/^HTTP\/1\.1 400 /);
  expect(JSON.parse(track.split("\r\n\r\n")[1]!).error.code).toBe("bad_request");
  const connect = await raw("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
  expect(connect).toMatch(/^HTTP\/1\.1 405 /);
  expect(JSON.parse(connect.split("\r\n\r\n")[1]!).error.code).toBe("method_not_allowed");
});

test("an API path no route has is a 404 with the error body, not the HTML page (/api/v1/clusters/%2e%2e/nodes is /api/v1/nodes)", async ({ request }) => {
  for (const path of [`${API}/nope`, `${API}/clusters/%2e%2e/nodes`, "/api/v2/incidents"]) expect((await errorOf(await request.get(path), 404)).code).toBe("not_found");
  expect((await errorOf(await request.post(`${API}/incidents/%2e%2e/evidence`, { data: Buffer.from("x") }), 404)).code).toBe("not_found");
  // routes still win over the catch-all
  expect((await request.get(`${API}/health`)).status()).toBe(200);
});

test("a method a route file does not export is a 405 with the error body and the route's Allow (Next's own 405 is bare)", async ({ request }) => {
  // DELETE /api/v1/incidents/%2e%2e/nodes/X is DELETE /api/v1/nodes/X once its dot segments are resolved: a route without DELETE
  for (const [method, path, route] of [["DELETE", `${API}/incidents/%2e%2e/nodes/X`, `${API}/nodes/X`], ["PUT", `${API}/health`, `${API}/health`], ["GET", `${API}/incidents/x/nodes/y`, `${API}/incidents/x/nodes/y`], ["POST", "/collect.sh", "/collect.sh"]] as const) {
    const res = await request.fetch(path, { method });
    expect((await errorOf(res, 405)).code).toBe("method_not_allowed");
    // the same list Next's own OPTIONS answers for that route
    const options = await request.fetch(route, { method: "OPTIONS" });
    expect(options.headers().allow).toBeTruthy();
    expect(res.headers().allow).toBe(options.headers().allow);
  }
});

test("a refused request with a 1 MiB body gets its answer, again and again on a keep-alive connection (not EPIPE)", async ({ baseURL }) => {
  // found by the API fuzz campaign (seed 20261210, inputs 90442 and 94983): the guard answered and closed with the
  // body unread, and the client's write failed with EPIPE before it could read the answer
  const { hostname, port } = new URL(baseURL!);
  const body = Buffer.alloc(1024 * 1024, 0x20);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string) => new Promise<string>((resolve) => {
    const r = http.request({ host: hostname, port, method, path, agent, headers: { "content-type": "application/json", "content-length": String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(`${res.statusCode} ${(JSON.parse(Buffer.concat(chunks).toString()) as { error: { code: string } }).error.code}`));
    });
    r.on("error", (e) => resolve(e.message));
    r.end(body);
  });
  const got: string[] = [];
  for (let k = 0; k < 6; k++) got.push(await send(k % 2 ? "PATCH" : "POST", k % 2 ? `${API}/clusters/%ED%A0%80` : `${API}/incidents/%ZZ/findings/%20/decision`));
  agent.destroy();
  expect(got).toEqual(Array.from({ length: 6 }, () => "400 bad_request"));
});
