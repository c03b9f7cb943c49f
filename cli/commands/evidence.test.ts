/**
 * Acceptance: the CLI's JSON on a bundle laid out as in root-causes.md (one folder per host inside a
 * wrapper folder), built here from recorded and corpus files the parsers were not tuned on as a bundle,
 * packed by the real `tar` and `zip`, checked against the zod schema and facts read off the files by hand.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { HostEvidence } from "../../lib/analysis/evidence/model";
import { corpus, recorded, REPO } from "../../lib/analysis/evidence/testdata/paths";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nm-evidence-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const have = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

const layout: Record<string, string> = {
  "web-1/sysctl-a.txt": corpus("cmd/sysctl-a_ubuntu-18.04_jc.out"),
  "web-1/proc/net/netstat": corpus("proc/node_exporter/net/netstat"),
  "web-1/proc/sys/net/netfilter/nf_conntrack_max": corpus("proc/node_exporter/sys/net/netfilter/nf_conntrack_max"),
  "web-1/logs/error.log": recorded("nginx/error.log"),
  "web-1/logs/access.log": recorded("nginx/access-upstreaminfo.log"),
  "web-1/dmesg.txt": recorded("kernel/dmesg.txt"),
  "web-1/capture.pcap.gz": corpus("pcap/http-window-full-gzip-compressed.pcap.gz"),
  "lb-1/envoy.log": corpus("logs/envoy-access-flags-UF-URX-NR.log"),
  "lb-1/tcpdump.txt": recorded("tcpdump-nn-ttt.txt"),
  "lb-1/curl-timing.txt": recorded("timing/curl-w.txt"),
  "lb-1/kubectl-version.json": recorded("kubernetes/kubectl-version.json"),
};

function runCli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, "cli/netmortem.js"), "evidence", ...args], { cwd: REPO, encoding: "utf8", maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let tgz = "";
let zip = "";
beforeAll(() => {
  const root = path.join(tmp, "incident-42");
  for (const [rel, src] of Object.entries(layout)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.copyFileSync(src, path.join(root, rel));
  }
  fs.writeFileSync(path.join(root, "lb-1/notes.md"), "# what we saw\n502s from 10:02 on\n");
  if (have("tar")) {
    tgz = path.join(tmp, "incident-42.tar.gz");
    execFileSync("tar", ["-czf", tgz, "-C", tmp, "incident-42"]);
  }
  if (have("zip")) {
    zip = path.join(tmp, "incident-42.zip");
    execFileSync("zip", ["-qr", zip, "incident-42"], { cwd: tmp });
  }
});

function check(hosts: HostEvidence[]) {
  expect(hosts.map((h) => h.host)).toEqual(["lb-1", "web-1"]);
  const [lb, web] = hosts;
  const kinds = (h: HostEvidence) => Object.fromEntries(h.files.map((f) => [f.path, f.kind]));
  expect(kinds(web)).toEqual({
    "capture.pcap.gz": "pcap", "dmesg.txt": "kernel-log", "logs/access.log": "ingress-nginx-access-log",
    "logs/error.log": "nginx-error-log", "proc/net/netstat": "proc-netstat", "proc/sys": "sysctl", "sysctl-a.txt": "sysctl",
  });
  // sysctl-a_ubuntu-18.04_jc.out line 238: net.core.somaxconn = 128; line 398: the port range with a tab
  expect(web.sysctls["net.core.somaxconn"]).toEqual({ value: "128", cite: { file: "sysctl-a.txt", line: 238 } });
  expect(web.sysctls["net.ipv4.ip_local_port_range"]).toEqual({ value: "32768 60999", cite: { file: "sysctl-a.txt", line: 398 } });
  // node_exporter nf_conntrack_max holds 65536
  expect(web.conntrack.max).toEqual({ value: 65536, cite: { file: "proc/sys/net/netfilter/nf_conntrack_max" } });
  // /proc/net/netstat line 2: TcpExt TW (11th value) 388812, DelayedACKs (17th) 102471
  expect(web.counters["TcpExt.TW"]).toEqual({ value: 388812, cite: { file: "proc/net/netstat", line: 2 } });
  expect(web.counters["TcpExt.DelayedACKs"]?.value).toBe(102471);
  const byKind = (h: HostEvidence) => h.logEvents.reduce<Record<string, number>>((m, e) => ({ ...m, [e.kind]: (m[e.kind] ?? 0) + 1 }), {});
  expect(byKind(web)).toEqual({
    upstream_prematurely_closed: 1, connection_reset: 1, connection_refused: 5, upstream_timed_out: 3, no_live_upstreams: 1,
    cannot_assign_address: 1, syn_flooding: 1, martian_source: 1,
  });
  expect(web.accessLog).toHaveLength(15);
  expect(web.captures).toEqual([{ path: "capture.pcap.gz", kind: "pcap" }]);
  expect(kinds(lb)).toEqual({
    "curl-timing.txt": "timing", "envoy.log": "envoy-access-log", "kubectl-version.json": "kubernetes", "tcpdump.txt": "tcpdump-text",
  });
  expect(lb.kubernetes.version).toEqual({ value: "v1.24.17", cite: { file: "kubectl-version.json", line: 17 } });
  expect(lb.accessLog.filter((e) => e.responseFlags?.includes("UF"))).toHaveLength(1);
  expect(lb.latencies.find((l) => l.what === "time_total")?.cite).toEqual({ file: "curl-timing.txt", line: 5 });
  expect(lb.captures).toEqual([{ path: "tcpdump.txt", kind: "tcpdump-text" }]);
  expect(lb.unrecognized).toEqual([{ path: "notes.md", bytes: 33, reason: expect.any(String) }]);
}

describe("netmortem evidence --json on a per-host bundle", () => {
  it("the directory", () => {
    const r = runCli([path.join(tmp, "incident-42"), "--json"]);
    expect(r.code).toBe(0);
    const hosts = z.array(HostEvidence).parse(JSON.parse(r.stdout));
    check(hosts);
  });

  it.skipIf(!have("tar"))("the .tar.gz made by tar", () => {
    const r = runCli([tgz, "--json"]);
    expect(r.code).toBe(0);
    check(z.array(HostEvidence).parse(JSON.parse(r.stdout)));
  });

  it.skipIf(!have("zip"))("the .zip made by zip", () => {
    const r = runCli([zip, "--json"]);
    expect(r.code).toBe(0);
    check(z.array(HostEvidence).parse(JSON.parse(r.stdout)));
  });

  it("text output names hosts, kinds, events and unrecognised files", () => {
    const r = runCli([path.join(tmp, "incident-42")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("== host web-1");
    expect(r.stdout).toMatch(/logs\/error\.log {2}nginx-error-log/);
    expect(r.stdout).toMatch(/log events \(14\): connection_refused 5, upstream_timed_out 3/);
    expect(r.stdout).toContain("notes.md");
  });

  it("says what it could not read in full, as analyze does (issue 10 items 3-4: a line past the bound, as in the 500 MB one-line file)", () => {
    const dir = path.join(tmp, "long-line");
    fs.mkdirSync(dir);
    fs.copyFileSync(corpus("cmd/sysctl-a_ubuntu-18.04_jc.out"), path.join(dir, "sysctl-a.txt"));
    fs.writeFileSync(path.join(dir, "one-line.txt"), "a".repeat(1024 * 1024 + 10) + "\n");
    const r = runCli([dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Incomplete: 1 input could not be read (in full):\n  - [long-line] one-line.txt: 1 line longer than the line bound (1 Mi characters) was cut\n");
    expect(runCli([path.join(dir, "sysctl-a.txt")]).stdout).not.toContain("Incomplete");
  });

  it("an empty directory says there is nothing in it", () => {
    const empty = path.join(tmp, "empty-bundle");
    fs.mkdirSync(empty, { recursive: true });
    const r = runCli([empty]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`no files found in ${empty}`);
  });

  it("missing path: exit 2 with a clear message; corrupt archive: exit 1", () => {
    const r = runCli([path.join(tmp, "does-not-exist")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not_found: no such file or directory/);
    const bad = path.join(tmp, "bad.tar.gz");
    fs.writeFileSync(bad, fs.readFileSync(tgz || corpus("pcap/http-window-full-gzip-compressed.pcap.gz")).subarray(0, 200));
    const r2 = runCli([bad]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/corrupt/);
  });
});
