/**
 * conntrack -L entries and ping's learned path MTU, on outputs recorded in namespaces by
 * scripts/record/evidence-extra-outputs.sh (extra/conntrack-L.txt, extra/ping.txt) and
 * scripts/record/ping-pmtu-conntrack.sh (a DF ping too big for a 1400 link over IPv4 and IPv6, a DNATed SYN
 * nobody answers). The held-out cases (lib/analysis/diagnosis/testdata/heldout) are not read here: they
 * stay unseen by the tests that shape the parsers.
 */
import { describe, expect, it } from "vitest";
import { recognise } from "../../registry";
import { conntrackListParser } from "./conntrackList";
import { pingParser } from "./ping";
import { facts, readRecorded } from "./testkit";

describe("conntrack -L", () => {
  it("reads both directions, UNREPLIED and ASSURED, and the trailer (recorded extra/conntrack-L.txt)", () => {
    const text = readRecorded("extra", "conntrack-L.txt");
    expect(conntrackListParser.sniff(text, "")).toBeGreaterThan(0.8);
    const f = facts(conntrackListParser, text);
    expect(f.warnings).toEqual([]);
    expect(f.conntrackEntries).toHaveLength(5);
    expect(f.conntrackEntries![0]).toMatchObject({ proto: "tcp", state: "TIME_WAIT", orig: { src: "10.235.0.2", dst: "10.235.0.1", sport: 33486, dport: 30090 }, reply: { src: "10.235.0.1", sport: 8081 }, unreplied: false, assured: true, line: 2 });
    expect(f.conntrackEntries![2]).toMatchObject({ proto: "udp", unreplied: true, assured: false });
    expect(f.conntrackEntries![2]!.state).toBeUndefined();
  });

  it("a DNATed connection nobody answered: SYN_SENT [UNREPLIED], the reply tuple is the DNAT target (trailer printed first)", () => {
    const text = readRecorded("extra", "conntrack-L-dnat-unreplied.txt");
    expect(recognise(text, "out.txt")?.kind).toBe("conntrack-list");
    const f = facts(conntrackListParser, text);
    expect(f.warnings).toEqual([]);
    expect(f.conntrackEntries).toEqual([{
      proto: "tcp", state: "SYN_SENT", unreplied: true, assured: false, line: 2,
      orig: { src: "10.231.1.2", dst: "10.231.1.1", sport: 47406, dport: 30091 },
      reply: { src: "10.231.2.2", dst: "10.231.1.2", sport: 81, dport: 47406 },
    }]);
  });

  it("does not claim a sysctl dump or prose", () => {
    expect(conntrackListParser.sniff("net.netfilter.nf_conntrack_max = 262144\n", "")).toBe(0);
    expect(conntrackListParser.parse("hello\n").status).toBe("failed");
  });
});

describe("ping", () => {
  it("a plain ping: no path MTU learned (recorded extra/ping.txt)", () => {
    const text = readRecorded("extra", "ping.txt");
    expect(pingParser.sniff(text, "")).toBeGreaterThan(0.9);
    const f = facts(pingParser, text);
    expect(f.routes).toEqual([]);
    expect(f.warnings).toEqual([]);
  });

  it("ping -M do too big for a 1400 hop: the router's Frag needed and ping's local errors give mtu 1400 towards the target", () => {
    const text = readRecorded("extra", "ping-M-do-frag-needed.txt");
    expect(recognise(text, "out.txt")?.kind).toBe("ping");
    const f = facts(pingParser, text);
    expect(f.routes).toEqual([{ dst: "10.231.1.2", mtu: 1400, source: "cache", line: 2 }]);
    expect(f.warnings).toEqual([]);
  });

  it("ping -6 -M do: Packet too big: mtu=1400, and the `mtu: 1400` spelling of the local error (IPv6)", () => {
    const text = readRecorded("extra", "ping6-M-do-packet-too-big.txt");
    const f = facts(pingParser, text);
    expect(f.routes).toEqual([{ dst: "fd31:1::2", mtu: 1400, source: "cache", line: 2 }]);
    expect(f.warnings).toEqual([]);
    // the local error alone (the ICMP already seen earlier) still says what the kernel learned
    const local = text.split("\n").filter((l) => !/^From /.test(l)).join("\n");
    expect(facts(pingParser, local).routes).toEqual([{ dst: "fd31:1::2", mtu: 1400, source: "cache", line: 2 }]);
  });
});
