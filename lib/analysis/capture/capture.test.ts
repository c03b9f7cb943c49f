/**
 * Flow semantics on real captures. Expected values were read off the packet lists with tshark
 * (frame.time_relative, tcp.len, ip.len, icmp.mtu, vxlan.vni …), not copied from this code's output.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { capturePackets, summarizeCapture, summarizePackets } from "./index";
import type { CaptureSummary, FlowSummary } from "./model";
import { CORPUS, TESTDATA } from "./test-paths";


const corpus = (f: string) => new Uint8Array(readFileSync(path.join(CORPUS, f)));
const recorded = (f: string) => new Uint8Array(readFileSync(path.join(TESTDATA, f)));
const byPort = (s: CaptureSummary, port: number): FlowSummary => {
  const f = s.flows.find((x) => x.orig.port === port || x.resp.port === port);
  if (!f) throw new Error(`no flow with port ${port}`);
  return f;
};
const close = (actual: number[], expected: number[], digits = 2) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], digits));
};

describe("connection states (Zeek conn_state)", () => {
  it("SYN answered by RST is REJ and counts as refused", async () => {
    const s = await summarizeCapture(corpus("tcp-syn-rst-refused.pcapng"));
    expect(s.flows).toHaveLength(1);
    const f = s.flows[0];
    expect(f.connState).toBe("REJ");
    expect(f.history).toBe("Sr");
    expect(f.resets).toEqual({ orig: 0, resp: 1 });
    expect(f.orig).toEqual({ addr: "192.168.100.138", port: 3372 });
    expect(s.handshakes).toEqual({ attempted: 1, completed: 0, failed: 0, refused: 1 });
  });

  it("unanswered SYNs are S0 with their retransmission offsets", async () => {
    const s = await summarizeCapture(corpus("tcp-syn-noreply-retrans.pcapng"));
    const f = byPort(s, 1251);
    expect(f.connState).toBe("S0");
    // frames at 0.014421, 0.019417, 1.016531
    close(f.synRetransOffsets, [0.005, 1.002], 3);
    expect(f.origOptions?.mss).toBe(1460);
  });

  it("a browser's unanswered SYNs show the whole backoff schedule", async () => {
    const s = await summarizeCapture(corpus("http-browse-syn-retrans-unanswered.pcapng"));
    const f = byPort(s, 64862);
    expect(f.connState).toBe("S0");
    expect(f.resp.addr).toBe("203.0.113.94");
    close(f.synRetransOffsets, [1.03, 2.031, 3.035, 4.037, 5.04, 7.054, 11.115, 19.149, 35.188, 67.403], 3);
    expect(s.flowsByState.S0).toBe(9);
    expect(s.handshakes.failed).toBe(9);
    // worst first: the failed handshakes lead the list
    expect(s.flows.slice(0, 9).every((x) => x.connState === "S0")).toBe(true);
  });

  it("a one-sided capture: SYN then FIN from the originator, nothing back, is SH", async () => {
    const s = await summarizeCapture(corpus("ssh-one-sided-capture-unanswered-syns.pcap"));
    expect(s.flowsByState).toEqual({ SH: 20 });
    expect(s.flows.every((f) => f.respPackets === 0)).toBe(true);
  });

  it("normal fetches over IPv4 and IPv6 are SF with a handshake RTT", async () => {
    const s = await summarizeCapture(corpus("http-ipv4-and-ipv6.pcapng"));
    expect(s.flowsByState).toEqual({ SF: 2 });
    expect(s.flows.map((f) => f.resp.addr).sort()).toEqual(["172.16.16.139", "2001:db8:1:2::1000"]);
    for (const f of s.flows) {
      expect(f.history.startsWith("ShA")).toBe(true);
      expect(f.handshakeRtt).toBeGreaterThan(0);
    }
  });

  it("SYN-ACK retransmission and SYN retransmission in one handshake", async () => {
    const s = await summarizeCapture(corpus("rdp-synack-retrans-then-syn-retrans.pcap"));
    const f = s.flows[0];
    // SYN 0, SYN-ACK 0.00008, SYN-ACK 2.300813, SYN 2.996685
    close(f.synAckRetransOffsets, [2.301], 3);
    close(f.synRetransOffsets, [2.997], 3);
    expect(s.synAckRetransHistogram).toEqual({ "2.3": 1 });
    expect(s.synRetransHistogram).toEqual({ "3": 1 });
  });

  it("zero windows are counted on the side that advertised them", async () => {
    const s = await summarizeCapture(corpus("tcp-zerowindow-persist-keepalive.pcapng"));
    const f = s.flows[0];
    const side = f.orig.addr === "172.31.136.85" ? f.zeroWindows.orig : f.zeroWindows.resp;
    expect(side).toBe(4);
    expect(f.history).toMatch(/w|W/);
  });
});

describe("sizes, ICMP and tunnels", () => {
  it("ICMP frag-needed is matched to the flow it quotes", async () => {
    const s = await summarizeCapture(corpus("smtp-icmp-frag-needed-mtu1492.pcap"));
    const f = byPort(s, 1470);
    expect(f.icmpMtu.map((m) => [m.from, m.mtu])).toEqual(Array(4).fill(["192.168.1.1", 1492]));
    expect(s.icmpMtu[0].quoted).toEqual({ src: "10.10.1.4", dst: "74.53.140.153", srcPort: 1470, dstPort: 25 });
  });

  it("ICMPv6 packet too big carries MTU and the quoted ports", async () => {
    const s = await summarizeCapture(corpus("icmp6-packet-too-big.pcap"));
    expect(s.icmpMtu).toHaveLength(1);
    expect(s.icmpMtu[0]).toMatchObject({ mtu: 1280, quoted: { srcPort: 30000, dstPort: 13000 } });
  });

  it("VXLAN over a jumbo underlay: inner flow, VNI, outer length", async () => {
    const s = await summarizeCapture(corpus("vxlan-http-jumbo-9100.pcap"));
    expect(s.tunnelPackets).toBe(12);
    expect(s.maxIpLength).toBe(9086);
    const f = s.flows[0];
    expect(f.tunnel).toMatchObject({ kind: "vxlan", vni: 1 });
    expect(Math.max(f.maxSegment.orig, f.maxSegment.resp)).toBe(8984);
  });

  it("Geneve: one flow although each direction uses its own VNI (10, 11)", async () => {
    const s = await summarizeCapture(corpus("geneve-icmp-tcp.pcap"));
    expect(s.tcpFlows).toBe(1);
    expect(s.flows[0].tunnel?.kind).toBe("geneve");
    expect(s.flows[0].connState).toBe("S1");
  });

  it("TSO segment with IP total length 0 uses the captured length", async () => {
    const s = await summarizeCapture(corpus("tso-ipv4-total-length-zero.pcap"));
    expect(s.maxIpLength).toBe(2016);
    const f = s.flows[0];
    expect(Math.max(f.maxSegment.orig, f.maxSegment.resp)).toBe(1976);
  });

  it("BIG TCP: 80 000-byte segments over IPv4 and IPv6 (hop-by-hop jumbo payload)", async () => {
    const v4 = await summarizeCapture(corpus("bigtcp-ipv4-80000-byte-segment.pcap"));
    expect(v4.maxIpLength).toBe(80052);
    const v6 = await summarizeCapture(corpus("bigtcp-ipv6-hbh-jumbo-80000-byte-segment.pcap"));
    for (const s of [v4, v6]) expect(Math.max(s.flows[0].maxSegment.orig, s.flows[0].maxSegment.resp)).toBe(80000);
  });

  it("IPv6 fragments: the non-first ones are counted, the first ones carry ICMPv6", async () => {
    const s = await summarizeCapture(corpus("ipv6-fragments.pcapng"));
    // tshark -o ipv6.defragment:FALSE, ipv6.fraghdr.offset: 2 unfragmented, 10 at offset 0, 10 at 161/181
    expect(s.icmpPackets).toBe(12);
    expect(s.nonFirstFragments).toBe(10);
  });

  it("nanosecond big-endian pcap keeps sub-microsecond time", async () => {
    const s = await summarizeCapture(corpus("nanosecond-big-endian-http.pcap"));
    expect(s.firstTs).toBeCloseTo(1766361926.167647291, 6);
  });
});

describe("recorded captures (scripts/record/capture-*.sh on kernel 6.18)", () => {
  it("accept queue full: later SYNs dropped, retransmitted at +1 +2 +3 +4 +5 +7 s", async () => {
    const s = await summarizeCapture(recorded("accept-queue-full-syn-drops.pcap"));
    expect(s.flowsByState).toEqual({ S0: 3, S2: 2 });
    expect(s.handshakes).toEqual({ attempted: 5, completed: 2, failed: 3, refused: 0 });
    // this kernel retries SYNs linearly first (net.ipv4.tcp_syn_linear_timeouts=4), then doubles
    for (const f of s.flows.filter((x) => x.connState === "S0")) {
      expect(f.synRetransOffsets.map((x) => Math.round(x))).toEqual([1, 2, 3, 4, 5, 7]);
      expect(f.synAckTimes).toEqual([]);
    }
    expect(Object.values(s.synRetransHistogram).reduce((a, b) => a + b, 0)).toBe(18);
  });

  it("VXLAN MTU too big for the underlay: full-size segments never acknowledged", async () => {
    for (const file of ["vxlan-mtu-blackhole-overlay.pcap", "vxlan-mtu-blackhole-underlay.pcap"]) {
      const s = await summarizeCapture(recorded(file));
      expect(s.mtuBlackholeFlows).toBe(1);
      const f = s.flows[0];
      expect(f.mtuBlackhole).toMatchObject({ direction: "resp", segmentSize: 1448 });
      expect(f.mtuBlackhole!.retransmissions).toBeGreaterThanOrEqual(5);
      expect(f.mtuBlackhole!.smallSegmentsAcked).toBeGreaterThanOrEqual(1);
      expect(f.resp).toEqual({ addr: "10.242.0.1", port: 8000 });
    }
    const under = await summarizeCapture(recorded("vxlan-mtu-blackhole-underlay.pcap"));
    // outer packets of 1550 bytes (tshark: ip.len 1550 on the underlay), DF not set (VXLAN default)
    expect(under.flows[0].tunnel).toEqual({ kind: "vxlan", vni: 42, outerSrc: "10.241.0.2", outerDst: "10.241.0.1", maxOuterLength: 1550 });
    // 1500-byte inner packets + 50 bytes of encapsulation on a 1500-byte underlay
    expect(under.maxIpLength).toBe(1550);
  });

  it("NodePort-range source port: SYN-ACKs diverted, the client keeps retrying its SYN", async () => {
    const s = await summarizeCapture(recorded("nodeport-source-port-synack-diverted.pcap"));
    expect(s.nodePortSourcePorts).toEqual([{ addr: "10.243.0.2", port: 30080, dst: { addr: "10.243.0.1", port: 80 }, connState: "S1" }]);
    const bad = byPort(s, 30080);
    expect(bad.history).toBe("Sh");
    expect(bad.synRetransOffsets.map((x) => Math.round(x))).toEqual([1, 2, 3, 4, 5, 7]);
    expect(bad.synAckTimes.length).toBeGreaterThan(1);
    expect(bad.origBytes + bad.respBytes).toBe(0);
    expect(byPort(s, 40080).connState).toBe("SF");
    expect(s.handshakes).toEqual({ attempted: 2, completed: 1, failed: 1, refused: 0 });
    // the ranges are options: outside the configured range nothing is reported
    expect((await summarizeCapture(recorded("nodeport-source-port-synack-diverted.pcap"), { nodePortRange: [31000, 31999] })).nodePortSourcePorts).toEqual([]);
  });

  it("healthy HTTP: every flow SF, no retransmission, per-connection TSval clocks", async () => {
    const s = await summarizeCapture(recorded("healthy-http.pcap"));
    expect(s.flowsByState).toEqual({ SF: 5 });
    expect(s.retransmissions).toBe(0);
    expect(s.handshakes).toEqual({ attempted: 5, completed: 5, failed: 0, refused: 0 });
    for (const t of s.tsBackwards) expect(t.clocks).toBe(t.connections);
  });

  it("dual-stack VXLAN over an IPv6 underlay (capture-vxlan-v6.sh): inner IPv4 and IPv6 flows, IPv6 outer addresses", async () => {
    const s = await summarizeCapture(recorded("vxlan-over-ipv6-dual-stack.pcap"));
    // tshark 4.0: 260 frames, all IPv6 outside; 258 carry VXLAN VNI 7 with IP inside (the 2 others: ARP in
    // VXLAN, which we report as the outer UDP datagrams); largest IPv6 packet 1430 + 40 bytes; MSS 1340, 1360
    expect([s.packets, s.ipv6, s.ipv4, s.tunnelPackets]).toEqual([260, 260, 0, 258]);
    expect(s.maxIpLength).toBe(1470);
    expect(s.mssSeen).toEqual([1340, 1360]);
    const tcp = s.flows.filter((f) => f.proto === "tcp");
    expect(tcp.map((f) => f.connState)).toEqual(["SF", "SF", "SF", "SF"]);
    expect(tcp.filter((f) => f.orig.addr === "fd47::2")).toHaveLength(2);
    expect(tcp.filter((f) => f.orig.addr === "10.248.0.2")).toHaveLength(2);
    for (const f of tcp) expect(f.tunnel).toEqual({ kind: "vxlan", vni: 7, outerSrc: "fd46::2", outerDst: "fd46::1", maxOuterLength: 1470 });
  });

  it("three writers (capture-writers.sh): dumpcap pcapng, tcpdump nanosecond pcap, tcpdump -s 96", async () => {
    const ng = await summarizeCapture(recorded("writer-dumpcap.pcapng"));
    const nano = await summarizeCapture(recorded("writer-tcpdump-nano.pcap"));
    const s96 = await summarizeCapture(recorded("writer-tcpdump-snaplen96.pcap"));
    for (const s of [ng, nano, s96]) {
      expect(s.flowsByState).toEqual({ SF: 3 });
      expect(s.error).toBeUndefined();
      expect(s.skipped).toEqual({});
      // the responder's payload is the same 3 × (20 000 bytes + HTTP header), cut short by -s 96 or not
      expect(s.flows.map((f) => f.respBytes)).toEqual([20203, 20203, 20203]);
    }
    expect([ng.format, ng.packets, nano.format, nano.packets, s96.packets]).toEqual(["pcapng", 106, "pcap", 112, 97]);
    // first frame times as tshark prints them (frame.time_epoch)
    expect(ng.firstTs).toBeCloseTo(1795345146.229093451, 6);
    expect(nano.firstTs).toBeCloseTo(1795345149.325491976, 6);
  });

  it("frames cut by the snapshot length are counted (tshark: frame.cap_len < frame.len)", async () => {
    const cases: Array<[Uint8Array, number | undefined, number | undefined]> = [
      [recorded("writer-tcpdump-snaplen96.pcap"), 48, 96],
      [recorded("writer-tcpdump-nano.pcap"), undefined, 262144],
      [corpus("tcp-snaplen-truncated-smtp.pcap"), 24, 68],
      [corpus("tcp-rst-with-data-snaplen-truncated.pcap"), 1, 65535],
      // pcapng: the snaplen of its interface description blocks
      [corpus("pcapng-big-endian-two-interfaces.pcapng"), 4, 96],
    ];
    for (const [bytes, cut, snaplen] of cases) {
      const s = await summarizeCapture(bytes);
      expect([s.framesCutShort, s.snaplen]).toEqual([cut, snaplen]);
    }
  });

  it("tcpdump -i any on a NAT router: each connection twice, keep-alives are no retransmissions (capture-router-any.sh)", async () => {
    const s = await summarizeCapture(recorded("router-any-nat-keepalive.pcap"));
    // tshark 4.0: 432 frames, Linux cooked v2; 8 streams (4 connections, before and after MASQUERADE);
    // 8 keep-alives and 6 keep-alive ACKs; no retransmission, no duplicate ACK
    expect([s.packets, s.linkTypes]).toEqual([432, ["LINUX_SLL2"]]);
    expect(s.flowsByState).toEqual({ SF: 8 });
    expect(s.retransmissions).toBe(0);
    expect(s.flows.reduce((n, f) => n + f.dupAcks.orig + f.dupAcks.resp, 0)).toBe(0);
    const ports = (addr: string) => s.flows.filter((f) => f.orig.addr === addr).map((f) => f.orig.port).sort();
    // the same source ports on both sides of the router: MASQUERADE kept them
    expect(ports("10.246.1.2")).toHaveLength(4);
    expect(ports("10.246.2.1")).toEqual(ports("10.246.1.2"));
    // the connection that idled 4.5 s with SO_KEEPALIVE (1 s idle, 1 s interval) lasted that long
    expect(Math.max(...s.flows.map((f) => f.duration))).toBeGreaterThan(4.4);
  });

  it("loss over IPv4 and IPv6 and a receiver that stops reading: tshark's counts (capture-lossy-mix.sh)", async () => {
    const s = await summarizeCapture(recorded("lossy-mix-v4-v6.pcap"));
    // tshark 4.0: 1394 frames, 509 IPv6; 30 frames flagged retransmission, fast/spurious retransmission or
    // out-of-order; 27 duplicate ACKs; 3 zero windows; 13 streams (7 over IPv4, 6 over IPv6), all closed by FINs
    expect([s.packets, s.ipv4, s.ipv6]).toEqual([1394, 885, 509]);
    expect(s.flowsByState).toEqual({ SF: 13 });
    expect(s.retransmissions).toBe(30);
    const sum = (k: "dupAcks" | "zeroWindows") => s.flows.reduce((n, f) => n + f[k].orig + f[k].resp, 0);
    expect(sum("dupAcks")).toBe(27);
    expect(sum("zeroWindows")).toBe(3);
    expect(s.flows.filter((f) => f.orig.addr === "fd45::2")).toHaveLength(6);
    expect(s.mssSeen).toEqual([1440, 1460]);
    // the 6 IPv6 SYNs' TSvals (tshark): 3892984055 4042171791 4277067945 2726168158 1889677227 4188519490,
    // i.e. 3 steps back (per-connection random offsets: 6 clocks, harmless)
    expect(s.tsBackwards.filter((t) => t.addr === "fd45::2")).toEqual([
      { addr: "fd45::2", peer: "fd45::1", connections: 6, backwardSteps: 3, clocks: 6, example: { fromTsval: 4277067945, toTsval: 2726168158, ts: expect.any(Number) } },
    ]);
    // the zero windows come from the client that did not read (4 kB receive buffer), not the server
    const slow = s.flows.find((f) => f.zeroWindows.orig > 0);
    expect(slow?.respBytes).toBeGreaterThan(400_000);
    expect(slow?.zeroWindows.resp).toBe(0);
  });
});

describe("summarizePackets (the tcpdump-text path) agrees with summarizeCapture", () => {
  for (const file of ["http-browse-syn-retrans-unanswered.pcapng", "smtp-icmp-frag-needed-mtu1492.pcap", "vxlan-http-jumbo-9100.pcap"]) {
    it(file, async () => {
      const bytes = corpus(file);
      const { packets } = await capturePackets(bytes);
      const a = summarizePackets(packets);
      const b = await summarizeCapture(bytes);
      expect(a.format).toBe("tcpdump-text");
      expect(a.flows).toEqual(b.flows);
      expect(a.flowsByState).toEqual(b.flowsByState);
      expect(a.icmpMtu).toEqual(b.icmpMtu);
    });
  }
});

describe("bounded memory", () => {
  it("keeps only maxFlowsKept flows, worst first, with exact aggregate counts", async () => {
    const s = await summarizeCapture(corpus("tcp-synscan-rst-and-silence.pcapng"), { maxFlowsKept: 10 });
    expect(s.flows).toHaveLength(10);
    expect(s.tcpFlows).toBe(1994);
    expect(Object.values(s.flowsByState).reduce((a, b) => a + b, 0)).toBe(1994);
    expect(s.flows.every((f) => f.connState === "S0" || f.connState === "REJ")).toBe(true);
  });

  it("idle flows are finalised as capture time advances", async () => {
    const a = await summarizeCapture(corpus("http-browse-syn-retrans-unanswered.pcapng"), { idleTimeoutSec: 1 });
    const b = await summarizeCapture(corpus("http-browse-syn-retrans-unanswered.pcapng"));
    // a flow silent for more than 1 s is closed early; its later packets open a new (OTH) flow
    expect(a.tcpFlows).toBeGreaterThan(b.tcpFlows);
    expect(a.packets).toBe(b.packets);
  });
});
