import { describe, expect, it } from "vitest";
import { NETSTAT_S_TABLE_FIELDS, netstatSParser } from "./netstatS";
import { facts, readRecorded } from "./testkit";

describe("netstat -s", () => {
  const text = readRecorded("netstat-s.txt");

  it("maps the recorded sentences back to counter names", () => {
    expect(netstatSParser.sniff(text, "")).toBeGreaterThan(0.8);
    const f = facts(netstatSParser, text);
    const c = f.counters ?? {};
    expect(c["TcpExt.ListenOverflows"]).toEqual({ value: 6, line: 48 });
    expect(c["TcpExt.ListenDrops"]).toEqual({ value: 6, line: 49 });
    expect(c["TcpExt.TW"]).toEqual({ value: 2, line: 46 });
    expect(c["TcpExt.TCPHPHits"]).toEqual({ value: 0, line: 50 });
    expect(c["Tcp.PassiveOpens"]).toEqual({ value: 9, line: 28 });
    expect(c["Tcp.CurrEstab"]).toEqual({ value: 3, line: 31 });
    expect(c["Ip.OutNoRoutes"]).toEqual({ value: 2, line: 8 });
    expect(c["Udp.InDatagrams"]).toEqual({ value: 11, line: 38 });
    // the histogram decides In vs Out for the same sentence
    expect(c["Icmp.InEchos"]).toEqual({ value: 2, line: 15 });
    expect(c["Icmp.OutEchos"]).toEqual({ value: 1, line: 19 });
    expect(c["Icmp.OutEchoReps"]).toEqual({ value: 2, line: 20 });
    expect(c["Icmp.OutMsgs"]).toEqual({ value: 3, line: 16 });
    // raw `Name: value` lines for counters netstat has no sentence for
    expect(c["Ip.Forwarding"]).toEqual({ value: 2, line: 2 });
    expect(c["IcmpMsg.InType3"]).toEqual({ value: 2, line: 22 });
    expect(c["TcpExt.TCPOrigDataSent"]).toEqual({ value: 24, line: 53 });
    expect(c["IpExt.InOctets"]).toEqual({ value: 5695, line: 57 });
    expect(f.warnings).toEqual([]);
  });

  it("reads hidden zeros of a present section as 0, cited at the section header", () => {
    const c = facts(netstatSParser, text).counters ?? {};
    // TCPTimeouts is an opt_number: not printed when 0
    expect(c["TcpExt.TCPTimeouts"]).toEqual({ value: 0, line: 45 });
    expect(c["TcpExt.SyncookiesSent"]).toEqual({ value: 0, line: 45 });
    expect(NETSTAT_S_TABLE_FIELDS.TcpExt).toContain("ListenOverflows");
    // MPTcpExt has no table: nothing is implied
    expect(Object.keys(c).some((k) => k.startsWith("MPTcpExt."))).toBe(false);
  });

  it("handles old net-tools sentences, sentences with the number in the middle, and raw unknown names", () => {
    const old = [
      "Tcp:", "    12 active connections openings", "    3 segments retransmited",
      "TcpExt:", "    Quick ack mode was activated 7 times", "    TCPReqQFullDrop: 12",
      "    Detected reordering 4 times using SACK",
    ].join("\n");
    const c = facts(netstatSParser, old).counters ?? {};
    expect(c["Tcp.ActiveOpens"]).toEqual({ value: 12, line: 2 });
    expect(c["Tcp.RetransSegs"]).toEqual({ value: 3, line: 3 });
    expect(c["TcpExt.DelayedACKLost"]).toEqual({ value: 7, line: 5 });
    expect(c["TcpExt.TCPReqQFullDrop"]).toEqual({ value: 12, line: 6 });
    expect(c["TcpExt.TCPSACKReorder"]).toEqual({ value: 4, line: 7 });
  });

  // Sentences as net-tools 2.0 prints them on RHEL/CentOS 7 (lines from a public `netstat -s` capture)
  it("reads the RHEL 7 net-tools spellings", () => {
    const text = [
      "Icmp:", "    20100 input ICMP message failed.", "    ICMP output histogram:", "        echo request: 512",
      "TcpExt:", "    285 packets rejects in established connections because of timestamp",
      "    1489 packets directly queued to recvmsg prequeue.", "    19 packets header predicted and directly queued to user",
      "    9107 times the listen queue of a socket overflowed", "    TCPSynRetrans: 3335473",
    ].join("\n");
    const f = facts(netstatSParser, text);
    const c = f.counters ?? {};
    expect(c["Icmp.InErrors"]).toEqual({ value: 20100, line: 2 });
    expect(c["Icmp.OutEchos"]).toEqual({ value: 512, line: 4 });
    expect(c["TcpExt.PAWSEstab"]).toEqual({ value: 285, line: 6 });
    expect(c["TcpExt.TCPPrequeued"]).toEqual({ value: 1489, line: 7 });
    expect(c["TcpExt.TCPHPHitsToUser"]).toEqual({ value: 19, line: 8 });
    expect(c["TcpExt.ListenOverflows"]).toEqual({ value: 9107, line: 9 });
    expect(c["TcpExt.TCPSynRetrans"]).toEqual({ value: 3335473, line: 10 });
    expect(f.warnings).toEqual([]);
  });

  it("keeps an unknown sentence as a warning and fails on non-netstat text", () => {
    const f = facts(netstatSParser, "Tcp:\n    5 segments received\n    7 frobnications performed\n");
    expect(f.counters?.["Tcp.InSegs"]?.value).toBe(5);
    expect(f.warnings).toEqual([{ line: 3, message: expect.stringContaining("frobnications") }]);
    expect(netstatSParser.parse("hello\nworld\n").status).toBe("failed");
  });
});
