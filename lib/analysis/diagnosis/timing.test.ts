import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { summarizeCapture } from "../capture";
import { explainLatency, onSynLattice, synAckSchedule, synSchedule } from "./timing";

const HERE = path.dirname(fileURLToPath(import.meta.url));

describe("synSchedule (documented schedules)", () => {
  it("≥ 6.5 with tcp_syn_linear_timeouts=4: 1,2,3,4,5,7,11,19,35,67, gives up at 131 s (ip-sysctl.rst)", () => {
    const s = synSchedule("6.18.44-fc-v657");
    expect(s.retransmits).toEqual([1, 2, 3, 4, 5, 7, 11, 19, 35, 67]);
    expect(s.giveUp).toBe(131);
  });
  it("< 6.5: 1,3,7,15,31,63, gives up at 127 s", () => {
    const s = synSchedule("3.10.0-1160.el7.x86_64");
    expect(s.retransmits).toEqual([1, 3, 7, 15, 31, 63]);
    expect(s.giveUp).toBe(127);
  });
  it("tcp_syn_linear_timeouts=0 on 6.18 falls back to doubling", () => {
    expect(synSchedule("6.18.44", { "net.ipv4.tcp_syn_linear_timeouts": { value: "0" } }).retransmits).toEqual([1, 3, 7, 15, 31, 63]);
  });
  it("very old kernels (initial RTO 3 s, 5 retries): 3, 9, 21, 45, 93", () => {
    expect(synSchedule("2.6.32-754.el6").retransmits).toEqual([3, 9, 21, 45, 93]);
  });
  it("tcp_syn_retries=2 on 6.18: the doubling-time limit (7 s) ends the linear phase early", () => {
    const s = synSchedule("6.18.44", { "net.ipv4.tcp_syn_retries": "2" });
    expect(s.retransmits).toEqual([1, 2, 3, 4, 5]);
    expect(s.giveUp).toBe(7);
  });
  it("tcp_syn_retries=2 on 4.19: 1, 3 and gives up at 7 s", () => {
    const s = synSchedule("4.19.0", { "net.ipv4.tcp_syn_retries": "2" });
    expect(s.retransmits).toEqual([1, 3]);
    expect(s.giveUp).toBe(7);
  });
  it("tcp_rto_max_ms caps the doubling on ≥ 6.15", () => {
    const s = synSchedule("6.18.0", { "net.ipv4.tcp_rto_max_ms": "5000", "net.ipv4.tcp_syn_linear_timeouts": "0" });
    expect(s.retransmits).toEqual([1, 3, 7, 12, 17, 22]);
  });
  it("SYN-ACK: 1,3,7,15,31 and dropped at 63 s with tcp_synack_retries=5", () => {
    const s = synAckSchedule("6.18.44");
    expect(s.retransmits).toEqual([1, 3, 7, 15, 31]);
    expect(s.giveUp).toBe(63);
  });
});

// Recorded on this machine's kernel by scripts/record/syn-timing.sh (testdata/timing/MANIFEST.md)
describe("synSchedule against SYN-timing captures recorded on 6.18", () => {
  const cases: Array<{ file: string; expected: number[]; side: "syn" | "synack" }> = [
    { file: "syn-linear-default.pcap", expected: synSchedule("6.18.44").retransmits, side: "syn" },
    { file: "syn-linear-0.pcap", expected: synSchedule("6.18.44", { tcp_syn_linear_timeouts: "0" }).retransmits, side: "syn" },
    { file: "synack-retries-5.pcap", expected: synAckSchedule("6.18.44").retransmits, side: "synack" },
  ];
  for (const c of cases) {
    it(`${c.file}: measured offsets follow the model within timer slack`, async () => {
      const bytes = new Uint8Array(readFileSync(path.join(HERE, "testdata/timing", c.file)));
      const s = await summarizeCapture(bytes);
      const flow = s.flows.find((f) => (c.side === "syn" ? f.synRetransOffsets.length : f.synAckRetransOffsets.length) > 0);
      expect(flow).toBeDefined();
      const measured = c.side === "syn" ? flow!.synRetransOffsets : flow!.synAckRetransOffsets;
      expect(measured.length).toBe(c.expected.length);
      measured.forEach((m, i) => {
        // the kernel's timers run late by a few ms per step (MANIFEST: 68.344 s for the 67 s point)
        expect(Math.abs(m - c.expected[i]!)).toBeLessThanOrEqual(0.03 * c.expected[i]! + 0.1);
      });
    });
  }
});

describe("the time limit on a lowered tcp_syn_retries, recorded on 6.18 (testdata/recorded/syn-retries-2.md)", () => {
  it("SYNs at +1..+5 s, then the connect fails at 7 s (curl: exit 28 after 7.14 s)", async () => {
    const bytes = new Uint8Array(readFileSync(path.join(HERE, "testdata/recorded/syn-retries-2.pcap")));
    const s = await summarizeCapture(bytes);
    const model = synSchedule("6.18.44-fc-v657", { "net.ipv4.tcp_syn_retries": "2" });
    const measured = s.flows[0]!.synRetransOffsets;
    expect(measured.length).toBe(model.retransmits.length);
    measured.forEach((m, i) => expect(Math.abs(m - model.retransmits[i]!)).toBeLessThanOrEqual(0.03 * model.retransmits[i]! + 0.1));
    expect(Math.abs(7.137 - model.giveUp)).toBeLessThan(0.3);
  });
});

describe("explainLatency", () => {
  it("31.7 s on 3.10: the SYN and four retransmissions lost, the fifth (at +31 s) answered, 0.7 s left", () => {
    const e = explainLatency(31.7, "3.10.0-1160.el7.x86_64");
    expect(e.kind).toBe("syn");
    expect(e.retransmission).toBe(5);
    expect(e.point).toBe(31);
    expect(e.residual).toBeCloseTo(0.7, 5);
    expect(e.text).toContain("first four retransmissions were lost");
    expect(e.text).toContain("fifth retransmission (sent at +31 s)");
  });
  it("a configured 30 s read timeout does not explain 31.7 s as well as the SYN schedule", () => {
    const e = explainLatency(31.7, "3.10.0", {}, [{ name: "nginx proxy_read_timeout", seconds: 30 }]);
    expect(e.kind).toBe("syn");
    expect(e.text).toContain("No configured timeout explains this as well");
  });
  it("5.02 s on 6.18 behind ingress-nginx: the 5th linear SYN retransmission and the 5 s connect timeout fit equally", () => {
    const e = explainLatency(5.02, "6.18.44", {}, [{ name: "ingress connect timeout", seconds: 5 }]);
    expect(e.text).toContain("Equally consistent");
    expect(e.text).toContain("ingress connect timeout");
    expect(e.text).not.toContain("No configured timeout explains");
  });
  it("30.05 s is the configured 30 s timeout, not the kernel", () => {
    const e = explainLatency(30.05, "3.10.0", {}, [{ name: "nginx proxy_read_timeout", seconds: 30 }]);
    expect(e.kind).toBe("timeout");
    expect(e.timeout).toBe("nginx proxy_read_timeout");
  });
  it("31.7 s on 6.18 is not a client SYN point (35 is): it reads as a server SYN-ACK retransmission", () => {
    const e = explainLatency(31.7, "6.18.44");
    expect(e.kind).toBe("synack");
    expect(e.point).toBe(31);
  });
  it("the client's own tcp_synack_retries do not shape the server's SYN-ACK schedule", () => {
    const e = explainLatency(32.05, "6.18.44", { "net.ipv4.tcp_synack_retries": "2" });
    expect(e.kind).toBe("synack");
    expect(explainLatency(32.05, "6.18.44", {}, [], { "net.ipv4.tcp_synack_retries": "2" }).kind).toBe("none");
  });
  it("12.6 s on 6.18 is on no lattice point", () => {
    expect(explainLatency(12.6, "6.18.44").kind).toBe("none");
    expect(onSynLattice(12.6, "6.18.44")).toBe(false);
  });
  it("the lab's measured 68.344 s (10th linear-schedule SYN) is on the 67 s point", () => {
    const e = explainLatency(68.344, "6.18.44-fc-v657");
    expect(e.kind).toBe("syn");
    expect(e.retransmission).toBe(10);
  });
  it("small latencies in the dense 1 s steps are not treated as evidence", () => {
    expect(onSynLattice(2.1, "6.18.44")).toBe(false);
    expect(onSynLattice(0.2, "3.10.0")).toBe(false);
    expect(onSynLattice(7.1, "3.10.0")).toBe(true);
  });
});
