/**
 * A stand-in for the ingest API that records the exact bytes the agent sends (tests and bench:agent only), run as its
 * own process:  node --import tsx lib/agent/testing/stub-ingest.ts PORT OUTDIR TOKEN
 *
 * Why it still exists next to the real server (e2e/agent.spec.ts runs the agent against the production build):
 *  - agent.netns.test.ts checks what leaves a node with --redact on the wire: the real server keeps outputs parsed,
 *    deduplicated and delta-compressed in the database and has no API that gives a snapshot's texts back, so only a
 *    recorder of the request bodies can show that no address, MAC or name of the node was in them;
 *  - bench:agent measures the agent's own idle RSS and CPU per tick: a real server (next start, PGlite, its analysis
 *    jobs) on the same two cores would weigh on the figure, and the bench must not need a production build.
 * It follows the contract (lib/schemas/ingest.ts, PLAN.md's log): `POST /api/v1/ingest/{snapshots,captures}` gunzipped
 * and parsed with the same zod schemas, 401 for another token, an Idempotency-Key repeat answered with the first answer
 * and stored once; each accepted body is written to OUTDIR/<n>-<kind>.json, a raw pcap (`POST …/captures/{id}/raw`) to
 * <n>-raw-<id>.pcap. `GET /api/v1/ingest/capture-requests` answers an empty list.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { CaptureIngest, SnapshotIngest } from "../../schemas/ingest";

const [port, out, token] = process.argv.slice(2);
if (!port || !out || !token) throw new Error("usage: stub-ingest.ts PORT OUTDIR TOKEN");
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
    if (String(req.headers.authorization ?? "") !== `Bearer ${token}`) return send(401, { error: { code: "unauthorized", message: "no valid ingest token" } });
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "GET" && url.pathname === "/api/v1/ingest/capture-requests") return send(200, { data: [] });
    const raw = /^\/api\/v1\/ingest\/captures\/([^/]+)\/raw$/.exec(url.pathname);
    if (req.method === "POST" && raw) {
      const b = Buffer.concat(chunks);
      writeFileSync(path.join(out, `${String(++n).padStart(4, "0")}-raw-${raw[1]}.pcap`), req.headers["content-encoding"] === "gzip" ? gunzipSync(b) : b);
      return send(202, { data: { id: raw[1], nodeId: "node-id", status: "ready", duplicate: false } });
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
      const b = Buffer.concat(chunks);
      body = JSON.parse((req.headers["content-encoding"] === "gzip" ? gunzipSync(b) : b).toString("utf8"));
    } catch {
      return send(400, { error: { code: "invalid_json", message: "the body is not (gzip'd) JSON" } });
    }
    const parsed = (m[1] === "snapshots" ? SnapshotIngest : CaptureIngest).safeParse(body);
    if (!parsed.success) return send(400, { error: { code: "validation_failed", message: parsed.error.message.slice(0, 500) } });
    writeFileSync(path.join(out, `${String(++n).padStart(4, "0")}-${m[1]}.json`), JSON.stringify({ key, body: parsed.data }));
    const answer = JSON.stringify({ data: { id: randomUUID(), nodeId: "node-id", status: "ready", duplicate: false } });
    if (key) seen.set(key, { status: 202, body: answer });
    res.writeHead(202, { "content-type": "application/json" });
    res.end(answer);
  });
});
server.listen(Number(port), "0.0.0.0", () => process.stdout.write(`listening on ${port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
