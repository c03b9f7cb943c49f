/**
 * Every output recorded by scripts/record/evidence-outputs.sh (listed in testdata/recorded/MANIFEST.md) is
 * sniffed to its kind by content, with one fact read off the file by eye. Detailed facts per format are in
 * each parser's own test.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FileFacts } from "../../parser";
import type { EvidenceKind } from "../../model";
import { parseSystemFile, sniffSystem } from "./index";
import { readRecorded, recordedPath } from "./testkit";

const RECORDED: Record<string, [EvidenceKind, (f: FileFacts) => unknown, unknown]> = {
  "sysctl-a.txt": ["sysctl", (f) => f.sysctls?.["net.ipv4.tcp_syn_retries"]?.value, "3"],
  "sysctl-somaxconn.txt": ["sysctl", (f) => f.sysctls?.["net.core.somaxconn"]?.value, "128"],
  "proc-net-netstat.txt": ["proc-netstat", (f) => f.counters?.["TcpExt.ListenOverflows"]?.value, 6],
  "proc-net-snmp.txt": ["proc-snmp", (f) => f.counters?.["Tcp.PassiveOpens"]?.value, 9],
  "proc-net-snmp6.txt": ["proc-snmp6", (f) => f.counters?.["Ip6.InReceives"]?.line, 1],
  "proc-net-sockstat.txt": ["sockstat", (f) => f.counters?.["Sockstat.TCP.tw"]?.value, 2],
  "proc-net-sockstat6.txt": ["sockstat", (f) => f.counters?.["Sockstat.TCP6.inuse"]?.line, 1],
  "proc-net-tcp.txt": ["proc-net-tcp", (f) => f.listeners?.[1]?.recvQ, 3],
  "proc-net-tcp6.txt": ["proc-net-tcp", (f) => f.sockets?.length, 0],
  "proc-net-dev.txt": ["proc-net-dev", (f) => f.counters?.["Dev.veth0.rx_packets"]?.value, 76],
  "proc-net-softnet_stat.txt": ["softnet-stat", (f) => f.counters?.["Softnet.cpus"]?.value, 2],
  "nstat-az.txt": ["nstat", (f) => f.counters?.["TcpExt.ListenDrops"]?.value, 6],
  "nstat-a.txt": ["nstat", (f) => f.counters?.["TcpExt.ListenOverflows"]?.line, 41],
  "nstat-j.txt": ["nstat-json", (f) => f.counters?.["TcpExt.ListenOverflows"]?.value, 6],
  "netstat-s.txt": ["netstat-s", (f) => f.counters?.["TcpExt.ListenOverflows"]?.value, 6],
  "netstat-ant.txt": ["netstat-sockets", (f) => f.socketStates?.["CLOSE-WAIT"], 3],
  "netstat-lnp.txt": ["netstat-sockets", (f) => f.listeners?.find((l) => l.port === 9000)?.process, "python3"],
  "ss-ltn.txt": ["ss-listen", (f) => f.listeners?.[1]?.sendQ, 2],
  "ss-ltnp.txt": ["ss-listen", (f) => f.listeners?.[0]?.process, "python3"],
  "ss-lntu.txt": ["ss-listen", (f) => f.listeners?.[0]?.port, 8472],
  "ss-tan.txt": ["ss-sockets", (f) => f.socketStates?.["TIME-WAIT"], 2],
  "ss-tanpie.txt": ["ss-sockets", (f) => f.socketStates?.["CLOSE-WAIT"], 3],
  "ss-s.txt": ["ss-summary", (f) => f.socketStates?.ESTAB, 3],
  "ip-d-link.txt": ["ip-link", (f) => f.interfaces?.find((i) => i.name === "vxlan0")?.vxlan?.dstport, 8472],
  "ip-j-d-link.json": ["ip-link-json", (f) => f.interfaces?.find((i) => i.name === "vxlan0")?.vxlan?.id, 42],
  "ip-addr.txt": ["ip-addr", (f) => f.addresses?.find((a) => a.ifname === "br0" && a.family === "inet")?.address, "10.232.0.1"],
  "ip-j-addr.json": ["ip-addr-json", (f) => f.addresses?.find((a) => a.ifname === "br1" && a.family === "inet")?.address, "10.234.0.1"],
  "ip-route.txt": ["ip-route", (f) => f.routes?.find((r) => r.dst === "10.241.0.0/16")?.mtu, 1450],
  "ip-j-route.json": ["ip-route", (f) => f.routes?.find((r) => r.dst === "10.241.0.0/16")?.mtu, 1450],
  "ip-route-table-all.txt": ["ip-route", (f) => f.routes?.filter((r) => r.table === "local").length, 24],
  "ip-route-get.txt": ["ip-route-get", (f) => f.routes?.[0]?.dev, "vxlan0"],
  "ip-route-get-pmtu.txt": ["ip-route-get", (f) => f.routes?.[0]?.mtu, 1300],
  "ip-route-cache.txt": ["ip-route-cache", (f) => f.routes?.[0]?.mtu, 1300],
  "ip-neigh.txt": ["ip-neigh", (f) => f.counters?.["Neigh.REACHABLE"]?.value, 2],
  "conntrack-S.txt": ["conntrack-stats", (f) => f.conntrack?.stats?.drop?.value, 0],
  "proc-net-stat-nf_conntrack.txt": ["proc-nf-conntrack", (f) => f.conntrack?.count?.value, 1],
  "nf_conntrack_count": ["conntrack-count", (f) => f.conntrack?.count?.value, 1],
  "nf_conntrack_max": ["conntrack-count", (f) => f.conntrack?.max?.value, 262144],
  "uname-r.txt": ["uname", (f) => f.kernel?.value, "6.18.44-fc-v657"],
  "uname-a.txt": ["uname", (f) => f.kernel?.value, "6.18.44-fc-v657"],
  "proc-version.txt": ["uname", (f) => f.kernel?.value, "6.18.44-fc-v657"],
  "nft-list-ruleset.txt": ["nft-ruleset", (f) => f.rules?.filter((r) => r.kind === "icmp-drop").length, 2],
  "iptables-save.txt": ["iptables-save", (f) => f.rules?.filter((r) => r.kind === "nodeport").map((r) => r.dport), [30081]],
  "iptables-nat-nvL.txt": ["iptables-list", (f) => f.rules?.[0]?.table, "nat"],
  "iptables-nvL.txt": ["iptables-list", (f) => f.rules?.[0]?.kind, "icmp-drop"],
};

describe("recorded outputs (scripts/record/evidence-outputs.sh)", () => {
  it("MANIFEST.md lists exactly these files", () => {
    const manifest = readFileSync(recordedPath("MANIFEST.md"), "utf8");
    const listed = [...manifest.matchAll(/^\| ([^ |]+) \| `/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(Object.keys(RECORDED).sort());
  });

  for (const [file, [kind, get, want]] of Object.entries(RECORDED)) {
    it(`${file} → ${kind}`, () => {
      const text = readRecorded(file);
      const best = sniffSystem(text.slice(0, 4096), file);
      expect(best?.parser.kind).toBe(kind);
      if (!best) return;
      const out = parseSystemFile(best.parser, text, file);
      if (out.status !== "success") throw new Error(out.error);
      expect(get(out.data)).toEqual(want);
    });
  }

  it("accepts leading `# ` lines: nft's iptables-nft warnings (2>&1) and hand-written fixture headers", () => {
    const nft = "# Warning: table ip nat is managed by iptables-nft, do not touch!\n" + readRecorded("nft-list-ruleset.txt");
    const s = sniffSystem(nft, "");
    expect(s?.parser.kind).toBe("nft-ruleset");
    const out = s!.parser.parse(nft);
    expect(out.status === "success" && out.data.rules?.[0]?.line).toBe(5);
    // the header comment a hand-written fixture must carry (format of a kernel this machine cannot run)
    const written = "# Written by hand following sysctl -a format: tcp_tw_recycle exists only before Linux 4.12.\nnet.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_timestamps = 1\n";
    const w = sniffSystem(written, "");
    expect(w?.parser.kind).toBe("sysctl");
    const wo = w!.parser.parse(written);
    expect(wo.status === "success" && wo.data.sysctls?.["net.ipv4.tcp_tw_recycle"]).toEqual({ value: "1", line: 2 });
  });
});
