import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { corpus, recorded, REPO } from "../evidence/testdata/paths";
import { HostEvidence } from "../evidence/model";
import { type BundleLimits, DEFAULT_LIMITS, groupHosts, readBundle, walkBundle, type WalkEntry } from "./index";
import { makeTar, makeZip } from "./testdata/make";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nm-bundle-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
/** walks archive bytes, keeping each entry's text (or capture bytes) */
async function expandArchive(bytes: Uint8Array, limits: Partial<BundleLimits> = DEFAULT_LIMITS) {
  const entries: Array<{ path: string; entry: WalkEntry }> = [];
  const r = await walkBundle({ name: "a.tar", bytes }, { limits, onEntry: async (e) => {
    if (e.kind === "capture") for await (const _ of e.stream) void _;
    entries.push({ path: e.path, entry: e });
  } });
  return r.status === "success" ? { ...r, entries } : r;
}
const write = (name: string, data: Uint8Array | string) => {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  return p;
};

describe("hostile tar archives are refused, naming the entry", () => {
  const cases: Array<[string, Parameters<typeof makeTar>[0], string]> = [
    ["`..` path", [{ name: "ok.txt", data: "x" }, { name: "../x", data: "evil" }], "../x"],
    ["absolute path", [{ name: "/etc/cron.d/x", data: "evil" }], "/etc/cron.d/x"],
    ["symlink", [{ name: "link", type: "2", linkname: "/etc/passwd" }], "link"],
    ["hardlink", [{ name: "hl", type: "1", linkname: "ok.txt" }], "hl"],
    ["char device", [{ name: "dev", type: "3" }], "dev"],
    ["fifo", [{ name: "fifo", type: "6" }], "fifo"],
    ["`..` hidden in the ustar prefix", [{ name: "x", prefix: "a/../..", data: "evil" }], "a/../../x"],
    ["`..` in a pax path", [{ name: "PaxHeaders/x", type: "x", data: "22 path=../../evil.sh\n" }, { name: "harmless", data: "x" }], "../../evil.sh"],
  ];
  for (const [what, specs, entry] of cases) {
    it(what, async () => {
      const r = await expandArchive(makeTar(specs));
      expect(r.status).toBe("failed");
      if (r.status === "failed") expect(r.error).toMatchObject({ code: "unsafe_entry", entry });
    });
  }

  it("the same through readBundle of a .tar.gz on disk", async () => {
    const p = write("evil.tar.gz", gzipSync(makeTar([{ name: "node1/../../x", data: "evil" }])));
    const r = await readBundle([p]);
    expect(r).toMatchObject({ status: "failed", error: { code: "unsafe_entry", entry: "node1/../../x", path: p } });
  });
});

describe("hostile zip archives", () => {
  it("`..` and absolute names are refused", async () => {
    for (const name of ["../x", "/abs", "C:/win"]) {
      const r = await expandArchive(makeZip([{ name, data: "evil" }]));
      expect(r).toMatchObject({ status: "failed", error: { code: "unsafe_entry" } });
      if (r.status === "failed") expect(r.error.entry).toContain(name.replace(/^\//, ""));
    }
  });

  it("a symlink entry is refused", async () => {
    const r = await expandArchive(makeZip([{ name: "l", data: "/etc/passwd", mode: 0o120777 }]));
    expect(r).toMatchObject({ status: "failed", error: { code: "unsafe_entry", entry: "l" } });
  });

  it("a zip bomb (64 MiB of zeros, declaring 100 bytes) stops at its declared size", async () => {
    const zeros = new Uint8Array(64 * 1024 * 1024);
    const r = await expandArchive(makeZip([{ name: "bomb.txt", data: zeros, deflate: true, declaredSize: 100 }]));
    // yauzl stops inflating once the declared size is passed: the lie is caught before any ratio bound
    expect(r).toMatchObject({ status: "failed", error: { code: "corrupt", entry: "bomb.txt", message: expect.stringContaining("declared size") } });
    // declaring the real size is refused before inflating at all
    const r2 = await expandArchive(makeZip([{ name: "bomb.txt", data: zeros, deflate: true }]));
    expect(r2).toMatchObject({ status: "failed", error: { code: "ratio_exceeded", message: expect.stringContaining("before inflating") } });
  });

  it("a bit flip in the data is a CRC / inflate error naming the entry; a truncated zip is corrupt", async () => {
    const z = makeZip([{ name: "a.txt", data: "hello ".repeat(200), deflate: true }, { name: "b.txt", data: "stored text" }]);
    const flipped = z.slice();
    flipped[30 + 5 + 3] ^= 0x40; // inside a.txt's deflate data
    const r = await expandArchive(flipped);
    expect(r).toMatchObject({ status: "failed", error: { code: "corrupt", entry: "a.txt" } });
    const stored = z.slice();
    const at = Buffer.from(stored).indexOf("stored text");
    stored[at] ^= 1;
    expect(await expandArchive(stored)).toMatchObject({ status: "failed", error: { code: "corrupt", entry: "b.txt", message: expect.stringContaining("CRC") } });
    expect(await expandArchive(z.subarray(0, z.length - 30))).toMatchObject({ status: "failed", error: { code: "corrupt" } });
  });
});

describe("bombs, truncation and corruption of tar/gzip", () => {
  it("a gzip bomb is stopped early (ratio)", async () => {
    const p = write("bomb.log.gz", gzipSync(new Uint8Array(64 * 1024 * 1024)));
    const r = await readBundle([p]);
    expect(r).toMatchObject({ status: "failed", error: { code: "ratio_exceeded" } });
  });

  it("a bomb inside a tar.gz bundle is stopped too", async () => {
    const inner = gzipSync(new Uint8Array(64 * 1024 * 1024));
    const p = write("b.tgz", gzipSync(makeTar([{ name: "node/huge.log.gz", data: inner }])));
    const r = await readBundle([p]);
    expect(r).toMatchObject({ status: "failed", error: { code: "ratio_exceeded", entry: "node/huge.log.gz" } });
  });

  it("per-file and total bounds", async () => {
    const t = makeTar([{ name: "a", data: "x".repeat(5000) }, { name: "b", data: "y".repeat(5000) }]);
    expect(await expandArchive(t, { ...DEFAULT_LIMITS, maxFileBytes: 4000 })).toMatchObject({ status: "failed", error: { code: "too_large", entry: "a" } });
    expect(await expandArchive(t, { ...DEFAULT_LIMITS, maxTotalBytes: 8000 })).toMatchObject({ status: "failed", error: { code: "too_large", entry: "b" } });
  });

  it("a truncated tar.gz and a bit-flipped tar header are corrupt, naming what they can", async () => {
    const t = makeTar([{ name: "node/a.txt", data: "x".repeat(3000) }, { name: "node/b.txt", data: "y".repeat(3000) }]);
    const gz = gzipSync(t);
    const p = write("trunc.tar.gz", gz.subarray(0, Math.floor(gz.length / 2)));
    expect(await readBundle([p])).toMatchObject({ status: "failed", error: { code: "corrupt" } });
    const flipped = t.slice();
    flipped[512 * 7 + 3] ^= 0x20; // second header's name: "node/b.txt" → checksum no longer matches
    const r = await expandArchive(flipped);
    expect(r).toMatchObject({ status: "failed", error: { code: "corrupt", entry: "node/a.txt", message: expect.stringContaining("checksum") } });
    expect(await expandArchive(t.subarray(0, 512 * 7 + 100))).toMatchObject({ status: "failed", error: { code: "corrupt" } });
    expect(await expandArchive(t.subarray(0, 512 * 8 + 100))).toMatchObject({ status: "failed", error: { code: "corrupt", entry: "node/b.txt" } });
  });
});

describe("reading bundles", () => {
  it("a missing path is a not_found failure, not an exception", async () => {
    expect(await readBundle([path.join(tmp, "nope")])).toMatchObject({ status: "failed", error: { code: "not_found" } });
  });

  it("groups hosts: wrapper folder unwrapped, one folder per host; top-level files make one host", async () => {
    const e = (p: string) => ({ path: p, data: new Uint8Array(0) });
    const multi = groupHosts({ name: "b", entries: [e("incident/server/a"), e("incident/client/b"), e("incident/client/proc/sys/x/y")] });
    expect([...multi.keys()].sort()).toEqual(["client", "server"]);
    expect(multi.get("client")!.map((x) => x.path).sort()).toEqual(["b", "proc/sys/x/y"]);
    const single = groupHosts({ name: "bundle", entries: [e("sysctl.txt"), e("proc/net/netstat")] });
    expect([...single.keys()]).toEqual(["bundle"]);
    const named = groupHosts({ name: "bundle", entries: [e("node1/sysctl.txt"), e("node1/proc/net/snmp")] });
    expect([...named.keys()]).toEqual(["node1"]);
    const procOnly = groupHosts({ name: "n", entries: [e("proc/net/snmp"), e("proc/sys/net/core/somaxconn")] });
    expect([...procOnly.keys()]).toEqual(["n"]);
  });

  it("a directory: pcap, gzip-compressed pcap, text by content, proc/sys tree, unrecognised files listed", async () => {
    const dir = path.join(tmp, "hostdir");
    fs.mkdirSync(path.join(dir, "proc/sys/net/core"), { recursive: true });
    fs.mkdirSync(path.join(dir, "proc/sys/net/ipv4"), { recursive: true });
    fs.writeFileSync(path.join(dir, "proc/sys/net/core/somaxconn"), "4096\n");
    fs.writeFileSync(path.join(dir, "proc/sys/net/ipv4/ip_local_port_range"), "32768\t60999\n");
    fs.copyFileSync(corpus("pcap/tcp-syn-rst-refused.pcapng"), path.join(dir, "capture.bin"));
    fs.copyFileSync(corpus("pcap/http-window-full-gzip-compressed.pcap.gz"), path.join(dir, "w.gz"));
    fs.copyFileSync(recorded("tcpdump-n.txt"), path.join(dir, "notes.txt"));
    fs.copyFileSync(corpus("logs/nginx-error-multiline-fastcgi.log"), path.join(dir, "e"));
    fs.writeFileSync(path.join(dir, "README"), "we saw timeouts at 10:02\n");
    fs.writeFileSync(path.join(dir, "blob"), new Uint8Array([0, 1, 2, 3, 0, 0, 9]));
    const r = await readBundle([dir], { captures: {} });
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    expect(r.hosts).toHaveLength(1);
    const h = r.hosts[0];
    expect(HostEvidence.safeParse(h).success).toBe(true);
    expect(h.host).toBe("hostdir");
    const kinds = Object.fromEntries(h.files.map((f) => [f.path, f.kind]));
    expect(kinds).toMatchObject({ "capture.bin": "pcapng", "w.gz": "pcap", "notes.txt": "tcpdump-text", e: "nginx-error-log", "proc/sys": "sysctl" });
    expect(h.sysctls["net.core.somaxconn"]).toEqual({ value: "4096", cite: { file: "proc/sys/net/core/somaxconn" } });
    expect(h.sysctls["net.ipv4.ip_local_port_range"].value).toBe("32768 60999");
    expect(h.unrecognized.map((u) => u.path).sort()).toEqual(["README", "blob"]);
    expect(h.captures).toEqual(expect.arrayContaining([
      { path: "capture.bin", kind: "pcapng" }, { path: "w.gz", kind: "pcap" }, { path: "notes.txt", kind: "tcpdump-text" },
    ]));
    // captures are summarised while streaming (the gzipped one inflated), tcpdump text from its packets
    const summary = (f: string) => r.captures.find((c) => c.host === "hostdir" && c.file === f)?.summary;
    expect(summary("capture.bin")).toMatchObject({ format: "pcapng", packets: expect.any(Number) });
    expect(summary("capture.bin")!.packets).toBeGreaterThan(0);
    expect(summary("w.gz")).toMatchObject({ format: "pcap" });
    expect(summary("w.gz")!.error).toBeUndefined();
    expect(summary("notes.txt")).toMatchObject({ format: "tcpdump-text", packets: 36 });
    expect(r.captures).toHaveLength(3);
    expect(r.unreadable).toEqual([]);
  });

  it("a capture whose flows outgrew the flow table is listed in unreadable, not diagnosed as if complete (issue 10 item 3)", async () => {
    // a real capture of four HTTP streams over IPv6, three of them alive while the first is: with room for one
    // flow, the others are counted but not tracked (what a 4 M-flow SYN flood does to the default 131 072)
    const dir = path.join(tmp, "budget");
    fs.mkdirSync(dir);
    fs.copyFileSync(corpus("pcap/rawip-ipv6-four-http-streams.pcap"), path.join(dir, "flood.pcap"));
    const r = await readBundle([dir], { captures: { options: { flowBudget: 1 } } });
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    expect(r.captures[0]!.summary.untrackedFlows).toMatchObject({ flows: 3, packets: 53, budget: 1 });
    expect(r.unreadable).toEqual([{
      host: "budget", file: "flood.pcap",
      message: "flow table full (1 flows alive) from 2006-05-13T20:23:16.702Z: about 3 more flows (53 packets) were not tracked, in no flow or state count",
    }]);
    // the default budget has room for them all
    const all = await readBundle([dir], { captures: {} });
    expect(all.status === "success" && all.unreadable).toEqual([]);
  });

  it("a directory's symlinks are listed, not followed; an oversized file is listed, not read", async () => {
    const dir = path.join(tmp, "links", "node-a");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(corpus("logs/envoy-access-flags-UF-URX-NR.log"), path.join(dir, "envoy.log"));
    fs.symlinkSync("/etc/passwd", path.join(dir, "passwd"));
    fs.writeFileSync(path.join(dir, "big.log"), "x".repeat(5000));
    const r = await readBundle([path.join(tmp, "links")], { limits: { maxFileBytes: 4000 } });
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    expect(r.hosts.map((h) => h.host)).toEqual(["node-a"]);
    expect(r.hosts[0].files.map((f) => f.path)).toEqual(["envoy.log"]);
    expect(r.hosts[0].unrecognized.map((u) => [u.path, u.reason.split(":")[0]]).sort()).toEqual([
      ["big.log", "file of 5000 bytes is over the per-file bound of 4000"], ["passwd", "symlink"],
    ]);
    // the file not read is reported as unreadable; the symlink is just not evidence
    expect(r.unreadable).toEqual([{ host: "node-a", file: "big.log", message: expect.stringContaining("per-file bound") }]);
  });

  it("a sys/ tree without its proc level (node_exporter's layout) is flattened too", async () => {
    const dir = path.join(tmp, "ne", "node-b", "sys", "net", "netfilter");
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(corpus("proc/node_exporter/sys/net/netfilter/nf_conntrack_count"), path.join(dir, "nf_conntrack_count"));
    fs.copyFileSync(corpus("proc/node_exporter/sys/net/netfilter/nf_conntrack_max"), path.join(dir, "nf_conntrack_max"));
    const r = await readBundle([path.join(tmp, "ne")]);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    const h = r.hosts[0];
    expect(h.host).toBe("node-b");
    // the corpus files hold 123 and 65536
    expect(h.conntrack.count).toEqual({ value: 123, cite: { file: "sys/net/netfilter/nf_conntrack_count" } });
    expect(h.conntrack.max).toEqual({ value: 65536, cite: { file: "sys/net/netfilter/nf_conntrack_max" } });
    expect(h.files).toEqual([{ path: "sys", kind: "sysctl", bytes: expect.any(Number), warnings: [] }]);
  });

  it("UTF-16LE text with a BOM (PowerShell redirection) and a UTF-8 BOM are read as text", async () => {
    const log = fs.readFileSync(corpus("logs/nginx-error-multiline-fastcgi.log"), "utf8");
    const a = write("bom/ps.log", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(log, "utf16le")]));
    const b = write("bom/u8.log", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(log, "utf8")]));
    const r = await readBundle([a, b]);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    expect(r.hosts[0].files.map((f) => [f.path, f.kind])).toEqual([["ps.log", "nginx-error-log"], ["u8.log", "nginx-error-log"]]);
    expect(r.hosts[0].logEvents.filter((e) => e.cite.file === "ps.log").map((e) => e.cite.line)).toEqual([1, 2, 3, 6]);
  });

  it("two nstat readings with `# taken at` lines give deltas with seconds and rates (readings named x/y, so only the times order them)", async () => {
    // real before/after readings recorded for the diagnosis seeds (lib/analysis/diagnosis/testdata/seeds)
    const seed = path.join(REPO, "lib/analysis/diagnosis/testdata/seeds/000-overlay-mtu/ecs-205");
    const before = fs.readFileSync(path.join(seed, "nstat-before.txt"), "utf8");
    const after = fs.readFileSync(path.join(seed, "nstat-after.txt"), "utf8");
    const y = write("rates/node/y.txt", `# taken at 2026-11-22T07:00:00Z\n${before}`);
    write("rates/node/x.txt", `# taken at 2026-11-22T07:00:20Z\n${after}`);
    const r = await readBundle([path.dirname(y)]);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    const d = r.hosts[0].deltas.find((x) => x.name === "Ip.InReceives");
    // nstat-before line 2: IpInReceives 3; nstat-after line 2: 50 (one header line added on top of each)
    expect(d).toEqual({
      name: "Ip.InReceives", from: 3, to: 50, delta: 47, seconds: 20, ratePerSecond: 2.35,
      fromCite: { file: "y.txt", line: 3 }, toCite: { file: "x.txt", line: 3 },
    });
    expect(r.hosts[0].counters["IpExt.InOctets"].value).toBe(5758);
  });

  it("name-dependent formats get their name (parseNamed): nf_conntrack_count / _max files given loose", async () => {
    const a = write("ct/nf_conntrack_count", fs.readFileSync(corpus("proc/node_exporter/sys/net/netfilter/nf_conntrack_count")));
    const b = write("ct/nf_conntrack_max", fs.readFileSync(corpus("proc/node_exporter/sys/net/netfilter/nf_conntrack_max")));
    const r = await readBundle([a, b]);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    expect(r.hosts[0].conntrack.count).toEqual({ value: 123, cite: { file: "nf_conntrack_count", line: 1 } });
    expect(r.hosts[0].conntrack.max).toEqual({ value: 65536, cite: { file: "nf_conntrack_max", line: 1 } });
  });

  it("loose files form one host named after the folder they share", async () => {
    const a = write("loose/x.log", fs.readFileSync(corpus("logs/envoy-access-flags-UF-URX-NR.log")));
    const b = write("loose/y.log", fs.readFileSync(corpus("logs/nginx-error-multiline-fastcgi.log")));
    const r = await readBundle([b, a]);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    expect(r.hosts.map((h) => h.host)).toEqual(["loose"]);
    expect(r.hosts[0].files.map((f) => [f.path, f.kind])).toEqual([["x.log", "envoy-access-log"], ["y.log", "nginx-error-log"]]);
  });
});
