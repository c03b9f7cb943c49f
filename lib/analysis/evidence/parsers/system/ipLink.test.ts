import { describe, expect, it } from "vitest";
import { ipAddrJsonParser, ipAddrParser, ipLinkJsonParser, ipLinkParser } from "./ipLink";
import { facts, readRecorded } from "./testkit";

describe("ip -d link", () => {
  it("reads kinds, peers, masters, mtu and the vxlan details of the recorded namespace", () => {
    const text = readRecorded("ip-d-link.txt");
    expect(ipLinkParser.sniff(text, "")).toBeGreaterThan(ipAddrParser.sniff(text, ""));
    const f = facts(ipLinkParser, text);
    const by = Object.fromEntries((f.interfaces ?? []).map((i) => [i.name, i]));
    expect(by.lo).toMatchObject({ kind: "loopback", mtu: 65536, line: 1 });
    expect(by.veth0).toMatchObject({ kind: "veth", link: "if2", mtu: 1500, state: "UP", index: 2, line: 3 });
    expect(by.br0).toMatchObject({ kind: "bridge", line: 6 });
    expect(by.brport0).toMatchObject({ kind: "veth", master: "br0", link: "brport1", line: 12 });
    expect(by.br1).toMatchObject({ kind: "bridge", state: "UNKNOWN" });
    expect(by.vxlan0).toMatchObject({
      kind: "vxlan", mtu: 1450, line: 19, vxlan: { id: 42, dstport: 8472, local: "10.231.0.1", dev: "veth0" },
    });
    expect(f.warnings).toEqual([]);
  });

  // This kernel has no geneve/ipip/wireguard/dummy/vlan modules: these lines follow iproute2's -d format.
  it("reads device kinds this kernel cannot create (iproute2 -d format)", () => {
    const text = [
      "4: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default",
      "    link/ether 6e:2c:aa:01:02:03 brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 65535",
      "    vxlan id 1 local 192.168.1.10 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx df unset",
      "5: genev_sys_6081: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 65000 qdisc noqueue master ovs-system state UNKNOWN mode DEFAULT group default qlen 1000",
      "    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 1 minmtu 68 maxmtu 65465",
      "    geneve external id 0 ttl auto dstport 6081 noudpcsum udp6zerocsumrx",
      "6: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 1480 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000",
      "    link/ipip 0.0.0.0 brd 0.0.0.0 promiscuity 0 minmtu 0 maxmtu 0",
      "    ipip any remote any local any ttl inherit nopmtudisc",
      "7: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000",
      "    link/none  promiscuity 0 minmtu 0 maxmtu 2147483552",
      "    wireguard addrgenmode none numtxqueues 1 numrxqueues 1",
      "8: eth0.10@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000",
      "    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff promiscuity 0",
      "    vlan protocol 802.1Q id 10 <REORDER_HDR> addrgenmode eui64",
      "9: dummy0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000",
      "    link/ether aa:bb:cc:dd:ee:ff brd ff:ff:ff:ff:ff:ff promiscuity 0",
      "    dummy addrgenmode eui64",
      "10: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9001 qdisc mq state UP mode DEFAULT group default qlen 1000",
      "    link/ether 0a:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 0",
      "    addrgenmode eui64 numtxqueues 2",
      "11: xfrm0: <NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN mode DEFAULT group default",
      "    link/none  promiscuity 0",
      "    xfrm if_id 0x1",
    ].join("\n");
    const f = facts(ipLinkParser, text);
    const by = Object.fromEntries((f.interfaces ?? []).map((i) => [i.name, i]));
    expect(by["flannel.1"]).toMatchObject({ kind: "vxlan", vxlan: { id: 1, dstport: 8472, df: "unset", dev: "eth0" } });
    expect(by.genev_sys_6081).toMatchObject({ kind: "geneve", master: "ovs-system", geneve: { id: 0, dstport: 6081 } });
    expect(by.tunl0).toMatchObject({ kind: "ipip", mtu: 1480, link: "NONE" });
    expect(by.wg0).toMatchObject({ kind: "wireguard", mtu: 1420 });
    expect(by["eth0.10"]).toMatchObject({ kind: "vlan", link: "eth0" });
    expect(by.dummy0).toMatchObject({ kind: "dummy", state: "DOWN" });
    expect(by.eth1).toMatchObject({ kind: "device", mtu: 9001 });
    // an unknown kind is kept as "other" with a warning
    expect(by.xfrm0).toMatchObject({ kind: "other" });
    expect(f.warnings).toEqual([{ line: 24, message: expect.stringContaining("xfrm") }]);
  });

  it("guesses kinds without -d from link type and names; fails on non-ip text", () => {
    const f = facts(ipLinkParser, "3: docker0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default\n    link/ether 02:42:ac:11:00:01 brd ff:ff:ff:ff:ff:ff\n5: vethab12@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP mode DEFAULT group default\n    link/ether 1a:2b:3c:4d:5e:6f brd ff:ff:ff:ff:ff:ff link-netnsid 0\n");
    expect(f.interfaces?.[0]).toMatchObject({ name: "docker0", kind: "bridge", state: "DOWN NO-CARRIER" });
    expect(f.interfaces?.[1]).toMatchObject({ name: "vethab12", kind: "veth", master: "docker0", link: "if4" });
    expect(ipLinkParser.parse("no links here\n").status).toBe("failed");
    // `ip -s link` statistics rows are skipped quietly
    const st = facts(ipLinkParser, "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT group default qlen 1000\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n    RX:  bytes packets errors dropped  missed   mcast\n      1234      12      0       3       0       0\n    TX:  bytes packets errors dropped carrier collsns\n      5678      34      0       0       0       0\n");
    expect(st.interfaces?.[0]).toMatchObject({ name: "eth0", kind: "device", mtu: 1500 });
    expect(st.warnings).toEqual([]);
  });
});

describe("ip addr", () => {
  it("reads addresses with their interface", () => {
    const text = readRecorded("ip-addr.txt");
    expect(ipAddrParser.sniff(text, "")).toBeGreaterThan(ipLinkParser.sniff(text, ""));
    const f = facts(ipAddrParser, text);
    expect(f.addresses).toContainEqual({ ifname: "vxlan0", family: "inet", address: "10.233.0.1", prefixLen: 24, line: 35 });
    expect(f.addresses).toContainEqual({ ifname: "lo", family: "inet", address: "127.0.0.1", prefixLen: 8, line: 3 });
    expect(f.addresses?.filter((a) => a.family === "inet")).toHaveLength(5);
    expect(f.interfaces?.find((i) => i.name === "vxlan0")?.mtu).toBe(1450);
  });
});

describe("ip -j link / ip -j addr", () => {
  it("reads the recorded ip -j -d link", () => {
    const text = readRecorded("ip-j-d-link.json");
    expect(ipLinkJsonParser.sniff(text, "")).toBeGreaterThan(ipAddrJsonParser.sniff(text, ""));
    const f = facts(ipLinkJsonParser, text);
    const by = Object.fromEntries((f.interfaces ?? []).map((i) => [i.name, i]));
    expect(by.vxlan0).toMatchObject({ kind: "vxlan", mtu: 1450, vxlan: { id: 42, dstport: 8472, local: "10.231.0.1", dev: "veth0", df: "unset" }, line: 1 });
    expect(by.brport0).toMatchObject({ kind: "veth", master: "br0", link: "brport1" });
    expect(by.lo.kind).toBe("loopback");
    expect(by.br1.kind).toBe("bridge");
  });

  it("cites the ifname line of pretty-printed JSON (ip -j -p, jq)", () => {
    const pretty = JSON.stringify(JSON.parse(readRecorded("ip-j-d-link.json")), null, 2);
    const lineOf = (name: string) => pretty.split("\n").findIndex((l) => l.includes(`"ifname": "${name}"`)) + 1;
    const f = facts(ipLinkJsonParser, pretty);
    expect(lineOf("vxlan0")).toBeGreaterThan(1);
    expect(f.interfaces?.find((i) => i.name === "vxlan0")?.line).toBe(lineOf("vxlan0"));
    expect(f.interfaces?.find((i) => i.name === "br0")?.line).toBe(lineOf("br0"));
  });

  it("reads the recorded ip -j addr; fails on broken JSON", () => {
    const f = facts(ipAddrJsonParser, readRecorded("ip-j-addr.json"));
    expect(f.addresses).toContainEqual({ ifname: "veth0", family: "inet", address: "10.231.0.1", prefixLen: 24, line: 1 });
    expect(ipAddrJsonParser.parse('[{"ifindex":1,').status).toBe("failed");
    // a well-formed entry of a kind it does not know
    const o = facts(ipLinkJsonParser, '[{"ifindex":9,"ifname":"x0","mtu":1400,"linkinfo":{"info_kind":"futurekind"}}]');
    expect(o.interfaces?.[0]).toMatchObject({ kind: "other", mtu: 1400 });
  });
});
