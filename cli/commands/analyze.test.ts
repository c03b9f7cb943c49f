import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { Analysis } from "../../lib/analysis/diagnosis/model";
import { parseArgs, parseLatency, run } from "./analyze";
import { sharedPath } from "../../lib/testing/shared";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await run(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe("analyze arguments", () => {
  it("parses latencies in s and ms, the k8s version and a NodePort range", () => {
    const p = parseArgs(["b", "--latency", "31.7s", "--latency=1500ms", "--k8s-version", "v1.24.3", "--nodeport-range", "30000-32767", "--json"]);
    expect(p).toMatchObject({ paths: ["b"], json: true, latencies: [31.7, 1.5], context: { kubernetesVersion: "1.24.3", nodePortRange: [30000, 32767] } });
    expect(parseLatency("3")).toBe(3);
  });
  it("parses hops of the request path", () => {
    const p = parseArgs(["b", "--hop", "ingress=ingress-nginx", "--hop", "api=nodejs,idle=5,read=500ms"]);
    expect(p).toMatchObject({ context: { hops: [{ name: "ingress", kind: "ingress-nginx" }, { name: "api", kind: "nodejs", idleTimeout: 5, readTimeout: 0.5 }] } });
  });
  it("bad arguments exit 2 with a message", async () => {
    for (const bad of [["--hop", "api=tomcatx", "x"], ["--latency", "soon", "x"], ["--nodeport-range", "32767-30000", "x"], ["--frobnicate", "x"], []]) {
      const r = await capture(bad);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/netmortem analyze: /);
    }
  });
  it("an unreadable input exits 1", async () => {
    const r = await capture(["/nonexistent/bundle.tgz"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("cannot read");
  });
  it("a corrupt archive exits 1 saying why", async () => {
    const d = mkdtempSync(path.join(tmpdir(), "nm-analyze-bad-"));
    dirs.push(d);
    const f = path.join(d, "bundle.tar.gz");
    writeFileSync(f, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x67, 0x61, 0x72, 0x62, 0x61, 0x67, 0x65]));
    const r = await capture([f]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("could not read the bundle");
  });
  it("--markdown prints the postmortem draft of a seed bundle", async () => {
    const seed = path.resolve(__dirname, "../../lib/analysis/diagnosis/testdata/seeds/004-accept-queue");
    const r = await capture([seed, "--markdown"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Postmortem draft: Listen \(accept\/SYN\) queue overflow/);
    expect(r.out).toContain("## Evidence appendix");
  });
  it("a real sysctl dump (CentOS 7.7, corpus) analyses to valid JSON and exits 0", async () => {
    const d = mkdtempSync(path.join(tmpdir(), "nm-analyze-"));
    dirs.push(d);
    mkdirSync(path.join(d, "centos"));
    const src = sharedPath("corpus", "cmd", "sysctl-a_centos-7.7_jc.out");
    writeFileSync(path.join(d, "centos", "sysctl.txt"), (await import("node:fs")).readFileSync(src));
    const r = await capture([d, "--json", "--latency", "31.7s"]);
    expect(r.code).toBe(0);
    const a = Analysis.parse(JSON.parse(r.out));
    expect(a.hosts[0]?.name).toBe("centos");
    expect(a.latency?.[0]?.seconds).toBe(31.7);
    const text = await capture([d]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^Root cause: /);
  });
});

describe("what could not be read is never silent (issue 10 items 4, 9)", () => {
  it("a capture that cannot be read is in the JSON's `unreadable` and heads the text output", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nm-analyze-unreadable-"));
    dirs.push(dir);
    // a pcap header whose first record claims more bytes than the snaplen allows: the engine stops at once
    const b = Buffer.alloc(24 + 16 + 64);
    b.writeUInt32LE(0xa1b2c3d4, 0); b.writeUInt16LE(2, 4); b.writeUInt16LE(4, 6); b.writeUInt32LE(65535, 16); b.writeUInt32LE(1, 20);
    b.writeUInt32LE(1, 24); b.writeUInt32LE(0x7fffffff, 32); b.writeUInt32LE(60, 36);
    writeFileSync(path.join(dir, "broken.pcap"), b);
    const j = await capture([dir, "--json"]);
    expect(j.code).toBe(0);
    const a = Analysis.parse(JSON.parse(j.out));
    expect(a.unreadable).toEqual([{ host: path.basename(dir), file: "broken.pcap", message: expect.stringContaining("capture could not be read") }]);
    const t = await capture([dir]);
    expect(t.out.split("\n")[1]).toMatch(/^Incomplete: 1 input could not be read/);
    expect(t.out).toContain("broken.pcap: capture could not be read");
  });

  it("an archive refused names the entry, as `evidence` does", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nm-analyze-entry-"));
    dirs.push(dir);
    const { makeTar } = await import("../../lib/analysis/bundle/testdata/make");
    writeFileSync(path.join(dir, "evil.tar"), makeTar([{ name: "node1/../../x", data: "evil" }]));
    const r = await capture([path.join(dir, "evil.tar")]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unsafe_entry: .*\(entry node1\/\.\.\/\.\.\/x\)/);
  });
});
