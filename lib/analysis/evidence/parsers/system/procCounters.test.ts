import { describe, expect, it } from "vitest";
import { procNetstatParser, procSnmpParser } from "./procCounters";
import { facts, readCorpus, readRecorded } from "./testkit";

describe("/proc/net/netstat", () => {
  it("maps the recorded 6.18 netstat by header (accept-queue overflow of the backlog-2 listener)", () => {
    const text = readRecorded("proc-net-netstat.txt");
    expect(procNetstatParser.sniff(text, "netstat")).toBeGreaterThan(0.9);
    expect(procSnmpParser.sniff(text, "netstat")).toBe(0);
    const f = facts(procNetstatParser, text);
    expect(f.counters?.["TcpExt.ListenOverflows"]).toEqual({ value: 6, line: 2 });
    expect(f.counters?.["TcpExt.ListenDrops"]).toEqual({ value: 6, line: 2 });
    expect(f.counters?.["IpExt.InOctets"]).toEqual({ value: 5695, line: 4 });
    expect(f.warnings).toEqual([]);
  });

  it("reads a 4.15 kernel's netstat", () => {
    const f = facts(procNetstatParser, readCorpus("proc/pcp/kernel-4.15.14/net/netstat"));
    expect(f.counters?.["TcpExt.ListenOverflows"]?.value).toBe(90);
    expect(f.counters?.["TcpExt.TCPSynRetrans"]?.value).toBe(66927);
  });

  it("warns on a pair whose lengths differ instead of mapping by position", () => {
    const text = "TcpExt: SyncookiesSent ListenOverflows\nTcpExt: 1 2 3\nIpExt: InOctets\nIpExt: 10\n";
    const f = facts(procNetstatParser, text);
    expect(f.counters?.["TcpExt.ListenOverflows"]).toBeUndefined();
    expect(f.counters?.["IpExt.InOctets"]).toEqual({ value: 10, line: 4 });
    expect(f.warnings[0]).toMatchObject({ line: 2 });
  });

  it("keeps a counter it has never heard of (a well-formed future column)", () => {
    const f = facts(procNetstatParser, "TcpExt: TCPFutureThing ListenOverflows\nTcpExt: 5 1\n");
    expect(f.counters?.["TcpExt.TCPFutureThing"]).toEqual({ value: 5, line: 2 });
  });

  it("fails on text without header/value pairs", () => {
    expect(procNetstatParser.parse("TcpExt: a b c\n").status).toBe("failed");
    expect(procNetstatParser.parse("nothing to see").status).toBe("failed");
  });
});

describe("/proc/net/snmp", () => {
  it("reads the recorded snmp", () => {
    const f = facts(procSnmpParser, readRecorded("proc-net-snmp.txt"));
    expect(f.counters?.["Tcp.PassiveOpens"]).toEqual({ value: 9, line: 8 });
    expect(f.counters?.["Tcp.CurrEstab"]).toEqual({ value: 3, line: 8 });
    expect(f.counters?.["Ip.Forwarding"]).toEqual({ value: 2, line: 2 });
    expect(f.counters?.["IcmpMsg.InType3"]).toEqual({ value: 2, line: 6 });
  });

  it("maps old (2.6.32) columns by header: no InCsumErrors", () => {
    const f = facts(procSnmpParser, readCorpus("proc/pcp/kernel-2.6.32/net/snmp"));
    expect(f.counters?.["Tcp.RetransSegs"]).toEqual({ value: 773, line: 8 });
    expect(f.counters?.["Icmp.InMsgs"]).toEqual({ value: 3115, line: 4 });
    expect(f.counters?.["Tcp.InCsumErrors"]).toBeUndefined();
  });
});
