/**
 * The node agent against the real server (issue 14's acceptance), as root: the production build is started a second
 * time (scripts/start.mjs, embedded database in a temp folder) inside a network namespace made here, and the agent
 * (`cli/netmortem.js agent`, the built command) runs in another, linked to it by a veth pair: nothing is added to the
 * root namespace and no packet leaves the two. The test talks to the server with curl inside the server's namespace.
 *
 *  - snapshots arrive: the node appears under the token's cluster with its kernel, interfaces and counters, and a
 *    second snapshot gives counter deltas (GET /nodes/{id}/counters)
 *  - a server stopped for AGENT_DOWNTIME_S (default 60) loses nothing: the agent spools and sends later
 *  - a token of another cluster is refused (for an incident of the first cluster) and the agent says so
 *  - a lab failure (accept_queue_overflow) with the agent in each "node" is diagnosed right by the server
 * Skipped, saying why, when not root or without `ip netns`, and unless AGENT_E2E=1: written at the end of session 4
 * against the contract (PLAN.md) before the ingest routes and auth M1 were on main, it has not run yet:
 *   AGENT_E2E=1 npx playwright test e2e/agent.spec.ts
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

const root = process.cwd();
const DOWNTIME_S = Number(process.env.AGENT_DOWNTIME_S ?? 60);
const PORT = 3141;
const SRV = `nme2es${process.pid}`;
const NODE = `nme2en${process.pid}`;
const URL_ = `http://10.221.0.1:${PORT}`;
const ADMIN = { email: "admin@netmortem.test", password: "agent-e2e-password-1" };

function whyNot(): string | null {
  if (process.env.AGENT_E2E !== "1") return "AGENT_E2E=1 runs it (not yet run against the real ingest routes)";
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "needs root (network namespaces)";
  for (const t of ["ip", "curl", "ss"]) if (spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0) return `missing ${t}`;
  const probe = `nme2eprobe${process.pid}`;
  if (spawnSync("ip", ["netns", "add", probe]).status !== 0) return "ip netns does not work here";
  spawnSync("ip", ["netns", "del", probe]);
  return null;
}
const reason = whyNot();

let tmp = "";
let dataDir = "";
const children: ChildProcess[] = [];
let server: ChildProcess | null = null;
let serverLog = "";

/** curl inside the server's namespace → { status, body } */
function api(method: string, p: string, opts: { token?: string; body?: unknown; cookie?: string } = {}): { status: number; body: any } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const args = ["netns", "exec", SRV, "curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, `http://127.0.0.1:${PORT}${p}`, "-H", `origin: http://127.0.0.1:${PORT}`];
  if (opts.token) args.push("-H", `authorization: Bearer ${opts.token}`);
  if (opts.cookie) args.push("-b", opts.cookie, "-c", opts.cookie);
  if (opts.body !== undefined) args.push("-H", "content-type: application/json", "--data-binary", JSON.stringify(opts.body));
  const out = execFileSync("ip", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const i = out.lastIndexOf("\n");
  const text = out.slice(0, i);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: Number(out.slice(i + 1)), body };
}

async function startServer(): Promise<void> {
  serverLog = "";
  const p = spawn("ip", ["netns", "exec", SRV, "env", `PORT=${PORT}`, "HOSTNAME=0.0.0.0", `NETMORTEM_DATA_DIR=${dataDir}`, `NETMORTEM_ADMIN_EMAIL=${ADMIN.email}`, `NETMORTEM_ADMIN_PASSWORD=${ADMIN.password}`, "NODE_ENV=production", process.execPath, path.join(root, "scripts/start.mjs")], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  p.stdout!.on("data", (c: Buffer) => (serverLog += c.toString()));
  p.stderr!.on("data", (c: Buffer) => (serverLog += c.toString()));
  children.push(p);
  server = p;
  const end = Date.now() + 120_000;
  for (;;) {
    if (p.exitCode !== null) throw new Error(`the server exited: ${serverLog}`);
    const r = spawnSync("ip", ["netns", "exec", SRV, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://127.0.0.1:${PORT}/api/v1/health`], { encoding: "utf8" });
    if (r.stdout === "200") return;
    if (Date.now() > end) throw new Error(`the server did not answer /api/v1/health: ${serverLog}`);
    await new Promise((r2) => setTimeout(r2, 500));
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

function agent(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync("ip", ["netns", "exec", NODE, process.execPath, path.join(root, "cli/netmortem.js"), "agent", "--server", URL_, "--poll", "0", ...args], { encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stderr: r.stderr };
}

test.describe("the node agent against the real server", () => {
  test.skip(reason !== null, reason ?? "");
  test.describe.configure({ mode: "serial", timeout: (DOWNTIME_S + 300) * 1000 });

  let personal = "";
  let clusterA = "";
  let tokenA = "";
  let tokenB = "";
  let incidentA = "";

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    tmp = mkdtempSync(path.join(tmpdir(), "netmortem-agent-e2e-"));
    dataDir = path.join(tmp, "pglite");
    for (const n of [SRV, NODE]) {
      execFileSync("ip", ["netns", "add", n]);
      execFileSync("ip", ["-n", n, "link", "set", "lo", "up"]);
    }
    execFileSync("ip", ["link", "add", "eth0", "netns", NODE, "type", "veth", "peer", "name", "eth0", "netns", SRV]);
    execFileSync("ip", ["-n", NODE, "addr", "add", "10.221.0.2/24", "dev", "eth0"]);
    execFileSync("ip", ["-n", SRV, "addr", "add", "10.221.0.1/24", "dev", "eth0"]);
    execFileSync("ip", ["-n", NODE, "link", "set", "eth0", "up"]);
    execFileSync("ip", ["-n", SRV, "link", "set", "eth0", "up"]);
    await startServer();
    // the admin (made from the environment on first start) signs in once and makes a personal token for the rest
    const cookie = path.join(tmp, "cookies");
    const signIn = api("POST", "/api/auth/sign-in/email", { body: ADMIN, cookie });
    expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
    const t = api("POST", "/api/v1/tokens", { cookie, body: { name: "agent-e2e" } });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    personal = t.body.data.token;
    const a = api("POST", "/api/v1/clusters", { token: personal, body: { name: "cluster-a" } });
    const b = api("POST", "/api/v1/clusters", { token: personal, body: { name: "cluster-b" } });
    expect([a.status, b.status]).toEqual([201, 201]);
    clusterA = a.body.data.id;
    tokenA = api("POST", `/api/v1/clusters/${clusterA}/ingest-tokens`, { token: personal, body: { name: "agent" } }).body.data.token;
    tokenB = api("POST", `/api/v1/clusters/${b.body.data.id}/ingest-tokens`, { token: personal, body: { name: "agent" } }).body.data.token;
    expect(tokenA && tokenB).toBeTruthy();
    const inc = api("POST", "/api/v1/incidents", { token: personal, body: { title: "accept queue (agent e2e)", severity: "sev2", clusterId: clusterA } });
    expect(inc.status, JSON.stringify(inc.body)).toBe(201);
    incidentA = inc.body.data.id;
  });

  test.afterAll(async () => {
    await stopServer();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    spawnSync("ip", ["netns", "del", NODE]);
    spawnSync("ip", ["netns", "del", SRV]);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const nodeOfA = () => {
    const r = api("GET", `/api/v1/clusters/${clusterA}/nodes`, { token: personal });
    expect(r.status).toBe(200);
    return (r.body.data as Array<{ id: string; name: string; kernelVersion: string | null; facts: { interfaces: Array<{ name: string; addresses: string[] }> } | null; lastSnapshotAt: string | null }>).find((n) => n.name === "node-a");
  };
  const snapshotsOf = (id: string) => api("GET", `/api/v1/nodes/${id}/snapshots?limit=200`, { token: personal }).body.data as Array<{ takenAt: string; counters: Record<string, number> }>;

  test("snapshots: the node under the token's cluster with kernel, interfaces and counters; a second one gives deltas", async () => {
    const spool = path.join(tmp, "spool1");
    const r1 = agent(["--token", tokenA, "--node", "node-a", "--once", "--spool", spool]);
    expect(r1.status, r1.stderr).toBe(0);
    for (let i = 0; i < 3; i++) spawnSync("ip", ["netns", "exec", NODE, "curl", "-s", "-o", "/dev/null", "--max-time", "5", `${URL_}/api/v1/health`]);
    const r2 = agent(["--token", tokenA, "--node", "node-a", "--once", "--spool", spool]);
    expect(r2.status, r2.stderr).toBe(0);
    const node = nodeOfA();
    expect(node, "node-a listed under cluster A").toBeDefined();
    expect(node!.kernelVersion).toBe(execFileSync("uname", ["-r"], { encoding: "utf8" }).trim());
    expect(node!.facts!.interfaces.find((i) => i.name === "eth0")!.addresses.join(" ")).toContain("10.221.0.2");
    const snaps = snapshotsOf(node!.id);
    expect(snaps.length).toBe(2);
    expect(Object.keys(snaps[0]!.counters).length).toBeGreaterThan(20);
    const series = api("GET", `/api/v1/nodes/${node!.id}/counters?names=Tcp.ActiveOpens`, { token: personal });
    expect(series.status, JSON.stringify(series.body)).toBe(200);
    const points = JSON.stringify(series.body.data);
    // the second point carries the delta since the first: three connections and the agent's own POST at least
    const deltas = [...points.matchAll(/"delta":(\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(0, ...deltas)).toBeGreaterThanOrEqual(3);
  });

  test(`a server stopped for ${DOWNTIME_S} s loses nothing: spooled, then sent`, async () => {
    const node = nodeOfA()!;
    const before = snapshotsOf(node.id).length;
    const spool = path.join(tmp, "spool2");
    const p = spawn("ip", ["netns", "exec", NODE, process.execPath, path.join(root, "cli/netmortem.js"), "agent", "--server", URL_, "--poll", "0", "--token", tokenA, "--node", "node-a", "--interval", "5s", "--spool", spool, "--backoff", "1s", "--max-backoff", "5s"], { stdio: ["ignore", "ignore", "pipe"] });
    children.push(p);
    let log = "";
    p.stderr!.on("data", (c: Buffer) => (log += c.toString()));
    const waitFor = async (cond: () => boolean, ms: number, what: string) => {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`${what} did not happen in ${ms / 1000} s; agent log:\n${log}\nserver log:\n${serverLog.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await waitFor(() => /snapshot of node-a sent/.test(log), 60_000, "a first snapshot");
    await stopServer();
    await new Promise((r) => setTimeout(r, DOWNTIME_S * 1000));
    const spooled = readdirSync(spool).filter((f) => f.endsWith(".json.gz")).length;
    expect(spooled, log).toBeGreaterThanOrEqual(Math.floor(DOWNTIME_S / 5) - 2);
    await startServer();
    await waitFor(() => readdirSync(spool).filter((f) => f.endsWith(".json.gz")).length === 0, 120_000, "the spool draining");
    await new Promise<void>((r) => {
      p.once("exit", () => r());
      p.kill("SIGTERM");
    });
    const taken = [...log.matchAll(/snapshot of node-a (sent|spooled)/g)].length;
    expect(snapshotsOf(node.id).length - before, log).toBe(taken);
  });

  test("a token of another cluster is refused, and the agent says so clearly", () => {
    const r = agent(["--token", tokenB, "--node", "node-a", "--once", "--incident", incidentA, "--spool", path.join(tmp, "spool3")]);
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/the server refused the ingest token \(HTTP 40[34]/);
  });

  test("a lab failure with the agent in each node is diagnosed right by the server", async () => {
    test.setTimeout(300_000);
    const lab = path.join(tmp, "lab");
    mkdirSync(path.join(lab, "out"), { recursive: true });
    execFileSync("bash", [path.join(root, "e2e/lab/scenarios/accept_queue_overflow.sh"), path.join(lab, "out")], {
      env: { ...process.env, LAB_AGENT: lab, LAB_AGENT_ARGS: `--incident ${incidentA}` },
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 180_000,
    });
    for (const h of ["client", "server"]) {
      const r = agent(["--token", tokenA, "--flush", "--spool", path.join(lab, h)]);
      expect(r.status, r.stderr).toBe(0);
    }
    const end = Date.now() + 120_000;
    let a: { status: number; body: any } = { status: 0, body: null }; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (;;) {
      a = api("GET", `/api/v1/incidents/${incidentA}/analysis`, { token: personal });
      if (a.status === 200 && a.body?.data?.status === "done" && a.body.data.rootCause) {
        if (a.body.data.rootCause !== "none" || Date.now() > end) break;
      }
      if (Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(a.body?.data?.rootCause, JSON.stringify(a.body).slice(0, 2000)).toBe("accept_queue_overflow");
  });
});
