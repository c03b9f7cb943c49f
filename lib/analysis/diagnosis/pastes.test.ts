/**
 * Pasted evidence (testdata/pastes): the seed fragments of issue 15, read in place the way `netmortem
 * analyze file1 file2` reads them (loose files, one host).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeBundle } from "./analyze";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const P = (...p: string[]) => path.join(HERE, "testdata", "pastes", ...p);

describe("the seed fragments as two pasted files", () => {
  it("004: netstat -s | grep overflow/drop and the tcpdump -ttt lines → accept_queue_overflow, asking for ss -ltn on the server", async () => {
    const a = await analyzeBundle([P("seed-004", "netstat.txt"), P("seed-004", "tcpdump.txt")]);
    const id = a.rootCause !== "none" ? a.rootCause : a.leading?.id;
    expect(id, JSON.stringify(a.findings.map((f) => [f.id, f.confidence]))).toBe("accept_queue_overflow");
    const f = a.findings.find((x) => x.id === "accept_queue_overflow")!;
    expect(f.evidence.some((e) => e.file === "netstat.txt" && e.line === 2 && /12178939/.test(e.fact))).toBe(true);
    expect(f.evidence.some((e) => e.file === "tcpdump.txt" && /got no SYN-ACK/.test(e.fact))).toBe(true);
    const next = (a.leading ?? { next: f.next ?? [] }).next;
    expect(next.some((n) => /^ss -ltn 'sport = :80'$/.test(n.command) && /172\.16\.1\.21/.test(n.host))).toBe(true);
    expect(a.hosts[0]!.files.map((x) => x.kind).sort()).toEqual(["netstat-s", "tcpdump-text"]);
    expect(a.hosts[0]!.unrecognized ?? []).toEqual([]);
  });
  it("002 with --latency 31.7s: ip_local_port_range 1024 65535 → port_range_nodeport_collision, the next step on the node looks at NodePort source ports", async () => {
    const a = await analyzeBundle([P("seed-002", "sysctl.txt"), P("seed-002", "tcp-sysctls.txt")], { latencies: [31.7] });
    const id = a.rootCause !== "none" ? a.rootCause : a.leading?.id;
    expect(id, JSON.stringify(a.findings.map((f) => [f.id, f.confidence]))).toBe("port_range_nodeport_collision");
    const f = a.findings.find((x) => x.id === "port_range_nodeport_collision")!;
    expect(f.evidence.some((e) => e.file === "sysctl.txt" && e.line === 2 && /1024 65535 overlaps/.test(e.fact))).toBe(true);
    const next = (a.rootCause === "none" ? a.leading!.next : f.next!);
    expect(next[0]!.command).toMatch(/ss -tn state syn-sent '\( sport >= :30000 and sport <= :32767 \)'/);
    expect(next.some((n) => /nodePort/.test(n.command))).toBe(true);
    // the tcp sysctls are read too (the part under the prompt), nothing is left unrecognised
    expect(a.hosts[0]!.unrecognized ?? []).toEqual([]);
  });
});
