/**
 * Secondary outputs recorded by scripts/record/evidence-extra-outputs.sh (testdata/recorded/extra): ifconfig,
 * route -n, ip -br, and the recognise-only ones. Each file is sniffed to its kind; facts read off the files.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ifconfigParser } from "./ifconfig";
import { ipBriefAddrParser, ipBriefLinkParser } from "./ipBrief";
import { parseSystemFile, sniffSystem } from "./index";
import { routeNParser } from "./routeN";
import { facts, readRecorded, recordedPath } from "./testkit";

const KINDS: Record<string, string> = {
  "ip-br-addr.txt": "ip-addr", "ip-br-link.txt": "ip-link", "ifconfig-a.txt": "ip-addr", "route-n.txt": "ip-route",
  "tc-s-qdisc.txt": "other-text", "conntrack-L.txt": "conntrack-list", "conntrack-C.txt": "conntrack-count",
  "ping.txt": "ping", "ethtool-S-veth0.txt": "other-text", "ethtool-i-veth0.txt": "other-text", "arp-n.txt": "other-text",
  // scripts/record/ping-pmtu-conntrack.sh, scripts/record/vxlan6-outputs.sh
  "ping-M-do-frag-needed.txt": "ping", "ping6-M-do-packet-too-big.txt": "ping", "conntrack-L-dnat-unreplied.txt": "conntrack-list",
  "ip-d-link-vxlan6.txt": "ip-link", "ip-j-d-link-vxlan6.json": "ip-link-json", "ip-link-vxlan6.txt": "ip-link", "ip-6-addr-vxlan6.txt": "ip-addr",
};

describe("recorded extra outputs", () => {
  it("MANIFEST.md lists exactly these files", () => {
    const m = readFileSync(recordedPath("extra", "MANIFEST.md"), "utf8");
    expect([...m.matchAll(/^\| ([^ |]+) \| `/gm)].map((x) => x[1]).sort()).toEqual(Object.keys(KINDS).sort());
  });

  for (const [file, kind] of Object.entries(KINDS)) {
    it(`${file} → ${kind}`, () => {
      const text = readRecorded("extra", file);
      const best = sniffSystem(text.slice(0, 4096), file);
      expect(best?.parser.kind).toBe(kind);
      expect(parseSystemFile(best!.parser, text, file).status).toBe("success");
    });
  }

  it("conntrack -C is a count by its name", () => {
    const out = parseSystemFile(sniffSystem("5\n", "conntrack-C.txt")!.parser, readRecorded("extra", "conntrack-C.txt"), "conntrack-C.txt");
    expect(out.status === "success" && out.data.conntrack).toEqual({ count: { value: 5, line: 1 } });
  });
});

describe("ifconfig", () => {
  // ifconfig has no device kind: it is guessed from the name, as for `ip link` without -d
  it("reads net-tools 2.x blocks: mtu, addresses with netmask, RX/TX counters in /proc/net/dev names", () => {
    const f = facts(ifconfigParser, readRecorded("extra", "ifconfig-a.txt"));
    expect(f.interfaces?.map((i) => [i.name, i.kind, i.mtu, i.state, i.line])).toEqual([
      ["lo", "loopback", 65536, "UP", 1], ["veth0", "veth", 1500, "UP", 10], ["vxlan0", "vxlan", 1450, "UP", 19],
    ]);
    expect(f.interfaces?.[1].mac).toBe("b2:76:da:59:d9:73");
    expect(f.addresses).toContainEqual({ ifname: "veth0", family: "inet", address: "10.235.0.1", prefixLen: 24, line: 11 });
    expect(f.addresses).toContainEqual({ ifname: "vxlan0", family: "inet6", address: "fe80::e412:d9ff:fe90:c8f9", prefixLen: 64, line: 21 });
    expect(f.counters?.["Dev.veth0.rx_packets"]).toEqual({ value: 23, line: 14 });
    expect(f.counters?.["Dev.veth0.tx_bytes"]).toEqual({ value: 8086, line: 16 });
    expect(f.counters?.["Dev.vxlan0.tx_colls"]).toEqual({ value: 0, line: 26 });
    expect(f.warnings).toEqual([]);
  });

  // net-tools 1.60 layout (CentOS 6 era), which this machine's net-tools 2.10 no longer prints
  it("reads the net-tools 1.60 layout", () => {
    const text = [
      "eth0      Link encap:Ethernet  HWaddr 00:0C:29:3A:5B:7C  ",
      "          inet addr:192.168.1.10  Bcast:192.168.1.255  Mask:255.255.255.0",
      "          inet6 addr: fe80::20c:29ff:fe3a:5b7c/64 Scope:Link",
      "          UP BROADCAST RUNNING MULTICAST  MTU:9001  Metric:1",
      "          RX packets:1000 errors:2 dropped:3 overruns:0 frame:0",
      "          TX packets:900 errors:0 dropped:0 overruns:0 carrier:0",
      "          collisions:0 txqueuelen:1000 ",
      "          RX bytes:123456 (120.5 KiB)  TX bytes:654321 (639.0 KiB)",
      "",
      "lo        Link encap:Local Loopback  ",
      "          inet addr:127.0.0.1  Mask:255.0.0.0",
      "          UP LOOPBACK RUNNING  MTU:65536  Metric:1",
    ].join("\n");
    const f = facts(ifconfigParser, text);
    expect(f.interfaces?.[0]).toMatchObject({ name: "eth0", mtu: 9001, state: "UP", mac: "00:0c:29:3a:5b:7c", line: 1 });
    expect(f.interfaces?.[1]).toMatchObject({ name: "lo", kind: "loopback", mtu: 65536 });
    expect(f.addresses?.[0]).toEqual({ ifname: "eth0", family: "inet", address: "192.168.1.10", prefixLen: 24, line: 2 });
    expect(f.addresses?.[1]).toMatchObject({ family: "inet6", prefixLen: 64 });
    expect(f.counters?.["Dev.eth0.rx_drop"]).toEqual({ value: 3, line: 5 });
    expect(f.counters?.["Dev.eth0.rx_bytes"]).toEqual({ value: 123456, line: 8 });
    expect(f.counters?.["Dev.eth0.tx_bytes"]).toEqual({ value: 654321, line: 8 });
    expect(f.warnings).toEqual([]);
  });

  it("warns on an unknown line, fails on other text", () => {
    const f = facts(ifconfigParser, "eth9: flags=4099<UP,BROADCAST,MULTICAST>  mtu 1500\n        frobnicated 7\n");
    expect(f.interfaces?.[0]).toMatchObject({ state: "UP NO-CARRIER" });
    expect(f.warnings[0].line).toBe(2);
    expect(ifconfigParser.parse("no interfaces\n").status).toBe("failed");
  });
});

describe("route -n", () => {
  it("reads the recorded table", () => {
    const f = facts(routeNParser, readRecorded("extra", "route-n.txt"));
    expect(f.routes).toEqual([
      { dst: "10.235.0.0/24", dev: "veth0", source: "table", line: 3 },
      { dst: "10.236.0.0/24", dev: "vxlan0", source: "table", line: 4 },
      { dst: "10.237.0.0/16", via: "10.235.0.2", dev: "veth0", source: "table", line: 5 },
    ]);
  });

  it("reads default, reject and MTU columns; warns on a broken row; fails without header", () => {
    const text = [
      "Kernel IP routing table",
      "Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface",
      "0.0.0.0         10.0.2.2        0.0.0.0         UG        0 0          0 enp0s3",
      "10.9.0.0        0.0.0.0         255.255.0.0     !         0 0          0 -",
      "garbage",
    ].join("\n");
    const f = facts(routeNParser, text);
    expect(f.routes?.[0]).toEqual({ dst: "default", via: "10.0.2.2", dev: "enp0s3", source: "table", line: 3 });
    expect(f.routes?.[1]).toMatchObject({ dst: "10.9.0.0/16", type: "unreachable" });
    expect(f.warnings[0].line).toBe(5);
    expect(routeNParser.parse("10.0.0.0 0.0.0.0 255.0.0.0 U 0 0 0 eth0\n").status).toBe("failed");
  });
});

describe("ip -br", () => {
  it("reads addresses of ip -br addr", () => {
    const f = facts(ipBriefAddrParser, readRecorded("extra", "ip-br-addr.txt"));
    expect(f.addresses).toContainEqual({ ifname: "veth0", family: "inet", address: "10.235.0.1", prefixLen: 24, line: 2 });
    expect(f.addresses).toContainEqual({ ifname: "lo", family: "inet6", address: "::1", prefixLen: 128, line: 1 });
    expect(f.addresses).toHaveLength(6);
  });

  it("yields no invented interface for ip -br link; fails on other text", () => {
    const out = ipBriefLinkParser.parse(readRecorded("extra", "ip-br-link.txt"));
    expect(out.status === "success" && out.data).toEqual({});
    expect(out.status === "success" && out.warnings[0].message).toMatch(/3 links.*no MTU/);
    expect(ipBriefAddrParser.parse("hello world\n").status).toBe("failed");
    expect(ipBriefLinkParser.parse("hello world\n").status).toBe("failed");
  });
});
