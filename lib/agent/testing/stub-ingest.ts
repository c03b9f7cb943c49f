/**
 * A stand-in for the ingest API (tests only), run as its own process (in a network namespace):
 *   node --import tsx lib/agent/testing/stub-ingest.ts PORT OUTDIR TOKEN_OF_THIS_CLUSTER [OTHER_TOKEN…]
 * It does what the contract says the server does with the agent's requests: `POST /api/v1/ingest/{snapshots,captures}`
 * gunzipped and parsed with the same zod schemas (lib/schemas/ingest.ts), 401 for an unknown token, 403 for a token of
 * another cluster, an Idempotency-Key repeat answered with the first answer and stored once; each accepted body is
 * written to OUTDIR/<n>-<kind>.json. `GET /api/v1/ingest/capture-requests` answers OUTDIR/requests.json once; a raw
 * pcap (`POST …/captures/{id}/raw`) goes to <n>-raw-<id>.pcap, a capture request's failure to <n>-failure-<id>.json.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { CaptureIngest, SnapshotIngest } from "../../schemas/ingest";

const [port, out, token, ...others] = process.argv.slice(2);
if (!port || !out || !token) throw new Error("usage: stub-ingest.ts PORT OUTDIR TOKEN [OTHER_TOKEN…]");
const seen = new Map<string, { status: number; body: string }>();
// numbered on from what an earlier run of the stub left (a restart must not overwrite)
let n = readdirSync(out).filter((f) => /^\d{4}-/.test(f)).length;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const auth = String(req.headers.authorization ?? "");
    const t = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    if (t !== token) {
      if (others.includes(t)) return send(403, { error: { code: "forbidden", message: "this ingest token belongs to another cluster" } });
      return send(401, { error: { code: "unauthorized", message: "no valid ingest token" } });
    }
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "GET" && url.pathname === "/api/v1/ingest/capture-requests") {
      const f = path.join(out, "requests.json");
      if (!existsSync(f)) return send(200, { data: [] });
      const data = JSON.parse(readFileSync(f, "utf8")) as unknown;
      renameSync(f, `${f}.handed-out`);
      return send(200, { data });
    }
    const raw = /^\/api\/v1\/ingest\/captures\/([^/]+)\/raw$/.exec(url.pathname);
    if (req.method === "POST" && raw) {
      const b = Buffer.concat(chunks);
      writeFileSync(path.join(out, `${String(++n).padStart(4, "0")}-raw-${raw[1]}.pcap`), req.headers["content-encoding"] === "gzip" ? gunzipSync(b) : b);
      return send(202, { data: { id: raw[1] } });
    }
    const failure = /^\/api\/v1\/ingest\/capture-requests\/([^/]+)\/failure$/.exec(url.pathname);
    if (req.method === "POST" && failure) {
      const b = Buffer.concat(chunks);
      writeFileSync(path.join(out, `${String(++n).padStart(4, "0")}-failure-${failure[1]}.json`), req.headers["content-encoding"] === "gzip" ? gunzipSync(b) : b);
      return send(200, { data: { id: failure[1], status: "failed" } });
    }
    const m = /^\/api\/v1\/ingest\/(snapshots|captures)$/.exec(url.pathname);
    if (req.method !== "POST" || !m) return send(404, { error: { code: "not_found", message: "no such route" } });
    const key = String(req.headers["idempotency-key"] ?? "");
    const prev = seen.get(key);
    if (key && prev) {
      res.writeHead(prev.status, { "content-type": "application/json" });
      return res.end(prev.body);
    }
    let body: unknown;
    try {
      const raw = Buffer.concat(chunks);
      body = JSON.parse((req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8"));
    } catch {
      return send(400, { error: { code: "invalid_json", message: "the body is not (gzip'd) JSON" } });
    }
    const parsed = (m[1] === "snapshots" ? SnapshotIngest : CaptureIngest).safeParse(body);
    if (!parsed.success) return send(400, { error: { code: "validation_failed", message: parsed.error.message.slice(0, 500) } });
    const id = randomUUID();
    writeFileSync(path.join(out, `${String(++n).padStart(4, "0")}-${m[1]}.json`), JSON.stringify({ key, body: parsed.data }));
    const answer = JSON.stringify({ data: { id, nodeId: "node-id", status: "received", duplicate: false } });
    if (key) seen.set(key, { status: 202, body: answer });
    res.writeHead(202, { "content-type": "application/json" });
    res.end(answer);
  });
});
server.listen(Number(port), "0.0.0.0", () => process.stdout.write(`listening on ${port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
