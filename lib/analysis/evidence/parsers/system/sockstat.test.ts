import { describe, expect, it } from "vitest";
import { sockstatParser } from "./sockstat";
import { facts, readCorpus, readRecorded } from "./testkit";

describe("/proc/net/sockstat", () => {
  it("reads the recorded sockstat, tw → TIME-WAIT", () => {
    const f = facts(sockstatParser, readRecorded("proc-net-sockstat.txt"));
    expect(f.counters?.["Sockstat.TCP.inuse"]).toEqual({ value: 5, line: 2 });
    expect(f.counters?.["Sockstat.TCP.orphan"]).toEqual({ value: 5, line: 2 });
    expect(f.counters?.["Sockstat.TCP.tw"]).toEqual({ value: 2, line: 2 });
    expect(f.counters?.["Sockstat.sockets.used"]).toEqual({ value: 5, line: 1 });
    expect(f.socketStates).toEqual({ "TIME-WAIT": 2 });
  });

  it("reads sockstat6 and the pcp copy", () => {
    expect(facts(sockstatParser, readRecorded("proc-net-sockstat6.txt")).counters?.["Sockstat.TCP6.inuse"]?.line).toBe(1);
    const f = facts(sockstatParser, readCorpus("proc/pcp/misc/net/sockstat"));
    expect(f.counters?.["Sockstat.TCP.inuse"]?.value).toBe(74);
    expect(f.counters?.["Sockstat.TCP.orphan"]?.value).toBe(9);
    expect(f.counters?.["Sockstat.TCP.alloc"]?.value).toBe(86);
  });

  it("keeps a new protocol line and warns on a malformed one", () => {
    const f = facts(sockstatParser, "MPTCP: inuse 3\nTCP: inuse x\n");
    expect(f.counters?.["Sockstat.MPTCP.inuse"]?.value).toBe(3);
    expect(f.warnings[0].line).toBe(2);
    expect(sockstatParser.parse("not sockstat").status).toBe("failed");
  });
});
