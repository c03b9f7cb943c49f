/**
 * A lab failure reproduced in network namespaces with the node agent in each "node" instead of the lab's own
 * collection (e2e/lab/lib.sh, LAB_AGENT): every reading the scenario takes is `netmortem agent --once --spool-only` in
 * that host's namespace. The snapshots are then read as the server reads them (each output through the evidence
 * engine, readings ordered by the snapshot's takenAt) and diagnosed.
 * Needs root and the lab's tools (skipped with the reason otherwise).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { diagnose } from "../analysis/diagnosis";
import { hostFromSnapshots, spooled } from "./testing/snapshots";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TOOLS = ["ip", "ss", "sysctl", "python3", "curl", "tcpdump", "nstat", "netstat", "conntrack", "nft", "iptables"];

function whyNot(): string | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "needs root (network namespaces)";
  const missing = TOOLS.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
  if (missing.length) return `missing tools: ${missing.join(", ")}`;
  const probe = `nmlaprobe${process.pid}`;
  if (spawnSync("ip", ["netns", "add", probe]).status !== 0) return "ip netns does not work here";
  spawnSync("ip", ["netns", "del", probe]);
  return null;
}
const reason = whyNot();
if (reason) console.warn(`lab-with-agent test skipped: ${reason}`);

const tmp = mkdtempSync(path.join(tmpdir(), "netmortem-lab-agent-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(reason !== null)("a lab failure with the agent in each node", () => {
  it("accept_queue_overflow: the agent's snapshots are diagnosed as accept_queue_overflow", { timeout: 180_000 }, () => {
    const agentDir = path.join(tmp, "agent");
    const out = path.join(tmp, "out");
    execFileSync("mkdir", ["-p", agentDir, out]);
    execFileSync("bash", [path.join(root, "e2e/lab/scenarios/accept_queue_overflow.sh"), out], {
      env: { ...process.env, LAB_AGENT: agentDir },
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 120_000,
    });
    const hosts = readdirSync(agentDir).filter((h) => h !== "agent.log").sort();
    expect(hosts).toEqual(["client", "server"]);
    const ev = hosts.map((h) => {
      const snaps = spooled(path.join(agentDir, h));
      // a reading before the fault and one after it, as the lab takes them
      expect(snaps.map((s) => s.node)).toEqual([h, h]);
      return hostFromSnapshots(h, snaps);
    });
    // the lab's own collection left nothing but the capture the scenario takes itself
    for (const h of readdirSync(out)) expect(readdirSync(path.join(out, h)).filter((f) => !/\.(pcap|txt)$/.test(f) || /^(sysctl|ss|ip|proc)/.test(f))).toEqual([]);
    const server = ev.find((e) => e.host === "server")!;
    expect(server.deltas.find((d) => d.name === "TcpExt.ListenOverflows")?.delta ?? 0).toBeGreaterThan(100);
    const analysis = diagnose({ hosts: ev, captures: [] });
    const summary = analysis.findings.map((f) => `${f.id} ${f.confidence.toFixed(2)}`).join(", ");
    expect(analysis.rootCause, summary).toBe("accept_queue_overflow");
    expect(analysis.findings[0]!.evidence.some((e) => e.host === "server")).toBe(true);
  });
});
