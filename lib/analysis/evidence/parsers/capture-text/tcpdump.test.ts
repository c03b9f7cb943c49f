import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { Packet } from "../../../capture/packet";
import { sharedPath } from "../../../../testing/shared";
import { summarizeCapture, summarizePackets } from "../../../capture";
import type { FlowSummary } from "../../../capture/model";
import { recorded } from "../../testdata/paths";
import { recognise } from "../../registry";
import { tcpdumpTextParser } from "./tcpdump";

const read = (n: string) => fs.readFileSync(recorded(n), "utf8");
function packets(text: string): Packet[] {
  const r = tcpdumpTextParser.parse(text);
  if (r.status !== "success") throw new Error(r.error);
  return r.data.packets!;
}

describe("tcpdump -n text (recorded: scripts/record/tcpdump-text.sh)", () => {
  const text = read("tcpdump-n.txt");
  const ps = packets(text);

  it("is recognised as tcpdump-text, one packet per line", () => {
    expect(recognise(text, "out.txt")?.kind).toBe("tcpdump-text");
    expect(ps).toHaveLength(36);
    expect(ps.map((p) => p.index)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
  });

  it("line 1: the SYN, with its options", () => {
    expect(ps[0]).toMatchObject({
      ipVersion: 4, src: "10.231.1.2", dst: "10.231.2.2", protocol: 6, ipLength: 60,
      tcp: {
        srcPort: 34150, dstPort: 80, seq: 1590915159, ack: 0, window: 65280, payloadLength: 0,
        flags: { syn: true, ack: false, fin: false, rst: false, psh: false },
        options: { mss: 1360, sackPermitted: true, tsval: 3021379224, tsecr: 0, wscale: 10 },
      },
    });
    // 07:39:11.149799 as seconds of the day
    expect(ps[0].ts).toBeCloseTo(7 * 3600 + 39 * 60 + 11.149799, 6);
  });

  it("line 2: SYN-ACK; line 4: [P.] seq 1:85 with 84 bytes", () => {
    expect(ps[1].tcp).toMatchObject({ seq: 189071576, ack: 1590915160, window: 65160, flags: { syn: true, ack: true }, options: { mss: 1460 } });
    // printed `seq 1:85, ack 1`: tcpdump's relative numbers, made absolute from the SYN-ACK (its seq is the
    // server's base, its ack − 1 the client's)
    expect(ps[3].tcp).toMatchObject({ seq: 1590915159 + 1, ack: 189071576 + 1, window: 64, payloadLength: 84, flags: { psh: true, ack: true, syn: false } });
    expect(ps[3].ipLength).toBe(136); // -v prints "length 136" for this packet
  });

  it("line 30: [R.] to the closed port", () => {
    expect(ps[29]).toMatchObject({ src: "10.231.2.2", dst: "10.231.1.2", ipLength: 40, tcp: { srcPort: 82, dstPort: 51146, seq: 0, ack: 742747368, window: 0, flags: { rst: true, ack: true, syn: false } } });
  });

  it("line 36: ICMP need to frag (mtu 1400)", () => {
    expect(ps[35]).toMatchObject({ src: "10.231.2.1", dst: "10.231.2.2", protocol: 1, ipLength: 576, icmp: { version: 4, type: 3, code: 4, mtu: 1400 } });
    expect(ps[34]).toMatchObject({ protocol: 1, ipLength: 1478, icmp: { type: 8, code: 0 } });
  });
});

describe("timestamp modes", () => {
  it("every recorded text is recognised as tcpdump-text", () => {
    for (const f of ["tcpdump-n.txt", "tcpdump-live-n.txt", "tcpdump-nn-t.txt", "tcpdump-nn-tt.txt", "tcpdump-nn-ttt.txt",
      "tcpdump-nn-tttt.txt", "tcpdump-nn-v.txt", "tcpdump-any-nn.txt", "tcpdump-corpus-ipv6-n.txt", "tcpdump-corpus-sack-tttt.txt"]) {
      expect([f, recognise(read(f), "x")?.kind]).toEqual([f, "tcpdump-text"]);
    }
  });

  const tt = packets(read("tcpdump-nn-tt.txt"));

  it("-tt: epoch seconds", () => {
    expect(tt[0].ts).toBeCloseTo(1795333151.149799, 6);
  });

  it("-ttt: deltas accumulated into seconds since the first packet (equal to -tt differences)", () => {
    const ttt = packets(read("tcpdump-nn-ttt.txt"));
    expect(ttt).toHaveLength(tt.length);
    ttt.forEach((p, i) => expect(Math.abs(p.ts - (tt[i].ts - tt[0].ts))).toBeLessThan(2e-6 * (i + 1)));
    // the dropped port's SYN and its retransmissions, ~1 s apart (lines 31-34)
    expect(ttt[31].ts - ttt[30].ts).toBeCloseTo(1.009477, 6);
  });

  it("-tttt: date and time, read as UTC: the same instant as -tt", () => {
    const t4 = packets(read("tcpdump-nn-tttt.txt"));
    t4.forEach((p, i) => expect(p.ts).toBeCloseTo(tt[i].ts, 5));
  });

  it("-t: no time, same packets", () => {
    const t = packets(read("tcpdump-nn-t.txt"));
    expect(t.every((p) => p.ts === 0)).toBe(true);
    expect(t.map((p) => p.tcp?.seq)).toEqual(tt.map((p) => p.tcp?.seq));
  });
});

describe("other shapes", () => {
  it("-i any: interface and direction are skipped over", () => {
    const ps = packets(read("tcpdump-any-nn.txt"));
    expect(ps[0]).toMatchObject({ src: "10.231.1.2", dst: "10.231.2.2", tcp: { srcPort: 34150, dstPort: 80, seq: 1590915159, flags: { syn: true } } });
    expect(ps[1].tcp?.flags).toMatchObject({ syn: true, ack: true });
  });

  it("-v: two-line packets with ttl, DF and the printed IP length; quoted ICMP packets not counted", () => {
    const ps = packets(read("tcpdump-nn-v.txt"));
    expect(ps).toHaveLength(36);
    expect(ps[0]).toMatchObject({ index: 1, ttl: 63, dontFragment: true, ipLength: 60, tcp: { seq: 1590915159 } });
    const icmp = ps.find((p) => p.icmp?.type === 3)!;
    expect(icmp).toMatchObject({ index: 95, ttl: 64, dontFragment: false, ipLength: 576, icmp: { code: 4, mtu: 1400 } });
    // lines 97-98: the quoted echo request 10.231.2.2 > 10.231.1.2, proto ICMP (1)
    expect(icmp.icmp?.quoted).toEqual({ src: "10.231.2.2", dst: "10.231.1.2", protocol: 1 });
  });

  it("-v need to frag quoting a TCP segment (recorded: scripts/record/tcpdump-pmtu.sh)", () => {
    const text = read("tcpdump-pmtu-nn-v.txt");
    expect(recognise(text, "x")?.kind).toBe("tcpdump-text");
    const ps = packets(text);
    const frag = ps.filter((p) => p.icmp?.type === 3 && p.icmp.code === 4);
    expect(frag).toHaveLength(2);
    // lines 29-32: the ICMP from the router, then the quoted 7292-byte segment (a GSO super-segment
    // seen before segmentation) 10.231.2.2.80 > 10.231.1.2.49238 seq 190:7430
    expect(frag[0]).toMatchObject({ index: 29, src: "10.231.2.1", dst: "10.231.2.2", ipLength: 576, icmp: { mtu: 1400 } });
    // seq 190 as printed (relative), made absolute with the server's base (its SYN-ACK's seq), quote included
    const synAck = ps.find((p) => p.tcp?.flags.syn && p.tcp.flags.ack && p.src === "10.231.2.2" && p.tcp.dstPort === 49238)!;
    const base = synAck.tcp!.seq;
    expect(frag[0].icmp?.quoted).toEqual({ src: "10.231.2.2", dst: "10.231.1.2", protocol: 6, srcPort: 80, dstPort: 49238, seq: base + 190 });
    expect(ps.find((p) => p.index === 27)).toMatchObject({ ipLength: 7292, dontFragment: true, tcp: { payloadLength: 7240, seq: base + 190 } });
    // without -v the same capture has the two ICMP lines and no quote
    const plain = packets(read("tcpdump-pmtu-nn.txt")).filter((p) => p.icmp);
    expect(plain.map((p) => [p.index, p.icmp?.mtu, p.icmp?.quoted])).toEqual([[9, 1400, undefined], [11, 1400, undefined]]);
  });

  it("-e: the link-level header is skipped (rendered by scripts/record/tcpdump-render.sh)", () => {
    const text = read("tcpdump-nn-e.txt");
    expect(recognise(text, "x")?.kind).toBe("tcpdump-text");
    const ps = packets(text);
    const plain = packets(read("tcpdump-n.txt"));
    expect(ps).toHaveLength(plain.length);
    expect(ps[0]).toMatchObject({ src: "10.231.1.2", dst: "10.231.2.2", ipLength: 60, tcp: { srcPort: 34150, seq: 1590915159 } });
    expect(ps.map((p) => p.tcp?.seq ?? p.icmp?.type)).toEqual(plain.map((p) => p.tcp?.seq ?? p.icmp?.type));
  });

  it("UDP/DNS, ICMPv6 packet too big (-v), VXLAN and Geneve (tcpdump renders of corpus captures)", () => {
    const dns = packets(read("tcpdump-corpus-dns-nn.txt"));
    // 9 lines: 2 ARP (skipped), 7 DNS queries "172.16.0.8.55870 > 4.2.2.2.53: 32977+ A? www.google.com. (32)"
    expect(dns).toHaveLength(7);
    expect(dns[0]).toMatchObject({ index: 3, protocol: 17, src: "172.16.0.8", dst: "4.2.2.2", ipLength: 60, udp: { srcPort: 55870, dstPort: 53, payloadLength: 32 } });

    const ptb = packets(read("tcpdump-corpus-icmp6-ptb-nn-v.txt"));
    expect(ptb).toEqual([expect.objectContaining({ ipVersion: 6, src: "fe80::dead", dst: "fe80::beef", protocol: 58, ttl: 64, ipLength: 100, icmp: { version: 6, type: 2, code: 0, mtu: 1280 } })]);

    const vx = packets(read("tcpdump-corpus-vxlan-nn.txt"));
    // 10 outer lines, each followed by its inner packet: 8 IP and 2 ARP (no IP packet)
    expect(vx).toHaveLength(8);
    // tshark: the first outer IP is 134 bytes, the inner 84
    expect(vx[0]).toMatchObject({
      index: 1, src: "192.168.203.3", dst: "192.168.203.5", ipLength: 84, icmp: { type: 8 },
      tunnel: { kind: "vxlan", vni: 100, outerSrc: "192.168.203.1", outerDst: "192.168.202.1", outerDstPort: 4789, outerLength: 134 },
    });

    const gn = packets(read("tcpdump-corpus-geneve-nn.txt"));
    expect(gn[0]).toMatchObject({
      index: 1, src: "30.0.0.1", dst: "30.0.0.2", icmp: { type: 8 },
      tunnel: { kind: "geneve", vni: 10, outerSrc: "20.0.0.1", outerDst: "20.0.0.2", outerDstPort: 6081, outerLength: 142 },
    });
    expect(gn[2]).toMatchObject({ tcp: { srcPort: 51225, dstPort: 22, seq: 397610159, flags: { syn: true } }, tunnel: { vni: 11 } });
    expect(gn.every((p) => p.tunnel?.kind === "geneve")).toBe(true);
  });

  it("IPv6 (tcpdump -n of the corpus http-ipv6-loopback.pcap)", () => {
    const ps = packets(read("tcpdump-corpus-ipv6-n.txt"));
    expect(ps[0]).toMatchObject({ ipVersion: 6, src: "::1", dst: "::1", tcp: { srcPort: 55717, dstPort: 8000, seq: 296797504, options: { mss: 16324, wscale: 5, tsval: 770775250, sackPermitted: true } } });
    // 40 + 20 + mss4 nop1 wscale3 nop nop TS10 sackOK2 eol1 = 24 bytes of options
    expect(ps[0].ipLength).toBe(84);
  });

  it("SACK blocks (tcpdump -tttt of the corpus tcp-dupack-fast-retrans-sack.pcapng)", () => {
    const ps = packets(read("tcpdump-corpus-sack-tttt.txt"));
    // a capture that starts mid-connection: its first packet prints seq and ack absolute and SACK blocks
    // relative to ack − 1 (print-tcp.c), later packets everything relative: all made absolute
    const base = ps[0].tcp!.ack - 1;
    expect(ps[0].tcp?.options.sack).toEqual([[base + 5473, base + 10945]]);
    expect(ps[2].tcp?.options.sack).toEqual([[base + 5473, base + 12313]]);
    expect(ps[0].ts).toBeCloseTo(Date.UTC(2009, 2, 3, 15, 55, 11) / 1000 + 0.960416, 5);
  });

  it("pasted in the seeds: -nnnn -ttt without the leading space (seed 004), and a `1 | … |` frame (seed 003)", () => {
    const seed4 = fs.readFileSync(sharedPath("seeds", "004_213a5698a3675888.txt"), "utf8")
      .split("\n").filter((l) => /^00:00:\d\d\.\d{6} IP /.test(l)).join("\n");
    const ps = packets(seed4);
    expect(ps).toHaveLength(7);
    // deltas 0, 1.032218, 2.011962, 4.127943, 8.192056, 16.127983, 33.791988 (SYN retransmissions)
    expect(ps[6].ts).toBeCloseTo(1.032218 + 2.011962 + 4.127943 + 8.192056 + 16.127983 + 33.791988, 5);
    expect(ps.every((p) => p.tcp?.flags.syn && p.tcp.seq === 416500297 && p.tcp.options.mss === 1424)).toBe(true);
    const seed3 = fs.readFileSync(sharedPath("seeds", "003_2c378692034d592a.txt"), "utf8")
      .split("\n").filter((l) => l.includes("Flags [S]")).join("\n");
    const p3 = packets(seed3);
    expect(p3[0]).toMatchObject({ src: "192.168.2.174", dst: "10.151.11.172", tcp: { srcPort: 52506, dstPort: 8990, seq: 3492286538, options: { mss: 1410, tsval: 2320837474, wscale: 7 } } });
  });

  it("well-formed but unknown lines (ARP, listening banner) are skipped, an odd ICMP warns", () => {
    const r = tcpdumpTextParser.parse([
      "listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes",
      "07:39:11.149799 ARP, Request who-has 10.231.2.1 tell 10.231.2.2, length 28",
      "07:39:11.149800 IP 10.0.0.1 > 10.0.0.2: ICMP type-#99, length 8",
    ].join("\n"));
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    expect(r.data.packets).toHaveLength(1);
    expect(r.data.packets![0].icmp?.type).toBe(255);
    expect(r.warnings).toHaveLength(1);
  });

  it("unparseable text fails and is not sniffed", () => {
    expect(tcpdumpTextParser.parse("hello\nworld\n").status).toBe("failed");
    expect(tcpdumpTextParser.sniff("hello\nworld\n", "tcpdump.txt")).toBe(0);
  });
});

describe("relative sequence numbers (tcpdump without -S)", () => {
  // what the capture engine makes of a flow: text and pcap of one capture must agree on it
  const flowKey = (f: FlowSummary) => `${f.orig.addr}:${f.orig.port} > ${f.resp.addr}:${f.resp.port} ${f.history} ${f.origBytes}/${f.respBytes} ${f.connState} missed ${JSON.stringify(f.missedBytes ?? null)}`;
  const flows = (s: { flows: FlowSummary[] }) => s.flows.map(flowKey).sort();

  it("every text rendering of tcpdump-eth0.pcap gives the pcap's flows (bytes, history, no phantom gaps)", async () => {
    const fromPcap = flows(await summarizeCapture(fs.readFileSync(recorded("tcpdump-eth0.pcap"))));
    expect(fromPcap).toContain("10.231.1.2:34162 > 10.231.2.2:80 ShADadfF 81/20189 SF missed null");
    for (const f of ["tcpdump-n.txt", "tcpdump-nn-t.txt", "tcpdump-nn-tt.txt", "tcpdump-nn-ttt.txt", "tcpdump-nn-tttt.txt", "tcpdump-nn-v.txt"]) {
      expect(flows(summarizePackets(packets(read(f)))), f).toEqual(fromPcap);
    }
  });

  it("nginx's keep-alive reuse race (scripts/record/tcpdump-keepalive.sh): the reset reused connections are the pcap's", async () => {
    const fromPcap = await summarizeCapture(fs.readFileSync(recorded("tcpdump-keepalive-race.pcap")));
    const fromText = summarizePackets(packets(read("tcpdump-keepalive-race-nn.txt")));
    expect(flows(fromText)).toEqual(flows(fromPcap));
    // a connection that answered requests and is then reset by the upstream: every one of them, with the
    // bytes really carried (read as printed, some showed 0 answered bytes and were lost at random)
    const reused = fromText.flows.filter((f) => f.resets.resp > 0 && f.respBytes > 0 && f.origBytes > f.respBytes);
    expect(reused.length).toBe(fromText.flows.filter((f) => f.resets.resp > 0).length);
    expect(reused.length).toBeGreaterThanOrEqual(2);
    expect(reused.every((f) => f.respBytes % 107 === 0 && f.origBytes % 149 === 0)).toBe(true); // 107-byte answers, 149-byte POSTs
  });
});
