/**
 * GRE, ERSPAN and IP-in-IP on recorded traffic (scripts/record/capture-tunnels.sh and
 * capture-ipip-mtu-blackhole.sh): the inner flows with their tunnels, the outer sizes the MTU rules read, and
 * the packets that are in no flow counted by protocol. streams.test.ts checks the same captures against
 * tshark flow by flow; zeek.test.ts checks Zeek's own GRE and IP-in-IP traces.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { capturePackets, summarizeCapture } from "./index";
import type { FlowSummary } from "./model";
import { TESTDATA } from "./test-paths";

const read = (f: string) => new Uint8Array(readFileSync(path.join(TESTDATA, f)));
const tunnelOf = (f: FlowSummary) => {
  const t = f.tunnel;
  return t && { kind: t.kind, vni: t.vni, outer: `${t.outerSrc}->${t.outerDst}`, layers: t.layers, erspan: t.erspan, max: t.maxOuterLength, df: t.outerDontFragment };
};

describe("tunnels recorded on an underlay", () => {
  it("every kind: inner HTTP downloads, complete, with their tunnel", async () => {
    const s = await summarizeCapture(read("tunnels-gre-ipip-erspan.pcap"));
    expect(s.error).toBeUndefined();
    const byServer = new Map(s.flows.map((f) => [`${f.resp.addr}:${f.resp.port}`, f]));
    const expected: Array<[string, ReturnType<typeof tunnelOf>]> = [
      ["10.251.1.2:8080", { kind: "ipip", vni: 0, outer: "10.250.0.1->10.250.0.2", layers: undefined, erspan: undefined, max: 1500, df: true }],
      ["fd51:1::2:8080", { kind: "ipip", vni: 0, outer: "10.250.0.1->10.250.0.2", layers: undefined, erspan: undefined, max: 1500, df: true }],
      ["10.251.2.2:8080", { kind: "gre", vni: 42, outer: "10.250.0.1->10.250.0.2", layers: undefined, erspan: undefined, max: 1500, df: true }],
      ["10.251.3.2:8080", { kind: "gre", vni: 7, outer: "10.250.0.1->10.250.0.2", layers: undefined, erspan: undefined, max: 1500, df: true }],
      ["10.251.4.2:8080", { kind: "ipip", vni: 0, outer: "fd50::1->fd50::2", layers: undefined, erspan: undefined, max: 1500, df: undefined }],
      ["10.251.6.2:8080", { kind: "gre", vni: 6, outer: "fd50::1->fd50::2", layers: undefined, erspan: undefined, max: 1500, df: undefined }],
      // GRE in GRE: the innermost tunnel's endpoints (Zeek's tunnel_parents), the outermost packet's size
      ["10.251.5.2:8080", { kind: "gre", vni: 43, outer: "10.251.2.1->10.251.2.2", layers: 2, erspan: undefined, max: 1500, df: true }],
      // ERSPAN type II (session 123) and type III (session 321): mirrored, not carried
      ["10.252.0.1:8081", { kind: "gre", vni: 123, outer: "10.250.0.1->10.250.0.2", layers: undefined, erspan: true, max: 1500, df: true }],
      ["10.252.0.1:8082", { kind: "gre", vni: 321, outer: "10.250.0.1->10.250.0.2", layers: undefined, erspan: true, max: 1500, df: true }],
    ];
    expect(s.flows.filter((f) => f.proto === "tcp")).toHaveLength(expected.length);
    for (const [server, tunnel] of expected) {
      const f = byServer.get(server);
      expect(f, server).toBeDefined();
      expect(tunnelOf(f as FlowSummary), server).toEqual(tunnel);
      // a 20 000-byte file and its HTTP header, all of it seen
      expect([f?.connState, f?.respBytes, f?.missedBytes], server).toEqual(["SF", 20203, undefined]);
    }
    // IGMP membership reports (no flow) and ARP inside gretap (GRE whose payload is not IP) are counted
    expect(s.undecodedProtocols).toEqual({ igmp: 4, gre: 2 });
    // the mirror's full-size frames went out as two IP fragments (no DF): the first holds the inner TCP
    // header, the rest of the segment is in the second. Those bytes are in the capture: no content gap
    expect(s.nonFirstFragments).toBeGreaterThan(10);
    expect(s.captureGaps).toBeUndefined();
  });

  it("the decoded packets name their tunnel", async () => {
    const { packets } = await capturePackets(read("tunnels-gre-ipip-erspan.pcap"));
    const kinds = new Map<string, number>();
    for (const p of packets) if (p.tunnel) kinds.set(p.tunnel.kind, (kinds.get(p.tunnel.kind) ?? 0) + 1);
    expect([...kinds.keys()].sort()).toEqual(["gre", "ipip"]);
  });

  it("an IP-in-IP overlay too big for its underlay: the MTU black hole, with the outer size and DF", async () => {
    const under = await summarizeCapture(read("ipip-mtu-blackhole-underlay.pcap"));
    const over = await summarizeCapture(read("ipip-mtu-blackhole-overlay.pcap"));
    expect(under.mtuBlackholeFlows).toBe(1);
    expect(under.maxIpLength).toBe(1520);
    expect(under.tunnelPackets).toBe(under.packets);
    const f = under.flows[0];
    expect(f.mtuBlackhole).toEqual({ direction: "resp", segmentSize: 1448, retransmissions: 6, smallSegmentsAcked: 1 });
    expect(tunnelOf(f)).toEqual({ kind: "ipip", vni: 0, outer: "10.243.0.2->10.243.0.1", layers: undefined, erspan: undefined, max: 1520, df: true });
    // the same flow seen on the tunnel device: the same facts, no tunnel
    const g = over.flows[0];
    expect([g.connState, g.history, g.origPackets, g.respPackets, g.mtuBlackhole]).toEqual([f.connState, f.history, f.origPackets, f.respPackets, f.mtuBlackhole]);
    expect(g.tunnel).toBeUndefined();
  });
});
