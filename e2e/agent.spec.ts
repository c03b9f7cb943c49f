/**
 * The node agent, `collect` and collect.sh against the real server (issue 14's acceptance), as root.
 *
 * The production build is started a second time by this spec (scripts/start.mjs: migrations, then `next start`) in
 * the root namespace, listening only on 10.221.0.1, one end of a veth pair whose other end is eth0 (10.221.0.2) of a
 * network namespace made here: the "node". The agent (`cli/netmortem.js agent`, the built command) runs as root in
 * that namespace, as it runs on a node with hostNetwork. The spec reads everything back through the API with a
 * personal token of the admin the server made from NETMORTEM_ADMIN_*: nodes, snapshots, counter series, evidence,
 * capture requests and the incident's analysis (made by the server's own job). Nothing leaves the machine: the only
 * traffic is between the root namespace and namespaces made here (the lab makes its own).
 *
 * Once per database: the embedded PGlite always (with a real minute of downtime: AGENT_DOWNTIME_S, default 60) and,
 * when TEST_DATABASE_URL is set (CI), real PostgreSQL in a throwaway schema (snapshots, deltas, a shorter downtime,
 * refused tokens, captures; the lab and the collect comparison run once, on PGlite, for time).
 *
 *  - snapshots: the node under the token's cluster with its kernel, interfaces and counters; a second snapshot gives
 *    deltas in the counter series and in the analysis; the node's settings are what they were
 *  - a server stopped for a while loses nothing: spooled, then sent, each snapshot exactly once
 *  - a token of another cluster (for an incident of this one) and a revoked token are refused; the agent says so
 *  - a capture at the node (summary, and the raw pcap with --send-raw) and a capture asked for in the war room
 *    (POST /nodes/{id}/capture-requests, the agent polls; one it cannot take is reported failed)
 *  - the lab's accept_queue_overflow with the agent in each node (LAB_AGENT), diagnosed by the server
 *  - collect's and collect.sh's bundles (collect.sh fetched from the server's GET /collect.sh) of a namespace under a
 *    full accept queue, uploaded through POST /incidents/{id}/evidence, diagnosed by the server as the agent's
 *    snapshots of the same namespace are
 * Skipped, saying why, when not root or without `ip netns` and the tools.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { expect, test } from "./support/test";
import pg from "pg";

const root = process.cwd();
const DOWNTIME_S = Number(process.env.AGENT_DOWNTIME_S ?? 60);
/** the PostgreSQL run's downtime: the full minute runs once, on PGlite */
const DOWNTIME_PG_S = Math.min(DOWNTIME_S, 12);
const ADMIN = { email: "agent-admin@example.test", password: "agent e2e password 1" };
const CLI = path.join(root, "cli/netmortem.js");
const TOOLS = ["ip", "ss", "curl", "tcpdump", "python3", "sysctl", "tar"];

function whyNot(): string | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "needs root (network namespaces)";
  for (const t of TOOLS) if (spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0) return `missing ${t}`;
  const probe = `nme2eprobe${process.pid}`;
  if (spawnSync("ip", ["netns", "add", probe]).status !== 0) return "ip netns does not work here";
  spawnSync("ip", ["netns", "del", probe]);
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) return "no production build (.next): the webServer builds it";
  return null;
}
const reason = whyNot();

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Target = { name: "pglite" | "postgresql"; url?: string; port: number; net: number; downtime: number; full: boolean };
const targets: Target[] = [{ name: "pglite", port: 3141, net: 221, downtime: DOWNTIME_S, full: true }];
if (process.env.TEST_DATABASE_URL) targets.push({ name: "postgresql", url: process.env.TEST_DATABASE_URL, port: 3142, net: 222, downtime: DOWNTIME_PG_S, full: false });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A command to its end, asynchronously, failing with its stderr. Not execFileSync: a blocked event loop would not see
 * the server close an idle keep-alive connection, and fetch's next request would go out on the dead socket ("other
 * side closed").
 */
async function exec(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<{ status: number | null; stderr: string }> {
  const p = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  p.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const t = setTimeout(() => p.kill("SIGKILL"), opts.timeout ?? 120_000);
  const status = await new Promise<number | null>((r) => p.once("close", (code) => r(code)));
  clearTimeout(t);
  return { status, stderr };
}
async function mustExec(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<void> {
  const r = await exec(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${r.stderr.slice(-3000)}`);
}

for (const target of targets) {
  test.describe(`the node agent against the real server (${target.name})`, () => {
    test.skip(reason !== null, reason ?? "");
    test.describe.configure({ mode: "serial", timeout: 240_000 });

    const NODE = `nme2e${target.net}n${process.pid}`.slice(0, 15);
    const VETH = `nme2e${target.net}r${process.pid}`.slice(0, 15);
    const SERVER_IP = `10.${target.net}.0.1`;
    const NODE_IP = `10.${target.net}.0.2`;
    const URL_ = `http://${SERVER_IP}:${target.port}`;
    const schema = `nm_agent_e2e_${randomBytes(5).toString("hex")}`;
    let tmp = "";
    const children: ChildProcess[] = [];
    let server: ChildProcess | null = null;
    let serverLog = "";

    let personal = "";
    let clusterA = "";
    let tokenA = "";
    let tokenB = "";

    async function api(method: string, p: string, body?: unknown, opts: { cookie?: string; raw?: { bytes: Buffer; type: string; filename: string } } = {}): Promise<{ status: number; body: Json }> {
      const headers: Record<string, string> = { origin: URL_ };
      if (opts.cookie) headers.cookie = opts.cookie;
      else if (personal) headers.authorization = `Bearer ${personal}`;
      let data: BodyInit | undefined;
      if (opts.raw) {
        headers["content-type"] = opts.raw.type;
        headers["x-filename"] = opts.raw.filename;
        data = new Uint8Array(opts.raw.bytes);
      } else if (body !== undefined) {
        headers["content-type"] = "application/json";
        data = JSON.stringify(body);
      }
      const res = await fetch(`${URL_}${p}`, { method, headers, body: data }).catch((err: Error) => {
        throw new Error(`${method} ${p}: ${err.message} (${String((err.cause as Error | undefined)?.message ?? "")}); server ${server ? `running, exit ${server.exitCode}` : "stopped"}\nserver log:\n${serverLog.slice(-3000)}`);
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed };
    }

    async function startServer(): Promise<void> {
      serverLog = "";
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(target.port),
        HOSTNAME: SERVER_IP,
        NETMORTEM_FILES_DIR: path.join(tmp, "files"),
        NETMORTEM_ADMIN_EMAIL: ADMIN.email,
        NETMORTEM_ADMIN_PASSWORD: ADMIN.password,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
      };
      delete env.DATABASE_URL;
      if (target.url) {
        const u = new URL(target.url);
        u.searchParams.set("schema", schema);
        env.DATABASE_URL = u.toString();
      } else env.NETMORTEM_DATA_DIR = path.join(tmp, "pglite");
      const p = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
      p.stdout!.on("data", (c: Buffer) => (serverLog += c.toString()));
      p.stderr!.on("data", (c: Buffer) => (serverLog += c.toString()));
      children.push(p);
      server = p;
      const end = Date.now() + 180_000;
      for (;;) {
        if (p.exitCode !== null) throw new Error(`the server exited: ${serverLog}`);
        const ok = await fetch(`${URL_}/api/v1/health`).then((r) => r.status === 200, () => false);
        if (ok) return;
        if (Date.now() > end) throw new Error(`the server did not answer /api/v1/health: ${serverLog}`);
        await sleep(500);
      }
    }

    async function stopServer(): Promise<void> {
      const p = server;
      server = null;
      if (!p || p.exitCode !== null) return;
      await new Promise<void>((r) => {
        p.once("exit", () => r());
        p.kill("SIGTERM");
      });
    }

    /** the built command in the node's namespace, to its end */
    function agent(args: string[]): Promise<{ status: number | null; stderr: string }> {
      return exec("ip", ["netns", "exec", NODE, process.execPath, CLI, "agent", "--server", URL_, "--poll", "0", ...args]);
    }
    function agentBg(args: string[]): { p: ChildProcess; log: () => string } {
      const p = spawn("ip", ["netns", "exec", NODE, process.execPath, CLI, "agent", "--server", URL_, ...args], { stdio: ["ignore", "ignore", "pipe"] });
      children.push(p);
      let log = "";
      p.stderr!.on("data", (c: Buffer) => (log += c.toString()));
      return { p, log: () => log };
    }
    async function stop(p: ChildProcess): Promise<number | null> {
      if (p.exitCode !== null) return p.exitCode;
      await new Promise<void>((r) => {
        p.once("exit", () => r());
        p.kill("SIGTERM");
      });
      return p.exitCode;
    }
    async function waitFor(cond: () => boolean | Promise<boolean>, ms: number, what: string, log?: () => string): Promise<void> {
      const end = Date.now() + ms;
      while (!(await cond())) {
        if (Date.now() > end) throw new Error(`${what} did not happen in ${ms / 1000} s${log ? `; agent log:\n${log()}` : ""}\nserver log:\n${serverLog.slice(-3000)}`);
        await sleep(500);
      }
    }
    /** traffic from the node to the server for `seconds` (something for a capture to see) */
    function traffic(seconds: number): ChildProcess {
      const p = spawn("ip", ["netns", "exec", NODE, "sh", "-c", `end=$(($(date +%s) + ${seconds})); while [ $(date +%s) -lt $end ]; do curl -s -o /dev/null --max-time 1 ${URL_}/api/v1/health; sleep 0.1; done`], { stdio: "ignore" });
      children.push(p);
      return p;
    }

    async function incident(title: string): Promise<string> {
      const r = await api("POST", "/api/v1/incidents", { title, severity: "sev2", clusterId: clusterA });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.data.id as string;
    }
    async function nodeOfA(name: string): Promise<Json> {
      const r = await api("GET", `/api/v1/clusters/${clusterA}/nodes?limit=100`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body.data as Json[]).find((n) => n.name === name);
    }
    async function snapshotsOf(id: string): Promise<Json[]> {
      const r = await api("GET", `/api/v1/nodes/${id}/snapshots?limit=100`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.data as Json[];
    }
    /** the incident's analysis once the server's job has read everything that arrived (not stale) */
    async function analysisOf(id: string, evidence: number): Promise<Json> {
      let a: { status: number; body: Json } = { status: 0, body: null };
      await waitFor(
        async () => {
          a = await api("GET", `/api/v1/incidents/${id}/analysis`);
          return a.status === 200 && a.body.data.status === "done" && a.body.data.stale === false && a.body.data.evidenceIds.length >= evidence;
        },
        150_000,
        `the analysis of incident ${id} (last: ${JSON.stringify(a.body?.data ?? a.body).slice(0, 600)})`,
      );
      return a.body.data;
    }
    const summary = (a: Json) => (a.findings as Json[]).map((f) => `${f.id} ${Number(f.confidence).toFixed(2)}`).join(", ");

    test.beforeAll(async () => {
      test.setTimeout(240_000);
      tmp = mkdtempSync(path.join(tmpdir(), "netmortem-agent-e2e-"));
      if (target.url) {
        const c = new pg.Client({ connectionString: target.url });
        await c.connect();
        await c.query(`CREATE SCHEMA "${schema}"`);
        await c.end();
      }
      execFileSync("ip", ["netns", "add", NODE]);
      execFileSync("ip", ["-n", NODE, "link", "set", "lo", "up"]);
      execFileSync("ip", ["link", "add", VETH, "type", "veth", "peer", "name", "eth0", "netns", NODE]);
      execFileSync("ip", ["addr", "add", `${SERVER_IP}/24`, "dev", VETH]);
      execFileSync("ip", ["link", "set", VETH, "up"]);
      execFileSync("ip", ["-n", NODE, "addr", "add", `${NODE_IP}/24`, "dev", "eth0"]);
      execFileSync("ip", ["-n", NODE, "link", "set", "eth0", "up"]);
      await startServer();
      // the admin (made from the environment on first start) signs in once and makes a personal token for the rest
      const signIn = await fetch(`${URL_}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: URL_ }, body: JSON.stringify(ADMIN) });
      expect(signIn.status, await signIn.clone().text()).toBe(200);
      const cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      const t = await api("POST", "/api/v1/tokens", { name: "agent-e2e" }, { cookie });
      expect(t.status, JSON.stringify(t.body)).toBe(201);
      personal = t.body.data.token;
      const a = await api("POST", "/api/v1/clusters", { name: "cluster-a" });
      const b = await api("POST", "/api/v1/clusters", { name: "cluster-b" });
      expect([a.status, b.status], JSON.stringify([a.body, b.body])).toEqual([201, 201]);
      clusterA = a.body.data.id;
      const ta = await api("POST", `/api/v1/clusters/${clusterA}/ingest-tokens`, { name: "agent" });
      const tb = await api("POST", `/api/v1/clusters/${b.body.data.id}/ingest-tokens`, { name: "agent" });
      expect([ta.status, tb.status], JSON.stringify([ta.body, tb.body])).toEqual([201, 201]);
      tokenA = ta.body.data.token;
      tokenB = tb.body.data.token;
    });

    test.afterAll(async () => {
      await stopServer();
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
      spawnSync("ip", ["netns", "del", NODE]);
      spawnSync("ip", ["link", "del", VETH]);
      if (target.url) {
        const c = new pg.Client({ connectionString: target.url });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
      }
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    test("snapshots: the node under the token's cluster with kernel, interfaces and counters; a second one gives deltas", async () => {
      const inc = await incident("node-a snapshots");
      // the namespace's net.* sysctls (counts and random values aside), links, addresses and routes
      const state = () =>
        [
          execFileSync("ip", ["netns", "exec", NODE, "sysctl", "-a"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
            .split("\n")
            .filter((l) => l.startsWith("net.") && !/conntrack_count|random|_stat|\.count =/.test(l))
            .join("\n"),
          execFileSync("ip", ["-n", NODE, "-d", "link"], { encoding: "utf8" }),
          execFileSync("ip", ["-n", NODE, "addr"], { encoding: "utf8" }),
          execFileSync("ip", ["-n", NODE, "route", "show", "table", "all"], { encoding: "utf8" }),
        ].join("\n");
      const before = state();
      const spool = path.join(tmp, "spool1");
      const r1 = await agent(["--token", tokenA, "--node", "node-a", "--once", "--spool", spool, "--incident", inc]);
      expect(r1.status, r1.stderr).toBe(0);
      expect(r1.stderr).toMatch(/snapshot of node-a sent/);
      expect(state()).toBe(before);
      // three TCP connections from the node between the two snapshots
      for (let i = 0; i < 3; i++) spawnSync("ip", ["netns", "exec", NODE, "curl", "-s", "-o", "/dev/null", "--max-time", "5", `${URL_}/api/v1/health`]);
      await sleep(1000);
      const r2 = await agent(["--token", tokenA, "--node", "node-a", "--once", "--spool", spool, "--incident", inc]);
      expect(r2.status, r2.stderr).toBe(0);

      const node = await nodeOfA("node-a");
      expect(node, "node-a listed under cluster A").toBeDefined();
      expect(node.kernelVersion).toBe(execFileSync("uname", ["-r"], { encoding: "utf8" }).trim());
      expect(node.agentVersion).toBeTruthy();
      const eth0 = (node.facts.interfaces as Json[]).find((i) => i.name === "eth0");
      expect(eth0, JSON.stringify(node.facts)).toBeDefined();
      expect(JSON.stringify(eth0)).toContain(NODE_IP);
      const snaps = await snapshotsOf(node.id);
      expect(snaps.length).toBe(2);
      expect(Object.keys(snaps[0].counters).length).toBeGreaterThan(20);
      expect((snaps[0].outputs as Json[]).map((o) => o.name)).toEqual(expect.arrayContaining(["sysctl-a.txt", "proc-net-netstat.txt", "ss-ltn.txt", "ip-addr.txt", "ip-route.txt", "uname-r.txt"]));

      // the counter series: the second point carries the delta since the first (three connections at least)
      const series = await api("GET", `/api/v1/nodes/${node.id}/counters?names=Tcp.ActiveOpens,Tcp.PassiveOpens`);
      expect(series.status, JSON.stringify(series.body)).toBe(200);
      const active = (series.body.data.series as Json[]).find((s) => s.name === "Tcp.ActiveOpens");
      expect(active.points).toHaveLength(2);
      expect(active.points[0].delta).toBeNull();
      expect(active.points[1].delta).toBeGreaterThanOrEqual(3);
      expect(active.points[1].ratePerSecond).toBeGreaterThan(0);

      // the analysis the server made for the incident read both snapshots of node-a
      const a = await analysisOf(inc, 2);
      expect((a.hosts as Json[]).map((h) => h.name)).toEqual(["node-a"]);
      expect(a.hosts[0].kernel).toBe(node.kernelVersion);
      expect(a.evidenceIds).toEqual(expect.arrayContaining(snaps.map((s) => s.evidenceId)));
    });

    test(`a server stopped for ${target.downtime} s loses nothing: spooled, then sent, each snapshot once`, async () => {
      test.setTimeout((target.downtime + 400) * 1000);
      const node = await nodeOfA("node-a");
      const before = (await snapshotsOf(node.id)).length;
      const spool = path.join(tmp, "spool2");
      const { p, log } = agentBg(["--poll", "0", "--token", tokenA, "--node", "node-a", "--interval", "5s", "--spool", spool, "--backoff", "1s", "--max-backoff", "5s"]);
      await waitFor(() => /snapshot of node-a sent/.test(log()), 60_000, "a first snapshot", log);
      await stopServer();
      const downAt = Date.now();
      await sleep(target.downtime * 1000);
      const spooled = readdirSync(spool).filter((f) => f.endsWith(".json.gz")).length;
      expect(spooled, log()).toBeGreaterThanOrEqual(Math.floor(target.downtime / 5) - 2);
      await startServer();
      await waitFor(() => readdirSync(spool).filter((f) => f.endsWith(".json.gz")).length === 0, 180_000, "the spool draining", log);
      expect(await stop(p), log()).toBe(0);
      expect(log()).toMatch(/server unreachable/);
      expect(log()).toMatch(/stopped \(SIGTERM\)/);
      const taken = [...log().matchAll(/snapshot of node-a (sent|spooled)/g)].length;
      const all = await snapshotsOf(node.id);
      // every snapshot taken arrived, once: as many as taken, no takenAt twice, no evidence item twice
      expect(all.length - before, log()).toBe(taken);
      expect(new Set(all.map((s) => s.takenAt)).size).toBe(all.length);
      expect(new Set(all.map((s) => s.evidenceId)).size).toBe(all.length);
      // the ones taken while it was down are among them
      const during = all.filter((s) => Date.parse(s.takenAt) > downAt && Date.parse(s.takenAt) < downAt + target.downtime * 1000);
      expect(during.length, log()).toBeGreaterThanOrEqual(spooled - 1);
    });

    test("a token of another cluster and a revoked token are refused, and the agent says so clearly", async () => {
      const inc = await incident("refusals");
      const node = await nodeOfA("node-a");
      const before = (await snapshotsOf(node.id)).length;
      // cluster B's token for an incident of cluster A: the incident is not in the token's cluster
      const other = await agent(["--token", tokenB, "--node", "node-a", "--once", "--incident", inc, "--spool", path.join(tmp, "spool3")]);
      expect(other.status, other.stderr).toBe(3);
      expect(other.stderr).toMatch(new RegExp(`the server refused the snapshot for incident ${inc} \\(HTTP 404: not_found: incident ${inc} not found\\)`));
      expect(other.stderr).toMatch(/not in the cluster of this ingest token/);
      // a token revoked by an admin: refused from its next request on
      const made = await api("POST", `/api/v1/clusters/${clusterA}/ingest-tokens`, { name: "soon revoked" });
      expect(made.status).toBe(201);
      const ok = await agent(["--token", made.body.data.token, "--node", "node-a", "--once", "--spool", path.join(tmp, "spool4")]);
      expect(ok.status, ok.stderr).toBe(0);
      const del = await api("DELETE", `/api/v1/tokens/${made.body.data.id}`);
      expect(del.status, JSON.stringify(del.body)).toBe(200);
      const revoked = await agent(["--token", made.body.data.token, "--node", "node-a", "--once", "--spool", path.join(tmp, "spool4")]);
      expect(revoked.status, revoked.stderr).toBe(3);
      expect(revoked.stderr).toMatch(/the server refused the ingest token \(HTTP 401: [^)]*\)\. Check --token/);
      // only the snapshot sent before the revocation arrived
      expect((await snapshotsOf(node.id)).length).toBe(before + 1);
      // nothing went to cluster B
      const nodesB = await api("GET", `/api/v1/clusters/${(await api("GET", "/api/v1/clusters")).body.data.find((c: Json) => c.name === "cluster-b").id}/nodes`);
      expect(nodesB.body.data).toEqual([]);
    });

    test("a capture at the node: tcpdump bounded, summarised there, the summary and the raw pcap (--send-raw) stored", async () => {
      const inc = await incident("capture at the node");
      const load = traffic(9);
      const r = await agent(["--token", tokenA, "--node", "node-a", "--once", "--incident", inc, "--spool", path.join(tmp, "spool5"), "--capture", "eth0", "--capture-seconds", "3", "--capture-filter", `tcp port ${target.port}`, "--send-raw"]);
      load.kill("SIGTERM");
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/capture on eth0 \(\d+ packets, \d+ flows\) sent/);
      expect(r.stderr).toMatch(/raw capture sent/);
      const ev = await api("GET", `/api/v1/incidents/${inc}/evidence?limit=50`);
      expect(ev.status, JSON.stringify(ev.body)).toBe(200);
      const cap = (ev.body.data as Json[]).find((e) => e.kind === "capture-summary");
      expect(cap, JSON.stringify(ev.body.data)).toBeDefined();
      expect(cap.rawKept).toBe(true);
      expect(cap.node.name).toBe("node-a");
      // the raw pcap the server keeps is the capture that was summarised at the node
      const one = await api("GET", `/api/v1/incidents/${inc}/evidence/${cap.id}`);
      expect(one.status).toBe(200);
      const blobDir = path.join(tmp, "files", "blobs", cap.id);
      const [blob] = readdirSync(blobDir);
      const pcap = gunzipSync(readFileSync(path.join(blobDir, blob!)));
      expect(pcap.readUInt32LE(0)).toBe(0xa1b2c3d4);
      const packets = countPcapPackets(pcap);
      expect(packets).toBeGreaterThan(10);
      expect(one.body.data.files[0].capture.packets).toBe(packets);
      // and the analysis read it as a capture of node-a
      const a = await analysisOf(inc, 2);
      expect((a.hosts as Json[]).map((h) => h.name)).toContain("node-a");
    });

    test("capture requests from the war room: the agent polls, captures, answers; one it cannot take is reported", async () => {
      const inc = await incident("capture requests");
      const node = await nodeOfA("node-a");
      const ask = (body: Json) => api("POST", `/api/v1/nodes/${node.id}/capture-requests`, body);
      const ok = await ask({ iface: "eth0", seconds: 2, filter: `tcp port ${target.port}`, sendRaw: true, incidentId: inc });
      const bad = await ask({ iface: "nosuch0", seconds: 2, incidentId: inc });
      expect([ok.status, bad.status], JSON.stringify([ok.body, bad.body])).toEqual([201, 201]);
      const load = traffic(20);
      const { p, log } = agentBg(["--token", tokenA, "--node", "node-a", "--interval", "300s", "--poll", "1s", "--spool", path.join(tmp, "spool6")]);
      let listed: Json = null;
      const state = async (id: string) => {
        listed = (await api("GET", `/api/v1/nodes/${node.id}/capture-requests?limit=50`)).body;
        return (listed.data as Json[]).find((x) => x.id === id);
      };
      await waitFor(async () => (await state(ok.body.data.id))?.state === "done" && (await state(bad.body.data.id))?.state === "failed", 90_000, "both requests answered", () => `${log()}\nrequests: ${JSON.stringify(listed)}`);
      expect(await stop(p), log()).toBe(0);
      load.kill("SIGTERM");
      expect(log()).toMatch(/capture requested from the war room: eth0 for 2 s/);
      const done = await state(ok.body.data.id);
      expect(done.evidenceId).toBeTruthy();
      expect((await state(bad.body.data.id)).error).toMatch(/nosuch0/);
      const item = await api("GET", `/api/v1/incidents/${inc}/evidence/${done.evidenceId}`);
      expect(item.status, JSON.stringify(item.body)).toBe(200);
      expect(item.body.data).toMatchObject({ kind: "capture-summary", rawKept: true });
      // handed out once: polling again gives nothing
      const again = await fetch(`${URL_}/api/v1/ingest/capture-requests?node=node-a`, { headers: { authorization: `Bearer ${tokenA}` } });
      expect(((await again.json()) as Json).data).toEqual([]);
    });

    // the lab and the collect comparison run once (on PGlite), for CI time: they are about the diagnosis, not the database
    if (target.full) test("a lab failure with the agent in each node is diagnosed right by the server", async () => {
      test.setTimeout(400_000);
      const inc = await incident("accept queue (lab, agent in each node)");
      const lab = path.join(tmp, "lab");
      mkdirSync(path.join(lab, "out"), { recursive: true });
      await mustExec("bash", [path.join(root, "e2e/lab/scenarios/accept_queue_overflow.sh"), path.join(lab, "out")], {
        env: { ...process.env, LAB_AGENT: lab, LAB_AGENT_ARGS: `--incident ${inc}` },
        timeout: 240_000,
      });
      // the lab's own collection left nothing but the capture the scenario takes itself
      for (const h of readdirSync(path.join(lab, "out"))) {
        expect(readdirSync(path.join(lab, "out", h)).filter((f) => !/\.(pcap|txt)$/.test(f) || /^(sysctl|ss|ip|proc)/.test(f))).toEqual([]);
      }
      // every reading was the agent's (two per host), carried over in the spool and sent with --flush
      for (const h of ["client", "server"]) {
        expect(readdirSync(path.join(lab, h)).filter((f) => f.endsWith(".json.gz"))).toHaveLength(2);
        const r = await agent(["--token", tokenA, "--flush", "--spool", path.join(lab, h)]);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/sent 2 spooled bodies/);
      }
      const a = await analysisOf(inc, 4);
      expect(a.rootCause, summary(a)).toBe("accept_queue_overflow");
      expect((a.hosts as Json[]).map((h) => h.name).sort()).toEqual(["client", "server"]);
      const f = (a.findings as Json[])[0];
      expect(f.id).toBe("accept_queue_overflow");
      // the counters' change between the two readings is what it rests on (a delta: the two snapshots together)
      const cited = JSON.stringify(f.evidence.filter((e: Json) => e.host === "server"));
      expect(cited, cited).toMatch(/ListenOverflows/);
      expect(cited).toMatch(/\+\d+|rose|per second|\/s/);
    });

    if (target.full) test("collect's and collect.sh's bundles, uploaded, are diagnosed as the agent's snapshots of the same namespace", async () => {
      test.setTimeout(400_000);
      // the fault, steady while the three collect: a listener in the node that never accepts (somaxconn 16 in this
      // namespace only), and from the root namespace a new connection every 20 ms for 50 s, so ListenOverflows rises
      // in any interval
      execFileSync("ip", ["netns", "exec", NODE, "sysctl", "-qw", "net.core.somaxconn=16"]);
      const listener = spawn("ip", ["netns", "exec", NODE, "python3", path.join(root, "e2e/lab/tools/stalled_listener.py"), NODE_IP, "8080", "511", "70"], { stdio: "ignore" });
      children.push(listener);
      for (let i = 0; i < 50 && spawnSync("ip", ["netns", "exec", NODE, "ss", "-Hltn", "sport = :8080"], { encoding: "utf8" }).stdout.trim() === ""; i++) await sleep(100);
      const load = spawn("python3", ["-c", [
        "import socket, time",
        "end = time.time() + 50; held = []",
        "while time.time() < end and len(held) < 2400:",
        `    s = socket.socket(); s.setblocking(False); s.connect_ex(('${NODE_IP}', 8080)); held.append(s); time.sleep(0.02)`,
        "time.sleep(max(0, end - time.time()))",
      ].join("\n")], { stdio: "ignore" });
      children.push(load);
      try {
        await sleep(1500);
        const incAgent = await incident("accept queue: the agent");
        const incCollect = await incident("accept queue: collect");
        const incSh = await incident("accept queue: collect.sh");
        const spool = path.join(tmp, "spool7");
        for (let i = 0; i < 2; i++) {
          if (i) await sleep(2000);
          const r = await agent(["--token", tokenA, "--node", "node-c", "--once", "--incident", incAgent, "--spool", spool]);
          expect(r.status, r.stderr).toBe(0);
        }
        const a = path.join(tmp, "collect.tar.gz");
        const b = path.join(tmp, "collect-sh.tar.gz");
        await mustExec("ip", ["netns", "exec", NODE, process.execPath, CLI, "collect", "-o", a, "--host", "node-c", "--interval", "2s"]);
        // collect.sh as the README says: fetched from the server with curl on the node, run by sh
        await mustExec("ip", ["netns", "exec", NODE, "sh", "-c", `curl -fsS ${URL_}/collect.sh | sh -s -- -o ${b} -H node-c -i 2`]);
        for (const [inc, file] of [[incCollect, a], [incSh, b]] as const) {
          const up = await api("POST", `/api/v1/incidents/${inc}/evidence`, undefined, { raw: { bytes: readFileSync(file), type: "application/gzip", filename: path.basename(file) } });
          expect(up.status, JSON.stringify(up.body)).toBe(202);
        }
        const [byAgent, byCollect, bySh] = [await analysisOf(incAgent, 2), await analysisOf(incCollect, 1), await analysisOf(incSh, 1)];
        const ids = (x: Json) => (x.findings as Json[]).filter((f) => f.confidence >= 0.5).map((f) => f.id);
        expect(byAgent.rootCause, summary(byAgent)).toBe("accept_queue_overflow");
        expect(byCollect.rootCause, summary(byCollect)).toBe(byAgent.rootCause);
        expect(bySh.rootCause, summary(bySh)).toBe(byAgent.rootCause);
        expect(ids(byCollect)).toEqual(ids(byAgent));
        expect(ids(bySh)).toEqual(ids(byAgent));
        for (const x of [byAgent, byCollect, bySh]) expect((x.hosts as Json[]).map((h) => h.name)).toEqual(["node-c"]);
      } finally {
        load.kill("SIGKILL");
        listener.kill("SIGKILL");
      }
    });
  });
}

/** packets in a classic pcap (microsecond or nanosecond, little-endian as tcpdump writes it here) */
function countPcapPackets(b: Buffer): number {
  let n = 0;
  for (let o = 24; o + 16 <= b.length; n++) o += 16 + b.readUInt32LE(o + 8);
  return n;
}
