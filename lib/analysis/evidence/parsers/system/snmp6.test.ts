import { describe, expect, it } from "vitest";
import { snmp6Parser } from "./snmp6";
import { facts, readCorpus, readRecorded } from "./testkit";

describe("/proc/net/snmp6", () => {
  it("reads the recorded snmp6", () => {
    const text = readRecorded("proc-net-snmp6.txt");
    expect(snmp6Parser.sniff(text, "")).toBeGreaterThan(0.8);
    const f = facts(snmp6Parser, text);
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.startsWith("Ip6InReceives"));
    expect(f.counters?.["Ip6.InReceives"]).toEqual({ value: Number(lines[at].split(/\s+/)[1]), line: at + 1 });
    expect(Object.keys(f.counters ?? {})).toHaveLength(lines.filter((l) => l.trim() !== "").length);
  });

  it("reads the 3.19 host and names Icmp6/Udp6 counters", () => {
    const f = facts(snmp6Parser, readCorpus("proc/pcp/kernel-3.19.0/net/snmp6"));
    expect(f.counters?.["Ip6.InReceives"]).toEqual({ value: 13460884, line: 1 });
    expect(f.counters?.["Udp6.InDatagrams"]).toEqual({ value: 481081, line: 74 });
    expect(f.counters?.["Icmp6.InMsgs"]).toEqual({ value: 1230, line: 33 });
  });

  it("keeps an unknown line as a warning (the ttar `Mode: 644` trailer)", () => {
    const f = facts(snmp6Parser, readCorpus("proc/procfs/pid26231/net/snmp6"));
    expect(f.counters?.["Ip6.InReceives"]?.value).toBe(92166);
    expect(f.warnings).toEqual([{ line: 92, message: expect.stringContaining("Mode: 644") }]);
  });

  it("accepts an unknown but well-formed counter and fails on garbage", () => {
    expect(facts(snmp6Parser, "Ip6InNewThing 4\n").counters?.["Ip6.InNewThing"]?.value).toBe(4);
    expect(snmp6Parser.parse("foo bar baz\n").status).toBe("failed");
  });
});
