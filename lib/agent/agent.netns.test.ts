/**
 * What leaves a node with `--redact`, byte for byte: `netmortem agent` (the built command) as root inside a network
 * namespace made here, sending to a recorder of request bodies (lib/agent/testing/stub-ingest.ts) in another, linked
 * by a veth pair (nothing in the root namespace, no traffic leaves the two).
 *
 * Everything else the agent does is tested against the real server (e2e/agent.spec.ts: the production build, its
 * database, read back through the API). This one check stays on a recorder because the real server cannot show it: it
 * keeps outputs parsed and delta-compressed in its database and has no API that gives a snapshot's texts back, so only
 * the request bodies themselves show that no address, MAC or name of the node was in them.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summarizeCapture } from "../analysis/capture";
import type { CaptureIngest, SnapshotIngest } from "../schemas/ingest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function whyNot(): string | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "needs root (network namespaces)";
  for (const t of ["ip", "curl", "tcpdump"]) if (spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0) return `missing ${t}`;
  const probe = `nmagprobe${process.pid}`;
  if (spawnSync("ip", ["netns", "add", probe]).status !== 0) return "ip netns does not work here";
  spawnSync("ip", ["netns", "del", probe]);
  return null;
}
const reason = whyNot();
if (reason) console.warn(`agent namespace test skipped: ${reason}`);

const NODE = `nmagn${process.pid}`;
const SRV = `nmags${process.pid}`;
const PORT = 3141;
const URL_ = `http://10.220.0.1:${PORT}`;
const TOKEN = "nmi_cluster_a_token";
const tmp = mkdtempSync(path.join(tmpdir(), "netmortem-agent-test-"));
const received = path.join(tmp, "received");
const children: ChildProcess[] = [];

const recorded = <T,>(kind: string) =>
  readdirSync(received)
    .filter((f) => f.endsWith(`-${kind}.json`))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(received, f), "utf8")) as { key: string; body: T });

describe.skipIf(reason !== null)("netmortem agent --redact: what leaves the node", () => {
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
    execFileSync("mkdir", ["-p", received]);
    const p = spawn("ip", ["netns", "exec", SRV, process.execPath, "--import", "tsx", path.join(root, "lib/agent/testing/stub-ingest.ts"), String(PORT), received, TOKEN], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    children.push(p);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("the ingest recorder did not start")), 30_000);
      p.stdout!.on("data", (c: Buffer) => {
        if (/listening/.test(c.toString())) {
          clearTimeout(t);
          resolve();
        }
      });
    });
  }, 60_000);

  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    spawnSync("ip", ["netns", "del", NODE]);
    spawnSync("ip", ["netns", "del", SRV]);
    rmSync(tmp, { recursive: true, force: true });
  });

  it("no address, MAC or node name in snapshots, capture summary or raw pcap; the same key maps alike next time", { timeout: 90_000 }, async () => {
    const key = path.join(tmp, "redact.key");
    // traffic for the capture: curl from the node to the recorder every 100 ms
    const load = spawn("ip", ["netns", "exec", NODE, "sh", "-c", `end=$(($(date +%s) + 8)); while [ $(date +%s) -lt $end ]; do curl -s -o /dev/null --max-time 1 ${URL_}/x; sleep 0.1; done`], { stdio: "ignore" });
    children.push(load);
    const run = (extra: string[]) => {
      const r = spawnSync("ip", ["netns", "exec", NODE, process.execPath, path.join(root, "cli/netmortem.js"), "agent", "--server", URL_, "--node", "node-a", "--poll", "0", "--token", TOKEN, "--once", "--spool", path.join(tmp, "spool"), "--redact", "--redact-key", key, ...extra], { encoding: "utf8", timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      return r.stderr;
    };
    const log = run(["--capture", "eth0", "--capture-seconds", "3", "--capture-filter", `tcp port ${PORT}`, "--send-raw"]);
    load.kill("SIGTERM");
    expect(log).toMatch(/raw capture sent/);
    run([]);

    const mac = execFileSync("ip", ["-n", NODE, "-br", "link", "show", "eth0"], { encoding: "utf8" }).trim().split(/\s+/)[2]!;
    const snaps = recorded<SnapshotIngest>("snapshots");
    const [capture] = recorded<CaptureIngest>("captures");
    expect(snaps).toHaveLength(2);
    expect(capture).toBeDefined();
    for (const s of [...snaps, capture!]) {
      const all = JSON.stringify(s.body);
      for (const needle of ["10.220.0.2", "10.220.0.1", mac, "node-a"]) expect(all.includes(needle), needle).toBe(false);
      expect(s.body.node).toMatch(/^host-[0-9a-f]{8}$/);
    }
    // one key, one mapping: the node's name and address are the same pseudonyms in both snapshots
    const [a, b] = snaps;
    expect(b!.body.node).toBe(a!.body.node);
    const addr = (s: { body: SnapshotIngest }) => s.body.outputs.find((o) => o.name === "ip-addr.txt")!.content.match(/inet (\S+) scope global eth0/)?.[1];
    expect(addr(a!)).toBeDefined();
    expect(addr(b!)).toBe(addr(a!));
    // still a /24: prefixes are kept, so the subnet stays diagnosable
    expect(addr(a!)!.endsWith("/24")).toBe(true);
    const flows = capture!.body.summary.flows as Array<{ orig: { addr: string }; resp: { addr: string; port: number } }>;
    expect(flows.length).toBeGreaterThan(0);
    expect(flows.every((f) => f.orig.addr === addr(a!)!.split("/")[0])).toBe(true);

    // the raw pcap: neither address as the 4 bytes of a header, nor the MAC; still the capture that was summarised
    const raw = readdirSync(received).filter((f) => f.includes("-raw-"));
    expect(raw).toHaveLength(1);
    const pcap = readFileSync(path.join(received, raw[0]!));
    for (const ip of ["10.220.0.1", "10.220.0.2"]) expect(pcap.includes(Buffer.from(ip.split(".").map(Number))), ip).toBe(false);
    expect(pcap.includes(Buffer.from(mac.split(":").map((h) => parseInt(h, 16))))).toBe(false);
    const again = await summarizeCapture(new Uint8Array(pcap));
    expect(again.packets).toBe(capture!.body.summary.packets);
  });
});
