import { describe, expect, it } from "vitest";
import { procNetTcpParser } from "./procNetTcp";
import { facts, readCorpus, readRecorded } from "./testkit";

describe("/proc/net/tcp(6), udp", () => {
  it("decodes the recorded table: LISTEN rx_queue is the accept queue; the backlog is unknown", () => {
    const f = facts(procNetTcpParser, readRecorded("proc-net-tcp.txt"));
    // 0100E70A:2328 = 10.231.0.1:9000, rx_queue 3
    expect(f.listeners?.[1]).toEqual({ proto: "tcp", local: "10.231.0.1", port: 9000, recvQ: 3, sendQ: 0, backlogKnown: false, line: 3 });
    expect(f.sockets?.[0]).toMatchObject({ state: "TIME-WAIT", localPort: 8080, peer: "10.231.0.2", peerPort: 0x8056, line: 4 });
    expect(f.socketStates).toEqual({ LISTEN: 2, "TIME-WAIT": 2, "CLOSE-WAIT": 3 });
  });

  it("reads jc's table with five states and the 4.15 tcp6", () => {
    const j = facts(procNetTcpParser, readCorpus("proc/jc/net/tcp"));
    expect(j.socketStates).toEqual({ ESTAB: 1, "FIN-WAIT-1": 6, "TIME-WAIT": 15, "CLOSE-WAIT": 1, LISTEN: 4 });
    expect(j.listeners?.[0]).toMatchObject({ local: "127.0.0.53", port: 53, line: 2 });
    expect(j.listeners?.[1]).toMatchObject({ local: "127.0.0.1", port: 35303, line: 3 });
    const six = facts(procNetTcpParser, readCorpus("proc/pcp/kernel-4.15.14/net/tcp6"));
    expect(six.listeners?.[0]).toMatchObject({ local: "::", port: 4330, line: 2 });
  });

  it("tells udp tables from tcp (state 07 rows / the drops column)", () => {
    const u = facts(procNetTcpParser, readCorpus("proc/pcp/kernel-4.15.14/net/udp"));
    expect(u.listeners).toHaveLength(11);
    expect(u.listeners?.every((l) => l.proto === "udp")).toBe(true);
    expect(u.sockets).toHaveLength(1);
    const p6 = facts(procNetTcpParser, readCorpus("proc/procfs/net/tcp6"));
    expect(p6.listeners?.[0]).toMatchObject({ proto: "udp", local: "::", port: 0x14eb });
  });

  it("accepts an empty table, warns on a broken row, fails on other text", () => {
    expect(facts(procNetTcpParser, readRecorded("proc-net-tcp6.txt")).sockets).toEqual([]);
    const f = facts(procNetTcpParser, "  sl  local_address rem_address   st tx_queue rx_queue\n   0: 0100007F:0050 00000000:0000 0C 00000000:00000000 00\n   1: zz\n");
    expect(f.sockets?.[0].state).toBe("NEW-SYN-RECV");
    expect(f.warnings[0].line).toBe(3);
    expect(procNetTcpParser.parse("hello").status).toBe("failed");
  });
});
