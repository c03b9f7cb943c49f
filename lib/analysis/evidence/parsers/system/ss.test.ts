import { describe, expect, it } from "vitest";
import { ssListenParser, ssSocketsParser, ssSummaryParser } from "./ss";
import { facts, readCorpus, readRecorded } from "./testkit";

describe("ss -ltn / -ltnp / -lntu", () => {
  it("reads the full accept queue of the backlog-2 listener (Recv-Q 3, Send-Q 2)", () => {
    const text = readRecorded("ss-ltn.txt");
    expect(ssListenParser.sniff(text, "")).toBeGreaterThan(ssSocketsParser.sniff(text, ""));
    const f = facts(ssListenParser, text);
    expect(f.listeners).toEqual([
      { proto: "tcp", local: "10.231.0.1", port: 8080, recvQ: 0, sendQ: 5, line: 2 },
      { proto: "tcp", local: "10.231.0.1", port: 9000, recvQ: 3, sendQ: 2, line: 3 },
    ]);
  });

  it("reads the process of ss -ltnp and the udp row of ss -lntu", () => {
    expect(facts(ssListenParser, readRecorded("ss-ltnp.txt")).listeners?.[1]).toMatchObject({ port: 9000, process: "python3", line: 3 });
    const u = facts(ssListenParser, readRecorded("ss-lntu.txt")).listeners ?? [];
    expect(u[0]).toMatchObject({ proto: "udp", local: "0.0.0.0", port: 8472, line: 2 });
    expect(u).toHaveLength(3);
  });

  it("reads ss -tulpen with users:((…)) and a VXLAN socket", () => {
    const f = facts(ssListenParser, readCorpus("cmd/ss-tulpen_ubuntu-18.04_jc.out"));
    expect(f.listeners?.[0]).toMatchObject({ proto: "udp", port: 4789, line: 2 });
    expect(f.listeners?.find((l) => l.line === 17)).toMatchObject({ proto: "tcp", port: 9187, sendQ: 4096, process: "prometheus-post" });
    expect(f.listeners).toHaveLength(73);
  });
});

describe("ss -tan / -tanpie / -a", () => {
  it("reads sockets and counts states", () => {
    const f = facts(ssSocketsParser, readRecorded("ss-tan.txt"));
    expect(f.socketStates).toEqual({ LISTEN: 2, "TIME-WAIT": 2, "CLOSE-WAIT": 3 });
    expect(f.sockets?.[0]).toEqual({
      proto: "tcp", state: "TIME-WAIT", local: "10.231.0.1", localPort: 8080, peer: "10.231.0.2", peerPort: 32854,
      recvQ: 0, sendQ: 0, line: 4,
    });
  });

  it("skips -e/-i continuation lines of ss -tanpie", () => {
    const text = readRecorded("ss-tanpie.txt");
    const f = facts(ssSocketsParser, text);
    expect(f.sockets).toHaveLength(5);
    expect(f.listeners).toHaveLength(2);
    expect(f.warnings).toEqual([]);
  });

  it("reads IPv6, v4-mapped and service names (ss -a without -n)", () => {
    const v6 = facts(ssSocketsParser, readCorpus("cmd/ss-ant6_datadog.out"));
    expect(v6.listeners?.[0]).toMatchObject({ local: "::", port: 9200, sendQ: 50, line: 2 });
    expect(v6.sockets?.find((s) => s.line === 4)).toMatchObject({ state: "ESTAB", local: "::ffff:127.0.0.1", localPort: 2181, peerPort: 43874 });
    expect(v6.socketStates?.CLOSING).toBe(1);
    const a = facts(ssSocketsParser, readCorpus("cmd/ss-a_centos-7.7_jc.out"));
    expect(a.listeners?.find((l) => l.line === 200)).toMatchObject({ proto: "tcp", local: "*", port: 22, sendQ: 128 });
    expect(a.listeners?.find((l) => l.line === 201)).toMatchObject({ local: "::1", port: 25 });
    expect(a.sockets?.find((s) => s.line === 203)).toMatchObject({ state: "ESTAB", local: "::1", localPort: 22, peerPort: 38134 });
  });

  it("reads a %iface scope and an unknown state stays a warning", () => {
    const u = facts(ssSocketsParser, readCorpus("cmd/ss-a_ubuntu-18.04_jc.out"));
    expect(u.listeners?.find((l) => l.line === 155)).toMatchObject({ proto: "tcp", local: "127.0.0.53", port: 53 });
    const f = facts(ssSocketsParser, "State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 10.0.0.1:80 10.0.0.2:5000\nWEIRD 0 0 1:2 3:4\n");
    expect(f.sockets).toHaveLength(1);
    expect(f.warnings[0].line).toBe(3);
    expect(ssSocketsParser.parse("State Recv-Q\nnothing\n").status).toBe("failed");
    // a header alone: no sockets (nothing listens) is a fact, not a failure
    const empty = facts(ssListenParser, "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n");
    expect(empty.listeners).toEqual([]);
    expect(ssSocketsParser.sniff("State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n", "")).toBeGreaterThan(0.5);
  });
});

describe("ss -s", () => {
  it("reads the recorded summary", () => {
    const text = readRecorded("ss-s.txt");
    expect(ssSummaryParser.sniff(text, "")).toBeGreaterThan(0.9);
    const f = facts(ssSummaryParser, text);
    expect(f.socketStates).toEqual({ ESTAB: 3, CLOSED: 19, ORPHANED: 5, "TIME-WAIT": 2 });
    expect(f.counters?.["Ss.Total"]).toEqual({ value: 5, line: 1 });
    expect(f.counters?.["Ss.TCP"]).toEqual({ value: 24, line: 2 });
    expect(f.counters?.["Ss.Transport.TCP.IP"]).toEqual({ value: 5, line: 7 });
  });

  it("reads the older form with synrecv and timewait x/y, fails on other text", () => {
    const f = facts(ssSummaryParser, "Total: 194 (kernel 0)\nTCP:   4 (estab 1, closed 0, orphaned 0, synrecv 0, timewait 0/0), ports 0\n");
    expect(f.socketStates).toEqual({ ESTAB: 1, CLOSED: 0, ORPHANED: 0, "SYN-RECV": 0, "TIME-WAIT": 0 });
    expect(f.counters?.["Ss.TCP.ports"]?.value).toBe(0);
    expect(ssSummaryParser.parse("Total:\n").status).toBe("failed");
  });
});
