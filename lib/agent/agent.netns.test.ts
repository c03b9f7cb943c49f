/**
 * The agent as it runs on a node: `netmortem agent` (the built command) as root inside a network namespace made here,
 * sending to an ingest server in another namespace made here, linked by a veth pair (nothing in the root namespace,
 * no traffic leaves the two). The server is lib/agent/testing/stub-ingest.ts, which parses with the contract's
 * schemas (lib/schemas/ingest.ts) and answers as the contract says.
 *
 * What it shows: a snapshot arrives with the node's kernel, interfaces and counters; a second one gives counter
 * deltas through the evidence engine; a server stopped for a minute loses nothing (spooled, then sent, oldest
 * first); a token of another cluster is refused and the agent says so; SIGTERM ends it cleanly.
 * AGENT_DOWNTIME_S (default 60) sets how long the server is stopped.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evidenceFromTexts } from "../analysis/evidence";
import { summarizeCapture } from "../analysis/capture";
import type { CaptureIngest, SnapshotIngest } from "../schemas/ingest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DOWNTIME_S = Number(process.env.AGENT_DOWNTIME_S ?? 60);

function whyNot(): string | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "needs root (network namespaces)";
  for (const t of ["ip", "ss", "curl", "tcpdump"]) if (spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0) return `missing ${t}`;
  const probe = `nmagprobe${process.pid}`;
  if (spawnSync("ip", ["netns", "add", probe]).status !== 0) return "ip netns does not work here";
  spawnSync("ip", ["netns", "del", probe]);
  return null;
}
const reason = whyNot();
if (reason) console.warn(`agent namespace tests skipped: ${reason}`);

const NODE = `nmagn${process.pid}`;
const SRV = `nmags${process.pid}`;
const PORT = 3141;
const URL_ = `http://10.220.0.1:${PORT}`;
const TOKEN = "nmi_cluster_a_token";
const OTHER = "nmi_cluster_b_token";
const tmp = mkdtempSync(path.join(tmpdir(), "netmortem-agent-test-"));
const received = path.join(tmp, "received");
const children: ChildProcess[] = [];
let server: ChildProcess | null = null;

function startServer(): Promise<void> {
  execFileSync("mkdir", ["-p", received]);
  const p = spawn("ip", ["netns", "exec", SRV, process.execPath, "--import", "tsx", path.join(root, "lib/agent/testing/stub-ingest.ts"), String(PORT), received, TOKEN, OTHER], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  server = p;
  children.push(p);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("the ingest stub did not start")), 30_000);
    p.stdout!.on("data", (c: Buffer) => {
      if (/listening/.test(c.toString())) {
        clearTimeout(t);
        resolve();
      }
    });
  });
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

function agentArgs(extra: string[], poll = "0"): string[] {
  return ["netns", "exec", NODE, process.execPath, path.join(root, "cli/netmortem.js"), "agent", "--server", URL_, "--node", "node-a", "--poll", poll, ...extra];
}

function runAgent(extra: string[]): { status: number | null; stderr: string } {
  const r = spawnSync("ip", agentArgs(extra), { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

const bodies = () =>
  readdirSync(received)
    .filter((f) => f.endsWith("-snapshots.json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(received, f), "utf8")) as { key: string; body: SnapshotIngest });

describe.skipIf(reason !== null)("netmortem agent in a network namespace, sending to a server in another", () => {
  beforeAll(async () => {
    for (const n of [NODE, SRV]) {
      execFileSync("ip", ["netns", "add", n]);
      execFileSync("ip", ["-n", n, "link", "set", "lo", "up"]);
    }
    execFileSync("ip", ["link", "add", "eth0", "netns", NODE, "type", "veth", "peer", "name", "eth0", "netns", SRV]);
    execFileSync("ip", ["-n", NODE, "addr", "add", "10.220.0.2/24", "dev", "eth0"]);
    execFileSync("ip", ["-n", SRV, "addr", "add", "10.220.0.1/24", "dev", "eth0"]);
    execFileSync("ip", ["-n", NODE, "link", "set", "eth0", "up"]);
    execFileSync("ip", ["-n", SRV, "link", "set", "eth0", "up"]);
    await startServer();
  }, 60_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    spawnSync("ip", ["netns", "del", NODE]);
    spawnSync("ip", ["netns", "del", SRV]);
    rmSync(tmp, { recursive: true, force: true });
  });

  it("a snapshot: the node with its kernel, interfaces and counters; the node's settings unchanged", { timeout: 60_000 }, () => {
    // the namespace's net.* sysctls (counts and random values aside), links, addresses, routes and rules
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
    const r = runAgent(["--token", TOKEN, "--once", "--spool", path.join(tmp, "spool1")]);
    expect(state()).toBe(before);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/snapshot of node-a sent/);
    const [s] = bodies();
    expect(s!.body.node).toBe("node-a");
    expect(s!.body.agent.kernel).toBe(execFileSync("uname", ["-r"], { encoding: "utf8" }).trim());
    const names = s!.body.outputs.map((o) => o.name);
    for (const n of ["sysctl-a.txt", "proc-net-netstat.txt", "proc-net-snmp.txt", "proc-net-dev.txt", "ss-s.txt", "ss-ltn.txt", "ip-d-link.txt", "ip-addr.txt", "ip-route.txt", "uname-r.txt"]) expect(names).toContain(n);
    const ev = evidenceFromTexts("node-a", s!.body.outputs.map((o) => ({ path: o.name, text: o.content })));
    expect(ev.kernel?.value).toBe(s!.body.agent.kernel);
    expect(ev.interfaces.map((i) => i.name)).toContain("eth0");
    expect(ev.addresses.map((a) => a.address)).toContain("10.220.0.2");
    expect(Object.keys(ev.counters).length).toBeGreaterThan(100);
    // what it could not run is said, not hidden
    for (const k of s!.body.skipped) expect(k.reason).not.toBe("");
  });

  it("a second snapshot gives counter deltas", { timeout: 60_000 }, () => {
    // three TCP connections from the node between the two snapshots
    for (let i = 0; i < 3; i++) spawnSync("ip", ["netns", "exec", NODE, "curl", "-s", "-o", "/dev/null", "--max-time", "5", `${URL_}/`]);
    const r = runAgent(["--token", TOKEN, "--once", "--spool", path.join(tmp, "spool1")]);
    expect(r.status, r.stderr).toBe(0);
    const [a, b] = bodies();
    const files = [
      ...a!.body.outputs.filter((o) => o.name.startsWith("proc-net-")).map((o) => ({ path: o.name.replace(".txt", `-${a!.body.takenAt}.txt`), text: o.content })),
      ...b!.body.outputs.filter((o) => o.name.startsWith("proc-net-")).map((o) => ({ path: o.name.replace(".txt", `-${b!.body.takenAt}.txt`), text: o.content })),
    ];
    const ev = evidenceFromTexts("node-a", files);
    const names = ev.deltas.map((d) => d.name);
    expect(names).toContain("Tcp.ActiveOpens");
    // three connections, plus the second snapshot's own POST
    expect(ev.deltas.find((d) => d.name === "Tcp.ActiveOpens")!.delta).toBeGreaterThanOrEqual(3);
  });

  it(`a server stopped for ${DOWNTIME_S} s loses nothing: spooled, then sent oldest first`, { timeout: (DOWNTIME_S + 120) * 1000 }, async () => {
    const before = bodies().length;
    const spool = path.join(tmp, "spool2");
    const agent = spawn("ip", agentArgs(["--token", TOKEN, "--interval", "5s", "--spool", spool, "--backoff", "1s", "--max-backoff", "5s"]), { stdio: ["ignore", "ignore", "pipe"] });
    children.push(agent);
    let log = "";
    agent.stderr!.on("data", (c: Buffer) => (log += c.toString()));
    const waitFor = async (cond: () => boolean, ms: number, what: string) => {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`${what} did not happen within ${ms / 1000} s; agent log:\n${log}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await waitFor(() => bodies().length >= before + 1, 30_000, "a first snapshot");
    await stopServer();
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, DOWNTIME_S * 1000));
    const spooledWhileDown = readdirSync(spool).filter((f) => f.endsWith(".json.gz")).length;
    expect(spooledWhileDown, log).toBeGreaterThanOrEqual(Math.floor(DOWNTIME_S / 5) - 2);
    await startServer();
    await waitFor(() => readdirSync(spool).filter((f) => f.endsWith(".json.gz")).length === 0 && bodies().length >= before + 1 + spooledWhileDown, 60_000, "the spool draining");
    await new Promise<void>((r) => {
      agent.once("exit", () => r());
      agent.kill("SIGTERM");
    });
    expect(agent.exitCode, log).toBe(0);
    expect(log).toMatch(/stopped \(SIGTERM\)/);
    // every snapshot the agent took arrived once, in the order taken, the downtime's included
    const got = bodies().slice(before);
    const taken = [...log.matchAll(/snapshot of node-a (sent|spooled)/g)].length;
    expect(got.length, log).toBe(taken);
    const times = got.map((g) => Date.parse(g.body.takenAt));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(new Set(got.map((g) => g.key)).size).toBe(got.length);
    // the snapshots taken while it was down (a tick in flight when it stopped may be spooled too)
    expect(times.filter((t) => t > downAt && t < downAt + DOWNTIME_S * 1000).length).toBeGreaterThanOrEqual(spooledWhileDown - 1);
    expect(log).toMatch(/server unreachable/);
  });

  it("a token of another cluster is refused, and the agent says so clearly", { timeout: 60_000 }, () => {
    const before = bodies().length;
    const r = runAgent(["--token", OTHER, "--once", "--spool", path.join(tmp, "spool3")]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/the server refused the ingest token \(HTTP 403: forbidden: this ingest token belongs to another cluster\)/);
    expect(r.stderr).toMatch(/Check --token/);
    expect(bodies().length).toBe(before);
  });

  const captures = () =>
    readdirSync(received)
      .filter((f) => f.endsWith("-captures.json"))
      .sort()
      .map((f) => JSON.parse(readFileSync(path.join(received, f), "utf8")) as { key: string; body: CaptureIngest });

  /** curl from the node to the server every 100 ms for `seconds` (traffic for a capture to see) */
  function traffic(seconds: number): ChildProcess {
    const p = spawn("ip", ["netns", "exec", NODE, "sh", "-c", `end=$(($(date +%s) + ${seconds})); while [ $(date +%s) -lt $end ]; do curl -s -o /dev/null --max-time 1 ${URL_}/x; sleep 0.1; done`], { stdio: "ignore" });
    children.push(p);
    return p;
  }

  it("a capture at the node: tcpdump bounded, summarised there, the summary sent, the raw pcap with --send-raw", { timeout: 60_000 }, async () => {
    const before = captures().length;
    const load = traffic(8);
    const r = runAgent(["--token", TOKEN, "--once", "--spool", path.join(tmp, "spool4"), "--capture", "eth0", "--capture-seconds", "3", "--capture-filter", `tcp port ${PORT}`, "--send-raw"]);
    load.kill("SIGTERM");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/capture on eth0 \(\d+ packets, \d+ flows\) sent/);
    expect(r.stderr).toMatch(/raw capture sent/);
    const c = captures().slice(before);
    expect(c).toHaveLength(1);
    const body = c[0]!.body;
    expect(body.capture).toMatchObject({ iface: "eth0", filter: `tcp port ${PORT}` });
    expect(body.capture.seconds).toBeGreaterThanOrEqual(3);
    expect(body.capture.tcpdump!.captured).toBe(body.summary.packets);
    expect(body.summary.packets).toBeGreaterThan(10);
    const flows = body.summary.flows as Array<{ resp: { addr: string; port: number } }>;
    expect(flows.some((f) => f.resp.addr === "10.220.0.1" && f.resp.port === PORT)).toBe(true);
    // the raw pcap that went with it is the capture that was summarised
    const raw = readdirSync(received).filter((f) => f.includes("-raw-"));
    expect(raw).toHaveLength(1);
    const again = await summarizeCapture(new Uint8Array(readFileSync(path.join(received, raw[0]!))));
    expect(again.packets).toBe(body.summary.packets);
  });

  it("capture requests from the war room are polled and answered; one it cannot do is reported", { timeout: 60_000 }, async () => {
    const before = captures().length;
    const ok = "6f1c2b7e-0000-4000-8000-000000000001";
    const bad = "6f1c2b7e-0000-4000-8000-000000000002";
    writeFileSync(path.join(received, "requests.json"), JSON.stringify([
      { id: ok, iface: "eth0", seconds: 2, filter: `tcp port ${PORT}`, sendRaw: false },
      { id: bad, iface: "nosuch0", seconds: 2, filter: null, sendRaw: false },
    ]));
    const load = traffic(10);
    const agent = spawn("ip", agentArgs(["--token", TOKEN, "--interval", "60s", "--spool", path.join(tmp, "spool5")], "1s"), { stdio: ["ignore", "ignore", "pipe"] });
    children.push(agent);
    let log = "";
    agent.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    const end = Date.now() + 40_000;
    while (!(captures().length > before && readdirSync(received).some((f) => f.includes(`failure-${bad}`)))) {
      if (Date.now() > end) throw new Error(`no answer to the capture requests; agent log:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise<void>((r) => {
      agent.once("exit", () => r());
      agent.kill("SIGTERM");
    });
    load.kill("SIGTERM");
    const c = captures().slice(before);
    expect(c.map((x) => x.body.requestId)).toEqual([ok]);
    expect(c[0]!.body.summary.packets).toBeGreaterThan(0);
    const f = readdirSync(received).find((x) => x.includes(`failure-${bad}`))!;
    expect(JSON.parse(readFileSync(path.join(received, f), "utf8")).error).toMatch(/nosuch0/);
    expect(log).toMatch(/capture requested from the war room: eth0 for 2 s/);
  });

  it("--redact: no address, MAC or node name of the node leaves it; the same key maps alike next time", { timeout: 60_000 }, () => {
    const key = path.join(tmp, "redact.key");
    const before = bodies().length;
    for (let i = 0; i < 2; i++) {
      const r = runAgent(["--token", TOKEN, "--once", "--spool", path.join(tmp, "spool6"), "--redact", "--redact-key", key]);
      expect(r.status, r.stderr).toBe(0);
    }
    const [a, b] = bodies().slice(before);
    const mac = execFileSync("ip", ["-n", NODE, "-br", "link", "show", "eth0"], { encoding: "utf8" }).trim().split(/\s+/)[2]!;
    for (const s of [a!, b!]) {
      const all = JSON.stringify(s.body);
      expect(all).not.toContain("10.220.0.2");
      expect(all).not.toContain("10.220.0.1");
      expect(all).not.toContain(mac);
      expect(all).not.toMatch(/node-a/);
      expect(s.body.node).toMatch(/^host-[0-9a-f]{8}$/);
    }
    expect(b!.body.node).toBe(a!.body.node);
    const addr = (s: { body: SnapshotIngest }) => s.body.outputs.find((o) => o.name === "ip-addr.txt")!.content.match(/inet (\S+) scope global eth0/)?.[1];
    expect(addr(a!)).toBeDefined();
    expect(addr(b!)).toBe(addr(a!));
    // still a /24 of the same network as the server's pseudonym: prefixes are kept
    expect(addr(a!)!.endsWith("/24")).toBe(true);
  });
});
