/**
 * Host grouping from entry paths alone (hosts.ts): the layouts people collect in, whatever the folders are
 * called. Names below are deliberately varied; none of them is known to the code.
 */
import { describe, expect, it } from "vitest";
import { hostLayout, isMomentName, sosreportHost } from "./hosts";

const group = (paths: string[], name = "bundle") => {
  const l = hostLayout(paths, name);
  const out: Record<string, string[]> = {};
  for (const p of paths) {
    const a = l.assign.get(p)!;
    (out[a.host] ??= []).push(a.path);
  }
  return { kind: l.kind, hosts: out };
};

describe("hostLayout", () => {
  it("one host's files at the top, or under places a host has", () => {
    expect(group(["sysctl.txt", "proc/net/netstat"]).hosts).toEqual({ bundle: ["sysctl.txt", "proc/net/netstat"] });
    expect(group(["logs/nginx.log", "cmd/ss.txt", "captures/x.pcap"], "inc-42").hosts).toEqual({ "inc-42": ["logs/nginx.log", "cmd/ss.txt", "captures/x.pcap"] });
    expect(group(["proc/net/snmp", "proc/sys/net/core/somaxconn"], "n").kind).toBe("single");
  });
  it("a single folder is the host, with or without places below it", () => {
    expect(group(["node1/sysctl.txt", "node1/proc/net/snmp"]).hosts).toEqual({ node1: ["sysctl.txt", "proc/net/snmp"] });
    expect(group(["ip-10-0-3-7.ec2.internal/logs/a.log", "ip-10-0-3-7.ec2.internal/cmd/ss.txt"]).hosts).toEqual({ "ip-10-0-3-7.ec2.internal": ["logs/a.log", "cmd/ss.txt"] });
  });
  it("a folder per host: FQDNs, generic words, nested places below each", () => {
    const g = group([
      "node-1.prod.example.com/logs/error.log", "node-1.prod.example.com/cmd/ss.txt",
      "node-2.prod.example.com/logs/error.log", "node-2.prod.example.com/proc/net/netstat",
    ]);
    expect(g.kind).toBe("per-host");
    expect(g.hosts).toEqual({ "node-1.prod.example.com": ["logs/error.log", "cmd/ss.txt"], "node-2.prod.example.com": ["logs/error.log", "proc/net/netstat"] });
    expect(Object.keys(group(["server/ss.txt", "client/ss.txt"]).hosts).sort()).toEqual(["client", "server"]);
    expect(Object.keys(group(["alpha/x.txt", "beta/y.txt", "gamma/z/w.txt"]).hosts).sort()).toEqual(["alpha", "beta", "gamma"]);
  });
  it("folders with place-like names are hosts when they repeat each other's files", () => {
    expect(Object.keys(group(["host/ss.txt", "pod/ss.txt"]).hosts).sort()).toEqual(["host", "pod"]);
  });
  it("wrapper folders (a support bundle's top folder, hosts/, nodes/) are unwrapped; top files are the bundle's own host", () => {
    expect(group(["incident/server/a", "incident/client/b", "incident/client/proc/sys/x/y"], "b").hosts).toEqual({ server: ["a"], client: ["b", "proc/sys/x/y"] });
    expect(group(["support-bundle-2026-12-07/nodes/web/a.txt", "support-bundle-2026-12-07/nodes/db/b.txt"]).hosts).toEqual({ web: ["a.txt"], db: ["b.txt"] });
    expect(group(["server/ss.txt", "client/ss.txt", "kubectl-get-svc.txt"], "inc").hosts).toEqual({ server: ["ss.txt"], client: ["ss.txt"], inc: ["kubectl-get-svc.txt"] });
  });
  it("sosreport trees: a host root each, named from the folder; an extracted one named from the bundle", () => {
    const g = group(["sosreport-node1-2026-12-07-abcdef/sos_commands/networking/ss_-peaonmi", "sosreport-node1-2026-12-07-abcdef/proc/net/netstat", "sosreport-worker-2-2026-12-07-xyzxyz/proc/net/snmp"]);
    expect(g.kind).toBe("sosreport");
    expect(g.hosts).toEqual({ node1: ["sos_commands/networking/ss_-peaonmi", "proc/net/netstat"], "worker-2": ["proc/net/snmp"] });
    expect(group(["sos_commands/networking/ss_-peaonmi", "proc/net/netstat"], "sosreport-web-3-2026-12-07-xyz").hosts).toEqual({ "web-3": ["sos_commands/networking/ss_-peaonmi", "proc/net/netstat"] });
    expect(sosreportHost("sosreport-db-01-01234567-2026-12-07-qwerty")).toBe("db-01");
    expect(sosreportHost("node-1")).toBeUndefined();
  });
  it("moments (before/after, t0/t1, dates) are readings of one host, above or below the host folders", () => {
    expect(group(["before/nstat.txt", "after/nstat.txt"]).hosts).toEqual({ bundle: ["before/nstat.txt", "after/nstat.txt"] });
    expect(group(["2026-12-07T10:00/nstat", "2026-12-07T10:05/nstat"]).kind).toBe("single");
    expect(group(["before/node-a/nstat.txt", "after/node-a/nstat.txt", "before/node-b/nstat.txt"]).hosts).toEqual({ "node-a": ["before/nstat.txt", "after/nstat.txt"], "node-b": ["before/nstat.txt"] });
    expect(group(["node-a/t0/nstat.txt", "node-a/t1/nstat.txt"]).hosts).toEqual({ "node-a": ["t0/nstat.txt", "t1/nstat.txt"] });
    expect(["before", "t1", "round-2", "2026-12-07", "20261207T101500Z", "10-15-00", "1765100000"].every(isMomentName)).toBe(true);
    expect(["node-1", "web", "incident"].some(isMomentName)).toBe(false);
  });
  it("loose files are one host", () => {
    expect(hostLayout(["a/ss.txt", "b/ss.txt"], "paste", { loose: true }).hosts).toEqual(["paste"]);
  });
});
