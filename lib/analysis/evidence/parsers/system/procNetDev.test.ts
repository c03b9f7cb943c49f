import { describe, expect, it } from "vitest";
import { procNetDevParser, softnetParser } from "./procNetDev";
import { facts, readCorpus, readRecorded } from "./testkit";

describe("/proc/net/dev", () => {
  it("maps columns by the header groups", () => {
    const f = facts(procNetDevParser, readRecorded("proc-net-dev.txt"));
    expect(f.counters?.["Dev.veth0.rx_bytes"]).toEqual({ value: 7027, line: 4 });
    expect(f.counters?.["Dev.veth0.tx_packets"]).toEqual({ value: 58, line: 4 });
    const p = facts(procNetDevParser, readCorpus("proc/pcp/kernel-4.15.14/net/dev"));
    expect(p.counters?.["Dev.tun0.tx_drop"]).toEqual({ value: 46, line: 3 });
  });

  it("warns on a short row and fails without the header", () => {
    const text = "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n  eth0: 1 2 3\n    lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n";
    const f = facts(procNetDevParser, text);
    expect(f.warnings[0].line).toBe(3);
    expect(f.counters?.["Dev.lo.tx_compressed"]).toEqual({ value: 16, line: 4 });
    expect(procNetDevParser.parse("eth0: 1 2 3\n").status).toBe("failed");
  });
});

describe("/proc/net/softnet_stat", () => {
  it("sums hex columns over CPUs", () => {
    const f = facts(softnetParser, readRecorded("proc-net-softnet_stat.txt"));
    expect(f.counters?.["Softnet.processed"]).toEqual({ value: 2500652, line: 1 });
    expect(f.counters?.["Softnet.cpus"]?.value).toBe(2);
    const n = facts(softnetParser, readCorpus("proc/node_exporter/net/softnet_stat"));
    expect(n.counters?.["Softnet.dropped"]?.value).toBe(41);
    expect(n.counters?.["Softnet.time_squeeze"]?.value).toBe(146);
  });

  it("warns on a non-hex row and fails on empty text", () => {
    expect(facts(softnetParser, "00000001 00000002 00000003\nxyz\n").warnings[0].line).toBe(2);
    expect(softnetParser.parse("").status).toBe("failed");
  });
});
