/**
 * Acceptance: every file under ../shared/corpus/proc and ../shared/corpus/cmd is recognised by content as
 * what it is, and yields facts checked by reading the file (grep/awk/python over the raw text, not this
 * code). The head given to the sniffer is the first 4 KB, as the bundle reader does.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FileFacts } from "../../parser";
import type { EvidenceKind } from "../../model";
import { parseSystemFile, sniffSystem } from "./index";
import { corpusPath } from "./testkit";

type Check = { kind: EvidenceKind; facts: (f: FileFacts) => void };
const c = (f: FileFacts, name: string) => f.counters?.[name];

const EXPECTED: Record<string, Check> = {
  "proc/datadog/net/netstat": { kind: "proc-netstat", facts: (f) => {
    expect(c(f, "TcpExt.TCPSynRetrans")).toEqual({ value: 460, line: 2 });
    expect(c(f, "TcpExt.TCPTimeouts")?.value).toBe(621);
    expect(c(f, "TcpExt.TCPLossProbes")?.value).toBe(1464);
    expect(c(f, "MPTcpExt.MPCapableSYNRX")).toEqual({ value: 0, line: 6 });
  } },
  "proc/datadog/net/snmp": { kind: "proc-snmp", facts: (f) => {
    expect(c(f, "Tcp.RetransSegs")).toEqual({ value: 2763, line: 8 });
    expect(c(f, "Tcp.OutRsts")?.value).toBe(792992);
    expect(c(f, "Tcp.EstabResets")?.value).toBe(761431);
    expect(c(f, "IcmpMsg.InType3")).toEqual({ value: 707, line: 6 });
    expect(c(f, "Ip.InReceives")?.value).toBe(159747123);
  } },
  "proc/jc/net/netstat": { kind: "proc-netstat", facts: (f) => {
    expect(c(f, "TcpExt.TCPSynRetrans")).toEqual({ value: 0, line: 2 });
    expect(c(f, "TcpExt.ListenOverflows")?.value).toBe(0);
    expect(c(f, "IpExt.InOctets")).toEqual({ value: 57734503, line: 4 });
  } },
  "proc/jc/net/tcp": { kind: "proc-net-tcp", facts: (f) => {
    expect(f.socketStates).toEqual({ ESTAB: 1, "FIN-WAIT-1": 6, "TIME-WAIT": 15, "CLOSE-WAIT": 1, LISTEN: 4 });
    expect(f.listeners?.[0]).toMatchObject({ local: "127.0.0.53", port: 53, line: 2 });
  } },
  "proc/jc/net/tcp6": { kind: "proc-net-tcp", facts: (f) => {
    expect(f.listeners).toHaveLength(1);
    expect(f.sockets).toHaveLength(7);
  } },
  "proc/node_exporter/net/netstat": { kind: "proc-netstat", facts: (f) => {
    expect(c(f, "TcpExt.TCPTimeouts")).toEqual({ value: 115, line: 2 });
    expect(c(f, "TcpExt.ListenOverflows")?.value).toBe(0);
    expect(c(f, "TcpExt.TCPSynRetrans")).toBeUndefined();
    expect(c(f, "IpExt.InOctets")).toEqual({ value: 6286396970, line: 4 });
  } },
  "proc/node_exporter/net/snmp": { kind: "proc-snmp", facts: (f) => {
    expect(c(f, "Ip.InReceives")).toEqual({ value: 57740232, line: 2 });
    expect(c(f, "Tcp.RetransSegs")).toEqual({ value: 227, line: 8 });
    expect(c(f, "Udp.InDatagrams")).toEqual({ value: 88542, line: 10 });
    expect(c(f, "Icmp.InCsumErrors")).toEqual({ value: 0, line: 4 });
  } },
  "proc/node_exporter/net/snmp6": { kind: "proc-snmp6", facts: (f) => {
    expect(c(f, "Ip6.InReceives")).toEqual({ value: 7, line: 1 });
    expect(c(f, "Udp6.InDatagrams")).toEqual({ value: 0, line: 71 });
    expect(Object.keys(f.counters ?? {})).toHaveLength(85);
  } },
  "proc/node_exporter/net/sockstat": { kind: "sockstat", facts: (f) => {
    expect(c(f, "Sockstat.sockets.used")).toEqual({ value: 229, line: 1 });
    expect(c(f, "Sockstat.TCP.tw")).toEqual({ value: 4, line: 2 });
    expect(f.socketStates).toEqual({ "TIME-WAIT": 4 });
  } },
  "proc/node_exporter/net/sockstat6": { kind: "sockstat", facts: (f) => {
    expect(c(f, "Sockstat.TCP6.inuse")).toEqual({ value: 17, line: 1 });
    expect(c(f, "Sockstat.UDP6.inuse")).toEqual({ value: 9, line: 2 });
  } },
  "proc/node_exporter/net/softnet_stat": { kind: "softnet-stat", facts: (f) => {
    expect(c(f, "Softnet.processed")?.value).toBe(9907571);
    expect(c(f, "Softnet.dropped")?.value).toBe(41);
    expect(c(f, "Softnet.cpus")?.value).toBe(4);
  } },
  "proc/node_exporter/net/stat/nf_conntrack": { kind: "proc-nf-conntrack", facts: (f) => {
    expect(f.conntrack?.count).toEqual({ value: 33, line: 2 });
    expect(f.conntrack?.stats?.invalid?.value).toBe(53);
    expect(f.conntrack?.stats?.ignore?.value).toBe(89738);
  } },
  "proc/node_exporter/sys/net/netfilter/nf_conntrack_count": { kind: "conntrack-count", facts: (f) => {
    expect(f.conntrack).toEqual({ count: { value: 123, line: 1 } });
  } },
  "proc/node_exporter/sys/net/netfilter/nf_conntrack_max": { kind: "conntrack-count", facts: (f) => {
    expect(f.conntrack).toEqual({ max: { value: 65536, line: 1 } });
  } },
  "proc/pcp/kernel-2.6.32/net/snmp": { kind: "proc-snmp", facts: (f) => {
    expect(c(f, "Tcp.RetransSegs")).toEqual({ value: 773, line: 8 });
    expect(c(f, "Icmp.InMsgs")).toEqual({ value: 3115, line: 4 });
    expect(c(f, "Tcp.InCsumErrors")).toBeUndefined();
  } },
  "proc/pcp/kernel-2.6.32/net/snmp6": { kind: "proc-snmp6", facts: (f) => {
    expect(c(f, "Ip6.InReceives")).toEqual({ value: 20912, line: 1 });
    expect(c(f, "Icmp6.InMsgs")).toEqual({ value: 3, line: 29 });
    expect(c(f, "Ip6.InDiscards")).toEqual({ value: 2314, line: 8 });
  } },
  "proc/pcp/kernel-3.19.0/net/snmp": { kind: "proc-snmp", facts: (f) => {
    expect(c(f, "Tcp.ActiveOpens")).toEqual({ value: 908528, line: 8 });
    expect(c(f, "Tcp.AttemptFails")?.value).toBe(467387);
    expect(c(f, "Tcp.EstabResets")?.value).toBe(150959);
    expect(c(f, "Tcp.RetransSegs")?.value).toBe(513784);
    expect(c(f, "Tcp.OutSegs")?.value).toBe(100931765);
    expect(c(f, "Tcp.InErrs")?.value).toBe(6442);
    expect(c(f, "Tcp.OutRsts")?.value).toBe(618159);
  } },
  "proc/pcp/kernel-3.19.0/net/snmp6": { kind: "proc-snmp6", facts: (f) => {
    expect(c(f, "Ip6.InReceives")).toEqual({ value: 13460884, line: 1 });
    expect(c(f, "Udp6.InDatagrams")).toEqual({ value: 481081, line: 74 });
  } },
  "proc/pcp/kernel-4.15.14/net/dev": { kind: "proc-net-dev", facts: (f) => {
    expect(c(f, "Dev.tun0.rx_bytes")).toEqual({ value: 110717658, line: 3 });
    expect(c(f, "Dev.tun0.tx_drop")).toEqual({ value: 46, line: 3 });
  } },
  "proc/pcp/kernel-4.15.14/net/netstat": { kind: "proc-netstat", facts: (f) => {
    expect(c(f, "TcpExt.ListenOverflows")).toEqual({ value: 90, line: 2 });
    expect(c(f, "TcpExt.ListenDrops")).toEqual({ value: 90, line: 2 });
    expect(c(f, "TcpExt.TCPTimeouts")?.value).toBe(64657);
    expect(c(f, "TcpExt.TCPSynRetrans")?.value).toBe(66927);
  } },
  "proc/pcp/kernel-4.15.14/net/tcp": { kind: "proc-net-tcp", facts: (f) => {
    expect(f.socketStates).toEqual({ ESTAB: 14, "TIME-WAIT": 2, LISTEN: 9 });
    expect(f.listeners?.[0]).toMatchObject({ proto: "tcp", local: "0.0.0.0", port: 4330, line: 2 });
  } },
  "proc/pcp/kernel-4.15.14/net/tcp6": { kind: "proc-net-tcp", facts: (f) => {
    expect(f.listeners).toHaveLength(9);
    expect(f.listeners?.[0]).toMatchObject({ local: "::", port: 4330, line: 2 });
  } },
  "proc/pcp/kernel-4.15.14/net/udp": { kind: "proc-net-tcp", facts: (f) => {
    expect(f.listeners).toHaveLength(11);
    expect(f.listeners?.every((l) => l.proto === "udp")).toBe(true);
    expect(f.sockets).toHaveLength(1);
  } },
  "proc/pcp/misc/net/netstat.synthetic-values": { kind: "proc-netstat", facts: (f) => {
    const names = Object.keys(f.counters ?? {});
    expect(names.filter((n) => n.startsWith("TcpExt."))).toHaveLength(145);
    expect(names.filter((n) => n.startsWith("MPTcpExt."))).toHaveLength(77);
    expect(c(f, "TcpExt.SyncookiesSent")).toEqual({ value: 1, line: 2 });
  } },
  "proc/pcp/misc/net/sockstat": { kind: "sockstat", facts: (f) => {
    expect(c(f, "Sockstat.TCP.inuse")).toEqual({ value: 74, line: 2 });
    expect(c(f, "Sockstat.TCP.orphan")?.value).toBe(9);
    expect(c(f, "Sockstat.TCP.alloc")?.value).toBe(86);
  } },
  "proc/pcp/misc/net/sockstat6": { kind: "sockstat", facts: (f) => {
    expect(c(f, "Sockstat.TCP6.inuse")).toEqual({ value: 10, line: 1 });
    expect(c(f, "Sockstat.FRAG6.memory")).toEqual({ value: 0, line: 5 });
  } },
  "proc/procfs/net/dev": { kind: "proc-net-dev", facts: (f) => {
    expect(c(f, "Dev.eth0.rx_bytes")).toEqual({ value: 874354587, line: 6 });
    expect(c(f, "Dev.eth0.tx_packets")).toEqual({ value: 732147, line: 6 });
  } },
  "proc/procfs/net/sockstat": { kind: "sockstat", facts: (f) => {
    expect(c(f, "Sockstat.sockets.used")).toEqual({ value: 1602, line: 1 });
    expect(c(f, "Sockstat.TCP.mem")).toEqual({ value: 22, line: 2 });
  } },
  "proc/procfs/net/softnet_stat": { kind: "softnet-stat", facts: (f) => {
    expect(c(f, "Softnet.processed")?.value).toBe(36894618);
    expect(c(f, "Softnet.dropped")?.value).toBe(161088);
    expect(c(f, "Softnet.cpus")?.value).toBe(5);
  } },
  "proc/procfs/net/tcp": { kind: "proc-net-tcp", facts: (f) => {
    expect(f.listeners?.[0]).toEqual({ proto: "tcp", local: "10.0.0.5", port: 22, recvQ: 1, sendQ: 0, backlogKnown: false, line: 2 });
    expect(f.listeners?.[1]).toMatchObject({ local: "0.0.0.0", port: 22, recvQ: 0, sendQ: 1 });
  } },
  "proc/procfs/net/tcp6": { kind: "proc-net-tcp", facts: (f) => {
    // procfs's "tcp6" fixture is really a udp6 table (state 07, a drops column)
    expect(f.listeners?.map((l) => [l.proto, l.port])).toEqual([["udp", 5355], ["udp", 51073]]);
  } },
  "proc/procfs/pid26231/net/netstat": { kind: "proc-netstat", facts: (f) => {
    expect(c(f, "TcpExt.TCPSynRetrans")).toEqual({ value: 16, line: 2 });
    expect(c(f, "TcpExt.TCPLossProbes")?.value).toBe(32);
    expect(c(f, "IpExt.InOctets")).toEqual({ value: 190585481, line: 4 });
  } },
  "proc/procfs/pid26231/net/snmp": { kind: "proc-snmp", facts: (f) => {
    expect(c(f, "Tcp.RetransSegs")).toEqual({ value: 348, line: 8 });
    expect(c(f, "Ip.Forwarding")).toEqual({ value: 2, line: 2 });
  } },
  "proc/procfs/pid26231/net/snmp6": { kind: "proc-snmp6", facts: (f) => {
    expect(c(f, "Ip6.InReceives")).toEqual({ value: 92166, line: 1 });
    expect(c(f, "Udp6.InDatagrams")).toEqual({ value: 2016, line: 77 });
    expect(c(f, "Icmp6.InMsgs")).toEqual({ value: 142, line: 33 });
  } },
  "cmd/ethtool-default_generic_jc.out": { kind: "other-text", facts: (f) => expect(f).toEqual({}) },
  "cmd/ping-dup_centos-7.7_jc.out": { kind: "ping", facts: (f) => expect(f).toEqual({ routes: [] }) },
  "cmd/traceroute_centos-7.7_jc.out": { kind: "other-text", facts: (f) => expect(f).toEqual({}) },
  "cmd/ip-route_centos-7.7_jc.out": { kind: "ip-route", facts: (f) => {
    expect(f.routes).toHaveLength(4);
    expect(f.routes?.[3]).toMatchObject({ dst: "172.17.0.0/16", dev: "docker0", linkdown: true, line: 4 });
    expect(f.routes?.[0]).toMatchObject({ dst: "default", via: "10.0.2.2" });
  } },
  "cmd/iptables-filter-nv_centos-7.7_jc.out": { kind: "iptables-list", facts: (f) => {
    expect(f.rules?.find((r) => r.line === 8)).toMatchObject({ chain: "INPUT", kind: "drop", target: "DROP" });
    expect(f.rules?.find((r) => r.line === 9)).toMatchObject({ target: "REJECT", kind: "other" });
    expect(f.rules?.every((r) => r.table === "filter")).toBe(true);
  } },
  "cmd/netstat-aeep_centos-7.7_jc.out": { kind: "netstat-sockets", facts: (f) => {
    expect(f.listeners?.[0]).toMatchObject({ local: "localhost", port: 25, process: "master", line: 3 });
    expect(f.socketStates).toEqual({ LISTEN: 4, ESTAB: 2 });
  } },
  "cmd/netstat-ant_datadog.out": { kind: "netstat-sockets", facts: (f) => {
    expect(f.socketStates).toEqual({ LISTEN: 3, "TIME-WAIT": 3, ESTAB: 2, "SYN-SENT": 1, "SYN-RECV": 1, CLOSING: 3 });
    expect(f.sockets?.find((s) => s.line === 8)).toMatchObject({ state: "SYN-SENT" });
  } },
  "cmd/netstat-lnp_ubuntu-18.04_jc.out": { kind: "netstat-sockets", facts: (f) => {
    expect(f.listeners?.find((l) => l.line === 5)).toMatchObject({ local: "0.0.0.0", port: 22, process: "sshd" });
  } },
  "cmd/ss-a_centos-7.7_jc.out": { kind: "ss-sockets", facts: (f) => {
    expect(f.listeners?.find((l) => l.line === 199)).toMatchObject({ proto: "tcp", local: "127.0.0.1", port: 25, sendQ: 100 });
    expect(f.socketStates).toEqual({ LISTEN: 4, ESTAB: 2 });
  } },
  "cmd/ss-a_ubuntu-18.04_jc.out": { kind: "ss-sockets", facts: (f) => {
    expect(f.listeners?.find((l) => l.line === 156)).toMatchObject({ local: "0.0.0.0", port: 22, sendQ: 128 });
    expect(f.listeners?.find((l) => l.line === 157)).toMatchObject({ local: "127.0.0.1", port: 35485 });
  } },
  "cmd/ss-ant4_datadog.out": { kind: "ss-sockets", facts: (f) => {
    expect(f.listeners?.[1]).toMatchObject({ local: "*", port: 6384, sendQ: 128, line: 3 });
    expect(f.socketStates).toEqual({ LISTEN: 2, "TIME-WAIT": 2, ESTAB: 1 });
  } },
  "cmd/ss-ant6_datadog.out": { kind: "ss-sockets", facts: (f) => {
    expect(f.socketStates).toEqual({ LISTEN: 1, "TIME-WAIT": 1, ESTAB: 1, CLOSING: 1 });
    expect(f.sockets?.find((s) => s.line === 4)).toMatchObject({ local: "::ffff:127.0.0.1", localPort: 2181 });
  } },
  "cmd/ss-tulpen_ubuntu-18.04_jc.out": { kind: "ss-listen", facts: (f) => {
    expect(f.listeners?.[0]).toMatchObject({ proto: "udp", port: 4789, line: 2 });
    expect(f.listeners?.find((l) => l.line === 18)).toMatchObject({ port: 389, sendQ: 4096, process: "dockerd" });
  } },
  "cmd/sysctl-a_centos-7.7_jc.out": { kind: "sysctl", facts: (f) => {
    expect(f.sysctls?.["net.core.somaxconn"]).toEqual({ value: "128", line: 241 });
    expect(f.sysctls?.["net.ipv4.ip_local_port_range"]).toEqual({ value: "32768 60999", line: 414 });
    expect(f.sysctls?.["net.ipv4.tcp_syn_retries"]).toEqual({ value: "6", line: 538 });
    expect(f.conntrack).toEqual({ count: { value: 2, line: 811 }, max: { value: 65536, line: 831 } });
  } },
  "cmd/sysctl-a_ubuntu-18.04_jc.out": { kind: "sysctl", facts: (f) => {
    expect(f.sysctls?.["net.core.somaxconn"]).toEqual({ value: "128", line: 238 });
    expect(f.sysctls?.["net.ipv4.ip_local_port_range"]).toEqual({ value: "32768 60999", line: 398 });
    expect(f.sysctls?.["net.ipv4.tcp_syn_retries"]).toEqual({ value: "6", line: 525 });
    expect(Object.keys(f.sysctls ?? {}).filter((k) => k.startsWith("net."))).toHaveLength(611);
  } },
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const root = corpusPath();
const files = [...walk(corpusPath("proc")), ...walk(corpusPath("cmd"))].map((p) => path.relative(root, p).split(path.sep).join("/")).sort();

describe("corpus: every proc/ and cmd/ file", () => {
  it("has an expectation for each file (none missing, none stale)", () => {
    expect(files.length).toBeGreaterThanOrEqual(49);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const rel of files) {
    it(`${rel}`, () => {
      const exp = EXPECTED[rel];
      expect(exp, `no expectation for ${rel}`).toBeDefined();
      const text = readFileSync(path.join(root, rel), "utf8");
      const best = sniffSystem(text.slice(0, 4096), rel);
      expect(best?.parser.kind).toBe(exp.kind);
      if (!best) return;
      const out = parseSystemFile(best.parser, text, rel);
      if (out.status !== "success") throw new Error(out.error);
      exp.facts(out.data);
    });
  }
});
