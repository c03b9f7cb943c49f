/**
 * npm run bench:ingest — POST /api/v1/ingest/snapshots against the production build on real PostgreSQL, next to
 * pgbench's single-row INSERT rate measured in the same run, the storage a node costs per day at one snapshot a
 * minute, and the server's RSS while a 1 GiB bundle is uploaded and read.
 *
 * Inputs are real: the agent snapshots recorded in namespaces (lib/server/ingest/testdata/snapshots, one a minute,
 * see its README) sent under BENCH_NODES node names; the 1 GiB upload is a tar of host folders each holding the
 * capture recorded by scripts/bench/record-bench-capture.sh (.bench/bench.pcap; recorded when missing, as root).
 *
 *   BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgresql://netmortem_ci:netmortem_ci@127.0.0.1:5432/postgres)
 *   BENCH_SECONDS=20 BENCH_CLIENTS=16 BENCH_NODES=300 BENCH_PORT=3126 BENCH_UPLOAD_MB=1024 (0: skip the upload)
 *   BENCH_DB=postgresql|pglite: the server's database; pglite (embedded, in the server's process: its WebAssembly
 *     heap counts in the server's RSS) runs only the upload part (the snapshot figures are PostgreSQL's)
 *   BENCH_PARTS=snapshots,upload (default both; `upload` alone: the 1 GiB upload's RSS, receiving and analysing)
 *
 * It makes a throwaway schema (dropped at the end), builds the app if .next is missing (scripts/start.mjs), and
 * stops everything it started by PID.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import pg from "pg";
import { recordedSnapshots } from "../../lib/server/testing/snapshots";
import { serverNodeOptions } from "../node-options.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
const URL0 = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgresql://netmortem_ci:netmortem_ci@127.0.0.1:5432/postgres";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const NODES = Number(process.env.BENCH_NODES ?? 300);
const PORT = Number(process.env.BENCH_PORT ?? 3126);
const UPLOAD_MB = Number(process.env.BENCH_UPLOAD_MB ?? 1024);
const DB = process.env.BENCH_DB === "pglite" ? "pglite" : "postgresql";
const PARTS = new Set((process.env.BENCH_PARTS ?? (DB === "pglite" ? "upload" : "snapshots,upload")).split(",").map((x) => x.trim()));
if (DB === "pglite" && PARTS.has("snapshots")) throw new Error("BENCH_DB=pglite runs the upload part only (BENCH_PARTS=upload)");
const ADMIN = { email: "bench-admin@example.test", password: "bench admin password 1" };
const BASE = `http://127.0.0.1:${PORT}`;
const SCHEMA = `nm_bench_${randomUUID().slice(0, 8)}`;
const APP = `netmortem-bench-${process.pid}`;

const fmt = (n: number, d = 1) => n.toFixed(d);
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const log = (s: string) => console.log(s);
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/** The other processes using CPU now (the machine is shared: a figure means little without them), from /proc over 2 s. */
function othersBusy(): string {
  const r = spawnSync("sh", ["-c", "top -b -n 2 -d 2 -w 200 | awk '/^top -/{n++} n==2 && $1 ~ /^[0-9]+$/ && $9+0 >= 5 {print $9\"% \"$12\" (nice \"$4\")\"}' | head -6"], { encoding: "utf8" });
  return r.stdout.trim().split("\n").filter(Boolean).join("; ") || "nothing over 5 % CPU";
}

function pgArgs(url: URL): string[] {
  return ["-h", url.hostname, "-p", url.port || "5432", "-U", decodeURIComponent(url.username), url.pathname.slice(1) || "postgres"];
}

/** CPU seconds (user + system) of a process, from /proc. */
function cpuOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}
function rssMb(pid: number): { rss: number; hwm: number } {
  let s = "";
  try {
    s = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    // the process is gone
  }
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      if (ppid === pid) out.push(Number(d), ...childrenOf(Number(d)));
    } catch {
      // gone
    }
  }
  return out;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS * 2 });
function request(method: string, p: string, opts: { headers?: Record<string, string>; body?: Buffer | NodeJS.ReadableStream; fresh?: boolean } = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    // fresh: a connection of its own (a kept-alive one idle past the server's 5 s keep-alive is reset as it is used)
    const req = http.request(`${BASE}${p}`, { method, agent: opts.fresh ? false : agent, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (opts.body && Buffer.isBuffer(opts.body)) req.end(opts.body);
    else if (opts.body) (opts.body as NodeJS.ReadableStream).pipe(req);
    else req.end();
  });
}

let serverLog = "";

async function main(): Promise<void> {
  const url = new URL(URL0);
  const admin = new pg.Client({ connectionString: URL0 });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${SCHEMA}"`);
  const tmp = mkdtempSync(path.join(tmpdir(), "nm-bench-ingest-"));
  let server: ChildProcess | null = null;
  try {
    log(`bench:ingest — ${cpus().length} CPUs, load average ${loadavg()}; server on ${DB === "pglite" ? "PGlite (embedded)" : `PostgreSQL ${(await admin.query("SHOW server_version")).rows[0].server_version}, schema ${SCHEMA}`}; parts: ${[...PARTS].join(", ")}`);
    log(`           also running: ${othersBusy()}`);

    // ── reference: pgbench, single-row INSERTs, same clients, same database, same run ──
    await admin.query(`CREATE TABLE "${SCHEMA}".bench_ref (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL)`);
    const script = path.join(tmp, "insert.sql");
    writeFileSync(script, `INSERT INTO "${SCHEMA}".bench_ref (payload) VALUES (repeat('x', 200));\n`);
    const pgb = (clients: number) => {
      const r = spawnSync("pgbench", ["-n", "-c", String(clients), "-j", "2", "-T", "10", "-f", script, ...pgArgs(url)], {
        encoding: "utf8",
        env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
      });
      const tps = Number(/tps = ([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
      const lat = Number(/latency average = ([\d.]+) ms/.exec(r.stdout)?.[1] ?? NaN);
      if (!Number.isFinite(tps)) throw new Error(`pgbench failed: ${r.stderr || r.stdout}`);
      return { tps, lat };
    };
    const ref1 = PARTS.has("snapshots") ? pgb(1) : { tps: NaN, lat: NaN };
    const refN = PARTS.has("snapshots") ? pgb(CLIENTS) : { tps: NaN, lat: NaN };
    if (PARTS.has("snapshots")) log(`reference  pgbench single-row INSERT: ${fmt(ref1.tps, 0)}/s with 1 client (${fmt(ref1.lat, 2)} ms), ${fmt(refN.tps, 0)}/s with ${CLIENTS} clients (${fmt(refN.lat, 2)} ms)`);

    // ── the production server on this schema ──
    const dbUrl = new URL(URL0);
    dbUrl.searchParams.set("schema", SCHEMA);
    dbUrl.searchParams.set("application_name", APP);
    // BENCH_PROFILE=DIR: the server runs `next start` directly under --cpu-prof (a profile of where its time goes is
    // written to DIR when it stops; migrations are applied when the database is first opened)
    const profile = process.env.BENCH_PROFILE;
    const argv = profile
      ? ["--cpu-prof", "--cpu-prof-dir", profile, "node_modules/next/dist/bin/next", "start", "--port", String(PORT), "--hostname", "127.0.0.1"]
      : ["scripts/start.mjs"];
    server = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: {
        ...process.env,
        ...(DB === "postgresql" ? { DATABASE_URL: dbUrl.toString() } : { DATABASE_URL: "", NETMORTEM_DATA_DIR: path.join(tmp, "pglite") }),
        PORT: String(PORT),
        HOSTNAME: "127.0.0.1",
        NETMORTEM_FILES_DIR: path.join(tmp, "files"),
        NETMORTEM_ADMIN_EMAIL: ADMIN.email,
        NETMORTEM_ADMIN_PASSWORD: ADMIN.password,
        NETMORTEM_INGEST_PER_MINUTE: "100000000",
        NETMORTEM_MEMORY_LOG: "1",
        // what scripts/start.mjs gives `next start` (the profile runs it directly)
        ...(profile ? serverNodeOptions(process.env) : {}),
        NODE_ENV: "production",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    serverLog = "";
    server.stdout!.on("data", (d: Buffer) => (serverLog += d.toString()));
    server.stderr!.on("data", (d: Buffer) => (serverLog += d.toString()));
    const up = Date.now() + 15 * 60_000;
    for (;;) {
      const ok = await request("GET", "/api/v1/health").then((r) => r.status === 200, () => false);
      if (ok) break;
      if (Date.now() > up || server.exitCode !== null) throw new Error(`the server did not start:\n${serverLog.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const nextPid = childrenOf(server.pid!).find((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("next-server")) ?? server.pid!;

    // as a script signs in (no Origin header: better-auth checks one only when it is sent)
    const signIn = await request("POST", "/api/auth/sign-in/email", {
      headers: { "content-type": "application/json" },
      body: Buffer.from(JSON.stringify(ADMIN)),
    });
    if (signIn.status !== 200) throw new Error(`sign-in: ${signIn.status} ${signIn.body}`);
    const cookie = [signIn.headers["set-cookie"] ?? []].flat().map((c) => c.split(";")[0]).join("; ");
    const as = { cookie, origin: BASE, "content-type": "application/json" };
    const cluster = JSON.parse((await request("POST", "/api/v1/clusters", { headers: as, body: Buffer.from(JSON.stringify({ name: "bench" })) })).body).data;
    const tok = await request("POST", `/api/v1/clusters/${cluster.id}/ingest-tokens`, { headers: as, body: Buffer.from(JSON.stringify({ name: "bench" })) });
    const token = JSON.parse(tok.body).data.token as string;

    const recorded = [recordedSnapshots("node-srv"), recordedSnapshots("node-cli")];
    if (PARTS.has("snapshots")) {
      // ── snapshots: every node's first one untimed (it stores all its outputs), then the timed stream ──
      const minute = 60_000;
      const t0 = Date.parse(recorded[0]![0]!.takenAt);
      const bodyOf = (node: number, k: number) => {
        const seq = recorded[node % 2]!;
        const s = seq[k % seq.length]!;
        return gzipSync(JSON.stringify({ ...s, node: `bench-node-${node}`, takenAt: new Date(t0 + k * minute + node).toISOString() }));
      };
      const send = (body: Buffer) =>
        request("POST", "/api/v1/ingest/snapshots", {
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-encoding": "gzip", "idempotency-key": randomUUID() },
          body,
        });
      for (let n = 0; n < NODES; n += CLIENTS) {
        const rs = await Promise.all(Array.from({ length: Math.min(CLIENTS, NODES - n) }, (_, i) => send(bodyOf(n + i, 0))));
        const bad = rs.find((r) => r.status !== 202);
        if (bad) throw new Error(`warm-up snapshot: ${bad.status} ${bad.body}`);
      }
      // the server's floor, same clients: GET /collect.sh (Next's request handling and the route wrapper, no database)
      // and GET /api/v1/health (the same plus one Prisma query)
      for (const [p, what] of [["/collect.sh", "Next's request handling, no database"], ["/api/v1/health", "the same + one Prisma query"]] as const) {
        const hl: number[] = [];
        const hc0 = cpuOf(nextPid);
        const hs = performance.now();
        const he = hs + 4000;
        await Promise.all(Array.from({ length: CLIENTS }, async () => {
          while (performance.now() < he) {
            const s0 = performance.now();
            await request("GET", p);
            hl.push(performance.now() - s0);
          }
        }));
        const hsec = (performance.now() - hs) / 1000;
        hl.sort((x, y) => x - y);
        log(`reference  GET ${p} (${what}): ${fmt(hl.length / hsec, 0)}/s, p50 ${fmt(pct(hl, 0.5))} ms, p99 ${fmt(pct(hl, 0.99))} ms, server CPU ${fmt((cpuOf(nextPid) - hc0) * 1000 / hl.length, 2)} ms per request`);
      }
      // the bodies of the timed stream are made before it (gzip costs the client ~1 ms each, on the same 2 cores)
      const prepared: Buffer[] = [];
      {
        let pk = 1;
        let pn = 0;
        const want = Math.min(SECONDS * 320, 20_000);
        while (prepared.length < want) {
          prepared.push(bodyOf(pn, pk));
          if (++pn >= NODES) {
            pn = 0;
            pk++;
          }
        }
        prepared.reverse();
      }
      // the timed stream: round after round, every node its next snapshot (a node's snapshots a minute apart)
      // PostgreSQL's CPU: every backend of the server's pool, those opened during the run counted from their start
      const backends = async () => (await admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [APP])).rows.map((r) => r.pid as number);
      const pgCpu0 = new Map((await backends()).map((p) => [p, cpuOf(p)]));
      const cpuServer0 = cpuOf(nextPid);
      const lat: number[] = [];
      const timing: Record<string, number> = {};
      let k = 1;
      let node = 0;
      let errors = 0;
      const clientCpu0 = process.cpuUsage();
      const load0 = loadavg();
      const start = performance.now();
      const end = start + SECONDS * 1000;
      const nextBody = () => {
        const b = prepared.pop() ?? bodyOf(node, k);
        node++;
        if (node >= NODES) {
          node = 0;
          k++;
        }
        return b;
      };
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (performance.now() < end) {
            const body = nextBody();
            const s = performance.now();
            const r = await send(body);
            lat.push(performance.now() - s);
            if (r.status !== 202) errors++;
            for (const m of String(r.headers["server-timing"] ?? "").split(",")) {
              const mm = /^\s*([\w-]+);dur=([\d.]+)/.exec(m);
              if (mm) timing[mm[1]!] = (timing[mm[1]!] ?? 0) + Number(mm[2]);
            }
          }
        }),
      );
      const elapsed = (performance.now() - start) / 1000;
      const clientCpu = process.cpuUsage(clientCpu0);
      const cpuServer = cpuOf(nextPid) - cpuServer0;
      const pgPids = new Set([...pgCpu0.keys(), ...(await backends())]);
      const cpuPg = [...pgPids].reduce((sum, p) => sum + Math.max(0, cpuOf(p) - (pgCpu0.get(p) ?? 0)), 0);
      lat.sort((a, b) => a - b);
      const rate = lat.length / elapsed;
      log(`netmortem  POST /ingest/snapshots: ${fmt(rate, 0)}/s over ${fmt(elapsed)} s with ${CLIENTS} clients, ${NODES} nodes (${lat.length} snapshots, ${errors} errors); latency p50 ${fmt(pct(lat, 0.5))} ms, p99 ${fmt(pct(lat, 0.99))} ms`);
      log(`           goal ≥ 200/s at p99 < 250 ms: ${rate >= 200 && pct(lat, 0.99) < 250 ? "met" : "NOT met"}; ${fmt(rate / refN.tps * 100)}% of pgbench's INSERT rate (each snapshot is one statement of 5 inserts + blobs)`);
      log(`           load average ${load0} before, ${loadavg()} after; the bench client itself used ${fmt((clientCpu.user + clientCpu.system) / 1000 / lat.length, 2)} ms CPU per snapshot`);
      log(`where the time goes (CPU per snapshot): server ${fmt(cpuServer * 1000 / lat.length, 2)} ms, PostgreSQL backends ${fmt(cpuPg * 1000 / lat.length, 2)} ms; inside the handler (mean wall ms): ${Object.entries(timing).filter(([k2]) => k2 !== "blobs").map(([k2, v]) => `${k2} ${fmt(v / lat.length, 2)}`).join(", ")}; new blobs per snapshot ${fmt((timing.blobs ?? 0) / lat.length, 1)}`);

      // ── storage per node-day: one node's real minute-apart snapshots (all of them, whatever the rate above), bytes
      // each one added ──
      const seq0 = recorded[0]!;
      for (let i = 0; i < seq0.length; i++) {
        const r = await send(gzipSync(JSON.stringify({ ...seq0[i]!, node: "bench-storage", takenAt: new Date(t0 + i * minute).toISOString() })));
        if (r.status !== 202) throw new Error(`storage snapshot: ${r.status} ${r.body}`);
      }
      const size = async () => {
        const r = await admin.query(`SELECT c.relname, pg_total_relation_size(c.oid)::bigint AS b FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`, [SCHEMA]);
        return Object.fromEntries(r.rows.map((x) => [x.relname as string, Number(x.b)]));
      };
      await admin.query(`VACUUM ANALYZE "${SCHEMA}".node_snapshots, "${SCHEMA}".text_blobs, "${SCHEMA}".evidence_items, "${SCHEMA}".idempotency_keys`);
      const rows = await admin.query(`
        SELECT s.taken_at, pg_column_size(s.*) + 28 AS snap, pg_column_size(e.*) + 28 AS item,
               (SELECT coalesce(sum(pg_column_size(k.*) + 28), 0) FROM "${SCHEMA}".idempotency_keys k WHERE k.response->>'id' = e.id::text) AS key
        FROM "${SCHEMA}".node_snapshots s JOIN "${SCHEMA}".evidence_items e ON e.id = s.evidence_id
        JOIN "${SCHEMA}".nodes n ON n.id = s.node_id WHERE n.name = 'bench-storage' ORDER BY s.taken_at`);
      const blobs = await admin.query(`
        WITH o AS (SELECT s.taken_at, jsonb_array_elements(s.outputs)->>1 AS sha FROM "${SCHEMA}".node_snapshots s
                   JOIN "${SCHEMA}".nodes n ON n.id = s.node_id WHERE n.name = 'bench-storage'),
             first AS (SELECT sha, min(taken_at) AS t FROM o GROUP BY sha)
        SELECT f.t AS taken_at, sum(pg_column_size(b.*) + 28 + 64 + 16)::bigint AS bytes
        FROM first f JOIN "${SCHEMA}".text_blobs b ON b.sha256 = f.sha GROUP BY f.t`);
      const blobAt = new Map(blobs.rows.map((r) => [new Date(r.taken_at).getTime(), Number(r.bytes)]));
      // index entries: node_snapshots (pk, evidence_id, node+time), evidence_items (pk, incident+time, node+time, incident+sha), idempotency (pk, time)
      const INDEX = 9 * 40;
      const per = rows.rows.map((r) => Number(r.snap) + Number(r.item) + Number(r.key) + INDEX + (blobAt.get(new Date(r.taken_at).getTime()) ?? 0));
      if (per.length >= 3) {
        const steady = per.slice(1);
        const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
        const day = per[0]! + 1439 * mean;
        log(`storage    one node at one snapshot a minute: first snapshot ${fmt(per[0]! / 1024)} KB, then ${fmt(mean / 1024, 2)} KB each (mean of ${steady.length} real minute-apart snapshots: row + index entries + new blobs); a node-day ≈ ${fmt(day / 1048576, 1)} MB (goal ≤ 20 MB: ${day <= 20 * 1048576 ? "met" : "NOT met"})`);
      }
      const sizes = await size();
      const total = Object.values(sizes).reduce((a, b) => a + b, 0);
      log(`           whole schema after the run: ${fmt(total / 1048576, 1)} MB for ${NODES} nodes × ${k + 1} rounds (${Object.entries(sizes).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, b]) => `${n} ${fmt(b / 1048576, 1)}`).join(", ")} MB; blobs shared between bench nodes, whose recorded outputs repeat)`);
    }

    // ── a 1 GiB upload: the server's RSS while it streams to disk and while the job reads it ──
    if (UPLOAD_MB > 0 && PARTS.has("upload")) {
      const cap = path.join(ROOT, ".bench/bench.pcap");
      if (!existsSync(cap)) execFileSync("bash", ["scripts/bench/record-bench-capture.sh", cap, "400"], { cwd: ROOT, stdio: "inherit" });
      const capMb = statSync(cap).size / 1048576;
      // whole copies of the capture, and the last host the head of it (a capture cut short, as by a full disk) so
      // that the body comes to UPLOAD_MB less 4 MB of room for tar's headers and the outputs: the upload cap and the
      // bundle reader's total bound are both 1 GiB
      const budget = UPLOAD_MB * 1048576 - 4 * 1048576;
      const capBytes = statSync(cap).size;
      const whole = Math.floor(budget / capBytes);
      const rest = budget - whole * capBytes;
      const hosts = whole + (rest > 1048576 ? 1 : 0);
      const dir = path.join(tmp, "bundle");
      for (let h = 0; h < hosts; h++) {
        execFileSync("mkdir", ["-p", path.join(dir, `node-${h}`)]);
        if (h < whole) execFileSync("ln", ["-s", cap, path.join(dir, `node-${h}`, "eth0.pcap")]);
        else execFileSync("sh", ["-c", `head -c ${rest} "$0" > "$1"`, cap, path.join(dir, `node-${h}`, "eth0.pcap")]);
        for (const f of ["sysctl-a.txt", "proc-net-netstat.txt", "ss-s.txt"]) {
          const o = recorded[0]![0]!.outputs.find((x) => x.name === f)!;
          writeFileSync(path.join(dir, `node-${h}`, f), o.content);
        }
      }
      const incident = JSON.parse((await request("POST", "/api/v1/incidents", { headers: as, body: Buffer.from(JSON.stringify({ title: "1 GiB upload", severity: "sev3" })) })).body).data;
      // tar follows the links (-h) and stores every one whole (--hard-dereference: without it the second link to
      // the same file is a hard-link entry, which the server rightly refuses): the capture's bytes once per host,
      // streamed straight into the request
      const tar = spawn("tar", ["-C", dir, "--hard-dereference", "-chf", "-", "."], { stdio: ["ignore", "pipe", "inherit"] });
      const before = rssMb(nextPid).rss;
      let peak = 0;
      let stage = "receiving";
      const peaks = new Map<string, number>();
      const sample = setInterval(() => {
        const r = rssMb(nextPid).rss;
        peak = Math.max(peak, r);
        peaks.set(stage, Math.max(peaks.get(stage) ?? 0, r));
      }, 100);
      let sent = 0;
      tar.stdout!.on("data", (c: Buffer) => (sent += c.length));
      const u0 = performance.now();
      const up = await request("POST", `/api/v1/incidents/${incident.id}/evidence`, {
        headers: { ...as, "content-type": "application/x-tar", "x-filename": "big.tar" },
        body: tar.stdout!,
        fresh: true,
      }).catch((err: unknown) => {
        clearInterval(sample);
        throw err;
      });
      const upSec = (performance.now() - u0) / 1000;
      const peakUpload = peak;
      if (up.status !== 202) {
        clearInterval(sample);
        throw new Error(`upload: ${up.status} ${up.body}`);
      }
      const bytes = sent;
      let state = "";
      let error = "";
      let resets = 0;
      const j0 = performance.now();
      while (!["done", "failed"].includes(state) && performance.now() - j0 < 15 * 60_000) {
        await new Promise((r) => setTimeout(r, 500));
        // the polls reuse the kept-alive sockets of sign-in and the snapshots, idle during the upload: a socket the
        // server closed as idle just as the client reused it is a network error (ECONNRESET); counted, then retried on
        // a fresh connection (a GET is safe to repeat)
        const p = `/api/v1/incidents/${incident.id}/analysis`;
        const res = await request("GET", p, { headers: as }).catch((err: unknown) => {
          resets++;
          log(`           poll ${fmt((performance.now() - j0) / 1000)} s after the 202: ${(err as { code?: string }).code ?? String(err)} on a kept-alive socket; retried on a fresh connection`);
          return request("GET", p, { headers: as, fresh: true });
        });
        const a = JSON.parse(res.body).data;
        state = a.status;
        error = a.error ?? "";
        if (a.status === "running" && a.progress?.stage) stage = a.progress.stage;
        else if (a.status === "queued") stage = "queued";
      }
      clearInterval(sample);
      const { hwm } = rssMb(nextPid);
      log(`upload     ${fmt(bytes / 1048576, 0)} MB tar on ${DB} (${hosts} host folders: ${whole} × the ${fmt(capMb, 0)} MB recorded capture${hosts > whole ? ` and its first ${fmt(rest / 1048576, 0)} MB` : ""}, with outputs): received in ${fmt(upSec)} s (${fmt(bytes / 1048576 / upSec, 0)} MB/s), analysis ${state}${error ? ` (${error})` : ""} in ${fmt((performance.now() - j0) / 1000)} s; ${resets} network errors on the polls; load average ${loadavg()}`);
      for (const line of serverLog.split("\n").filter((l) => l.includes("[job memory]"))) log(`           ${line.trim()}`);
      log(`           server RSS: ${fmt(before, 0)} MB before the upload; peak ${fmt(peakUpload, 0)} MB while receiving, ${fmt(peak, 0)} MB through the analysis to its end (sampled every 100 ms; per job stage: ${[...peaks].map(([k2, v]) => `${k2} ${fmt(v, 0)}`).join(", ")} MB; the process's high-water mark, start and earlier parts included: ${fmt(hwm, 0)} MB); goal < 400 MB: ${peak < 400 ? "met" : "NOT met"}`);
    }
  } finally {
    if (server?.pid) {
      for (const p of [...childrenOf(server.pid), server.pid]) {
        try {
          process.kill(p, "SIGTERM");
        } catch {
          // gone
        }
      }
      await new Promise((r) => setTimeout(r, 3000));
      for (const p of [...childrenOf(server.pid), server.pid]) {
        try {
          process.kill(p, "SIGKILL");
        } catch {
          // gone
        }
      }
    }
    agent.destroy();
    await admin.query(`DROP SCHEMA "${SCHEMA}" CASCADE`).catch(() => undefined);
    await admin.end();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  if (serverLog) console.error(`the server's last output:\n${serverLog.slice(-4000)}`);
  process.exit(1);
});
