// Compare on real evidence: the accept-queue lab's client and server (somaxconn 4096 vs 16), the same host's two
// readings, and the overlay lab's two nodes.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readBundle } from "../bundle";
import { evidenceFromTexts } from "../evidence";
import { compareHosts } from "./compare";

const LAB = path.join(__dirname, "testdata/lab");

async function hosts(name: string) {
  const b = await readBundle([path.join(LAB, `${name}.tar.gz`)]);
  if (b.status !== "success") throw new Error(b.error.message);
  return new Map(b.hosts.map((h) => [h.host, h] as const));
}

describe("compareHosts", () => {
  it("two nodes: the setting that differs comes first; noise is left out", async () => {
    const h = await hosts("accept_queue_overflow");
    const c = compareHosts({ source: "host:client", label: "client", host: h.get("client")! }, { source: "host:server", label: "server", host: h.get("server")! });
    expect(c.sysctls[0]).toEqual({ name: "net.core.somaxconn", a: "4096", b: "16" });
    expect(c.sysctls.some((d) => d.name.startsWith("kernel.random"))).toBe(false);
    expect(c.compared.sysctls).toBeGreaterThan(500);
    expect(c.counters.find((d) => d.name === "TcpExt.ListenOverflows")).toEqual({ name: "TcpExt.ListenOverflows", a: "0", b: "1281" });
    expect(c.a.kernel).toBe("6.18.44-fc-v1300");
  });

  it("one node at two times: the server's before and after readings (each alone) differ in ListenOverflows", async () => {
    const { execFileSync } = await import("node:child_process");
    const { mkdtempSync, readFileSync, readdirSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(path.join(tmpdir(), "compare-"));
    try {
      execFileSync("tar", ["xzf", path.join(LAB, "accept_queue_overflow.tar.gz"), "-C", dir]);
      const server = path.join(dir, "accept_queue_overflow/server");
      const files = readdirSync(server).filter((f) => f.endsWith(".txt"));
      const at = (when: string) =>
        evidenceFromTexts(
          "server",
          files.filter((f) => !/-(before|after)\.txt$/.test(f) || f.endsWith(`-${when}.txt`)).map((f) => ({ path: f, text: readFileSync(path.join(server, f), "utf8") })),
        );
      const c = compareHosts({ source: "host:server", label: "before", host: at("before") }, { source: "host:server", label: "after", host: at("after") }, { sameHost: true });
      expect(c.counters.find((d) => d.name === "TcpExt.ListenOverflows")).toEqual({ name: "TcpExt.ListenOverflows", a: "0", b: "1281" });
      expect(c.sysctls).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("overlay lab: the tunnel device's MTU differs from the other node's, veths are compared as a class", async () => {
    const h = await hosts("overlay_mtu_mismatch");
    const names = [...h.keys()];
    const nodes = names.filter((n) => n.startsWith("node"));
    expect(nodes.length).toBe(2);
    const c = compareHosts({ source: `host:${nodes[0]}`, label: nodes[0]!, host: h.get(nodes[0]!)! }, { source: `host:${nodes[1]}`, label: nodes[1]!, host: h.get(nodes[1]!)! });
    expect(c.compared.mtus).toBeGreaterThan(1);
    for (const d of c.mtus) expect(d.name).not.toMatch(/^veth[0-9a-f]{4}/);
  });
});
