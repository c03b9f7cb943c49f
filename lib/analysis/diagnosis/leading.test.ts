/**
 * The leading hypothesis (root-causes.md, "leading"): carried when the evidence is too thin to confirm a
 * cause but points at one, with the next thing to collect; absent on a healthy system, and absent when only
 * a setting that makes a cause possible was seen (a risk is not an incident).
 */
import { describe, expect, it } from "vitest";
import { emptyHost, type HostEvidence } from "../evidence/model";
import { diagnose } from "./diagnose";
import { Analysis } from "./model";

const cite = (file: string, line = 1) => ({ file, line });
function host(name: string, patch: (h: HostEvidence) => void): HostEvidence {
  const h = emptyHost(name);
  patch(h);
  return h;
}
const sys = (h: HostEvidence, k: string, v: string) => (h.sysctls[k] = { value: v, cite: cite("sysctl.txt") });

describe("leading hypothesis", () => {
  it("nothing in the evidence: no root cause, no leading hypothesis", () => {
    const a = diagnose({ hosts: [emptyHost("h")], captures: [] });
    expect(a.rootCause).toBe("none");
    expect(a.leading).toBeNull();
  });
  it("a small somaxconn whose queue never fills, and flat counters: nothing leads", () => {
    const h = host("web", (x) => {
      sys(x, "net.core.somaxconn", "128");
      x.listeners.push({ proto: "tcp", local: "0.0.0.0", port: 80, recvQ: 0, sendQ: 128, cite: cite("ss-ltn.txt", 2) });
      x.files.push({ path: "ss-ltn.txt", kind: "ss-listen", bytes: 100, warnings: [] });
      x.counters["TcpExt.ListenOverflows"] = { value: 0, cite: cite("nstat.txt", 4) };
    });
    const a = diagnose({ hosts: [h], captures: [] });
    expect(a.findings.find((f) => f.id === "accept_queue_overflow")).toBeUndefined();
    expect(a.leading).toBeNull();
  });
  it("an overlapping port range alone is a risk (basis configuration), not a leading hypothesis", () => {
    const h = host("node", (x) => sys(x, "net.ipv4.ip_local_port_range", "1024 65535"));
    const a = diagnose({ hosts: [h], captures: [] });
    const f = a.findings.find((x) => x.id === "port_range_nodeport_collision")!;
    expect(f.basis).toBe("configuration");
    expect(f.confidence).toBeLessThan(0.5);
    expect(a.leading).toBeNull();
  });
  it("the same range with a 31.7 s latency leads, and says which source ports to look at on that node", () => {
    const h = host("node", (x) => sys(x, "net.ipv4.ip_local_port_range", "1024 65535"));
    const a = diagnose({ hosts: [h], captures: [], latencies: [31.7] });
    expect(a.leading?.id).toBe("port_range_nodeport_collision");
    const first = a.leading!.next[0]!;
    expect(first.host).toBe("node");
    expect(first.command).toContain("state syn-sent");
    expect(first.why).toMatch(/30000-32767/);
    expect(Analysis.parse(JSON.parse(JSON.stringify(a))).leading?.id).toBe("port_range_nodeport_collision");
  });
  it("a non-zero ListenOverflows read once leads to accept_queue_overflow and asks for a second reading and ss -ltn", () => {
    const h = host("nginx-pod", (x) => {
      x.counters["TcpExt.ListenOverflows"] = { value: 12178939, cite: cite("netstat-s.txt", 2) };
      x.counters["TcpExt.ListenDrops"] = { value: 12247395, cite: cite("netstat-s.txt", 3) };
    });
    const a = diagnose({ hosts: [h], captures: [] });
    expect(a.leading?.id ?? a.rootCause).toBe("accept_queue_overflow");
    const f = a.findings[0]!;
    expect(f.next?.map((n) => n.command).join("\n")).toMatch(/ss -ltn/);
    expect(f.next?.map((n) => n.command).join("\n")).toMatch(/nstat -az TcpExtListenOverflows TcpExtListenDrops; sleep 60/);
  });
  it("a confirmed root cause carries no leading hypothesis", () => {
    const h = host("n", (x) => { x.conntrack.count = { value: 262100, cite: cite("count") }; x.conntrack.max = { value: 262144, cite: cite("max") }; });
    const a = diagnose({ hosts: [h], captures: [] });
    expect(a.rootCause).toBe("conntrack_table_full");
    expect(a.leading).toBeNull();
  });
});
