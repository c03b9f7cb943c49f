/**
 * The collection: the agent's list and collect.sh's agree; in a network namespace made here (root), `netmortem
 * collect` and collect.sh write bundles with the same files, read alike by the evidence engine and diagnosed alike;
 * a missing tool is skipped with its reason.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { expandArchive } from "../analysis/bundle";
import { analyzeBundle } from "../analysis/diagnosis";
import { diagnose } from "../analysis/diagnosis";
import { collect, ITEMS, KERNEL_NET_LOG_ERE } from "./collect";
import { hostFromSnapshots, spooled } from "./testing/snapshots";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const script = readFileSync(path.join(root, "deploy/collect.sh"), "utf8");

describe("one list of outputs", () => {
  it("collect.sh writes the agent's files under the same names", () => {
    const names = new Set([...script.matchAll(/(?:rec |file |bounded |drop_empty |\$dir\/)"?([A-Za-z0-9_-]+)(?:\$s)?\.(txt|json)/g)].map((m) => `${m[1]}.${m[2]}`));
    names.add("dmesg-net.txt");
    names.delete("netmortem-collect.txt");
    expect([...names].sort()).toEqual(ITEMS.map((i) => i.name).sort());
    // the counter items are the ones read twice by both
    const counters = /counters\(\) \{([\s\S]*?)\n\}/.exec(script)![1]!;
    expect([...counters.matchAll(/"([A-Za-z0-9_-]+)\$s\.txt"/g)].map((m) => `${m[1]}.txt`).sort()).toEqual(ITEMS.filter((i) => i.counters).map((i) => i.name).sort());
  });

  it("collect.sh greps the kernel log with the agent's expression", () => {
    expect(script).toContain(`KERNEL_NET_LOG='${KERNEL_NET_LOG_ERE}'`);
  });

  it("a missing tool is skipped and said so, never fatal", async () => {
    const c = await collect({ items: [{ name: "x.txt", command: "no-such-tool -a", run: { argv: ["netmortem-no-such-tool", "-a"] } }, ITEMS[0]!] });
    expect(c.skipped).toEqual([{ command: "no-such-tool -a", reason: "netmortem-no-such-tool is not installed" }]);
    expect(c.outputs.map((o) => o.name)).toEqual(["proc-net-netstat.txt"]);
  });

  it("bounds an output and says it was cut", async () => {
    const c = await collect({ maxBytes: 1000, items: [{ name: "big.txt", command: "seq", run: { argv: ["seq", "1", "100000"] } }] });
    expect(c.outputs[0]!.content.length).toBe(1000);
    expect(c.outputs[0]!.truncated).toBe(true);
  });
});

function whyNot(): string | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "needs root (network namespaces)";
  for (const t of ["ip", "ss", "sysctl", "tar", "python3"]) if (spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0) return `missing ${t}`;
  const probe = `nmaprobe${process.pid}`;
  if (spawnSync("ip", ["netns", "add", probe]).status !== 0) return "ip netns does not work here";
  spawnSync("ip", ["netns", "del", probe]);
  return null;
}
const reason = whyNot();

describe.skipIf(reason !== null)("collect and collect.sh in a network namespace made here", () => {
  const ns = `nmac${process.pid}`;
  const peer = `nmap${process.pid}`;
  const tmp = mkdtempSync(path.join(tmpdir(), "netmortem-collect-test-"));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    spawnSync("ip", ["netns", "del", ns]);
    spawnSync("ip", ["netns", "del", peer]);
    rmSync(tmp, { recursive: true, force: true });
  });

  it("write the same files, read and diagnosed alike", { timeout: 60_000 }, async () => {
    for (const n of [ns, peer]) {
      execFileSync("ip", ["netns", "add", n]);
      execFileSync("ip", ["-n", n, "link", "set", "lo", "up"]);
    }
    execFileSync("ip", ["link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", "eth0", "netns", peer]);
    execFileSync("ip", ["-n", ns, "addr", "add", "10.219.0.1/24", "dev", "eth0"]);
    execFileSync("ip", ["-n", ns, "link", "set", "eth0", "up"]);
    execFileSync("ip", ["-n", peer, "addr", "add", "10.219.0.2/24", "dev", "eth0"]);
    execFileSync("ip", ["-n", peer, "link", "set", "eth0", "up"]);
    const a = path.join(tmp, "cli.tar.gz");
    const b = path.join(tmp, "sh.tar.gz");
    execFileSync("ip", ["netns", "exec", ns, process.execPath, path.join(root, "cli/netmortem.js"), "collect", "-o", a, "--host", "node-x", "--interval", "1s"], { stdio: ["ignore", "ignore", "pipe"] });
    execFileSync("ip", ["netns", "exec", ns, "sh", path.join(root, "deploy/collect.sh"), "-o", b, "-H", "node-x", "-i", "1"], { stdio: ["ignore", "ignore", "pipe"] });
    const files = (f: string) => {
      const x = expandArchive(new Uint8Array(readFileSync(f)));
      if (x.status !== "success") throw new Error(x.error.message);
      return x.entries.map((e) => e.path).sort();
    };
    const fa = files(a);
    expect(fa).toEqual(files(b));
    expect(fa).toContain("node-x/proc-net-netstat-before.txt");
    expect(fa).toContain("node-x/proc-net-netstat-after.txt");
    expect(fa).toContain("node-x/sysctl-a.txt");
    const [da, db] = [await analyzeBundle([a]), await analyzeBundle([b])];
    expect(da.hosts.map((h) => h.name)).toEqual(["node-x"]);
    const kinds = (x: typeof da) => x.hosts[0]!.files.map((f) => `${f.path} ${f.kind}`).sort();
    expect(kinds(db)).toEqual(kinds(da));
    expect(db.rootCause).toBe(da.rootCause);
    expect(db.findings.map((f) => f.id)).toEqual(da.findings.map((f) => f.id));
    // every output was recognised, none listed as unrecognised (netmortem-collect.txt is our own note; the namespace
    // has no neighbours yet, and an empty `ip neigh` has nothing to recognise)
    expect((da.hosts[0]!.unrecognized ?? []).filter((p) => !["netmortem-collect.txt", "ip-neigh.txt"].includes(p))).toEqual([]);
  });

  it("under a full accept queue, collect, collect.sh and the agent give the same diagnosis", { timeout: 90_000 }, async () => {
    // the fault, steady while the three collect: a listener that never accepts (somaxconn 16 in this namespace
    // only), and from the peer a new connection every 20 ms for 35 s, so ListenOverflows rises in any interval
    execFileSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.core.somaxconn=16"]);
    const listener = spawn("ip", ["netns", "exec", ns, "python3", path.join(root, "e2e/lab/tools/stalled_listener.py"), "10.219.0.1", "8080", "511", "45"], { stdio: "ignore" });
    children.push(listener);
    for (let i = 0; i < 50 && spawnSync("ip", ["netns", "exec", ns, "ss", "-Hltn", "sport = :8080"], { encoding: "utf8" }).stdout.trim() === ""; i++) await new Promise((r) => setTimeout(r, 100));
    const load = spawn("ip", ["netns", "exec", peer, "python3", "-c", [
      "import socket, time",
      "end = time.time() + 35; held = []",
      "while time.time() < end and len(held) < 1700:",
      "    s = socket.socket(); s.setblocking(False); s.connect_ex(('10.219.0.1', 8080)); held.append(s); time.sleep(0.02)",
      "time.sleep(max(0, end - time.time()))",
    ].join("\n")], { stdio: "ignore" });
    children.push(load);
    await new Promise((r) => setTimeout(r, 1500));
    const spool = path.join(tmp, "fault-spool");
    const agent = () => execFileSync("ip", ["netns", "exec", ns, process.execPath, path.join(root, "cli/netmortem.js"), "agent", "--once", "--spool-only", "--poll", "0", "--server", "http://127.0.0.1:3140", "--node", "node-x", "--spool", spool], { stdio: ["ignore", "ignore", "pipe"] });
    agent();
    await new Promise((r) => setTimeout(r, 2000));
    agent();
    const a = path.join(tmp, "fault-cli.tar.gz");
    const b = path.join(tmp, "fault-sh.tar.gz");
    execFileSync("ip", ["netns", "exec", ns, process.execPath, path.join(root, "cli/netmortem.js"), "collect", "-o", a, "--host", "node-x", "--interval", "2s"], { stdio: ["ignore", "ignore", "pipe"] });
    execFileSync("ip", ["netns", "exec", ns, "sh", path.join(root, "deploy/collect.sh"), "-o", b, "-H", "node-x", "-i", "2"], { stdio: ["ignore", "ignore", "pipe"] });
    load.kill("SIGKILL");
    listener.kill("SIGKILL");
    const byAgent = diagnose({ hosts: [hostFromSnapshots("node-x", spooled(spool))], captures: [] });
    const [byCollect, bySh] = [await analyzeBundle([a]), await analyzeBundle([b])];
    const ids = (x: typeof byAgent) => x.findings.filter((f) => f.confidence >= 0.5).map((f) => f.id);
    expect(byAgent.rootCause, byAgent.findings.map((f) => `${f.id} ${f.confidence}`).join(", ")).toBe("accept_queue_overflow");
    expect(byCollect.rootCause).toBe(byAgent.rootCause);
    expect(bySh.rootCause).toBe(byAgent.rootCause);
    expect(ids(byCollect)).toEqual(ids(byAgent));
    expect(ids(bySh)).toEqual(ids(byAgent));

    // collect.sh's bundle redacted by the CLI: the same diagnosis, none of the namespace's addresses, MACs or name
    const red = path.join(tmp, "fault-sh-redacted.tar.gz");
    const r = spawnSync(process.execPath, [path.join(root, "cli/netmortem.js"), "redact", b, "-o", red, "--key", path.join(tmp, "redact.key")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const byRedacted = await analyzeBundle([red]);
    expect(byRedacted.rootCause).toBe(bySh.rootCause);
    expect(ids(byRedacted)).toEqual(ids(bySh));
    const x = expandArchive(new Uint8Array(readFileSync(red)));
    if (x.status !== "success") throw new Error(x.error.message);
    const macs = ["eth0"].map((i) => execFileSync("ip", ["-n", ns, "-br", "link", "show", i], { encoding: "utf8" }).trim().split(/\s+/)[2]!);
    for (const e of x.entries) {
      expect(e.path.startsWith("node-x/")).toBe(false);
      const t = new TextDecoder().decode(e.data);
      for (const needle of ["10.219.0.1", "10.219.0.2", "node-x", ...macs]) expect(t.includes(needle), `${needle} in ${e.path}`).toBe(false);
    }
  });
});
