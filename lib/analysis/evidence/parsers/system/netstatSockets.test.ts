import { describe, expect, it } from "vitest";
import { netstatSocketsParser } from "./netstatSockets";
import { facts, readCorpus, readRecorded } from "./testkit";

describe("netstat -ant / -lnp / -aeep", () => {
  it("reads the recorded netstat -ant, states in ss spelling, listeners without a known backlog", () => {
    const f = facts(netstatSocketsParser, readRecorded("netstat-ant.txt"));
    expect(f.listeners?.[1]).toEqual({ proto: "tcp", local: "10.231.0.1", port: 9000, recvQ: 3, sendQ: 0, backlogKnown: false, line: 4 });
    expect(f.socketStates).toEqual({ LISTEN: 2, "TIME-WAIT": 2, "CLOSE-WAIT": 3 });
  });

  it("normalises SYN_SENT / SYN_RECV / ESTABLISHED and reads tcp6/udp6 rows", () => {
    const f = facts(netstatSocketsParser, readCorpus("cmd/netstat-ant_datadog.out"));
    expect(f.sockets?.find((s) => s.line === 8)).toMatchObject({ state: "SYN-SENT", localPort: 45638, peerPort: 9300 });
    expect(f.socketStates?.["SYN-RECV"]).toBe(1);
    expect(f.socketStates?.CLOSING).toBe(3);
    expect(f.listeners?.[0]).toMatchObject({ port: 6379, sendQ: 128, line: 3 });
  });

  it("reads program names of -lnp / -aeep and skips the unix part", () => {
    const l = facts(netstatSocketsParser, readCorpus("cmd/netstat-lnp_ubuntu-18.04_jc.out"));
    expect(l.listeners?.find((x) => x.line === 3)).toMatchObject({ local: "127.0.0.1", port: 42351, process: "containerd" });
    expect(l.listeners?.find((x) => x.line === 6)).toMatchObject({ local: "::", port: 22, process: "sshd" });
    const e = facts(netstatSocketsParser, readCorpus("cmd/netstat-aeep_centos-7.7_jc.out"));
    expect(e.listeners?.find((x) => x.line === 3)).toMatchObject({ local: "localhost", port: 25, process: "master" });
    expect(e.sockets?.find((x) => x.line === 7)).toMatchObject({ state: "ESTAB", localPort: 22, peerPort: 38134 });
    expect(e.warnings).toEqual([]);
  });

  it("warns on a foreign row, fails on non-netstat text", () => {
    const f = facts(netstatSocketsParser, "Proto Recv-Q Send-Q Local Address           Foreign Address         State\ntcp 0 0 1.2.3.4:80 5.6.7.8:9 ESTABLISHED\nbogus line\n");
    expect(f.sockets?.[0].state).toBe("ESTAB");
    expect(f.warnings[0].line).toBe(3);
    expect(netstatSocketsParser.parse("nothing here").status).toBe("failed");
    const none = facts(netstatSocketsParser, "Active Internet connections (only servers)\nProto Recv-Q Send-Q Local Address           Foreign Address         State\n");
    expect(none.listeners).toEqual([]);
  });
});
