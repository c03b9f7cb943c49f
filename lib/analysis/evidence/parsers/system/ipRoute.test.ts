import { describe, expect, it } from "vitest";
import { ipRouteCacheParser, ipRouteGetParser, ipRouteJsonParser, ipRouteParser } from "./ipRoute";
import { ipNeighParser } from "./ipNeigh";
import { facts, readCorpus, readRecorded } from "./testkit";

describe("ip route", () => {
  it("reads route mtu and `mtu lock`", () => {
    const f = facts(ipRouteParser, readRecorded("ip-route.txt"));
    expect(f.routes).toContainEqual({ dst: "10.241.0.0/16", via: "10.231.0.2", dev: "veth0", mtu: 1450, source: "table", line: 5 });
    expect(f.routes).toContainEqual({ dst: "10.242.0.0/16", via: "10.231.0.2", dev: "veth0", proto: "static", mtu: 1400, mtuLock: true, source: "table", line: 6 });
    expect(f.routes?.[0]).toEqual({ dst: "10.231.0.0/24", dev: "veth0", proto: "kernel", scope: "link", src: "10.231.0.1", source: "table", line: 1 });
  });

  it("reads the linkdown docker0 route of the corpus", () => {
    const f = facts(ipRouteParser, readCorpus("cmd/ip-route_centos-7.7_jc.out"));
    expect(f.routes?.[3]).toEqual({
      dst: "172.17.0.0/16", dev: "docker0", proto: "kernel", scope: "link", src: "172.17.0.1", linkdown: true,
      source: "table", line: 4,
    });
    expect(f.routes?.[0]).toMatchObject({ dst: "default", via: "10.0.2.2", dev: "enp0s3", proto: "dhcp" });
  });

  it("reads `show table all` types and tables", () => {
    const f = facts(ipRouteParser, readRecorded("ip-route-table-all.txt"));
    expect(f.routes).toHaveLength(38);
    expect(f.routes?.[8]).toMatchObject({ type: "local", dst: "10.231.0.1", table: "local", scope: "host", line: 9 });
    expect(f.routes?.[25]).toMatchObject({ type: "local", dst: "::1", dev: "lo", line: 26 });
    expect(f.warnings).toEqual([]);
  });

  it("reads ip -j route", () => {
    const f = facts(ipRouteJsonParser, readRecorded("ip-j-route.json"));
    expect(f.routes).toContainEqual({ dst: "10.242.0.0/16", via: "10.231.0.2", dev: "veth0", proto: "static", mtu: 1400, source: "table", line: 1 });
    expect(f.routes).toHaveLength(8);
  });

  it("keeps unknown words as warnings and fails on non-route text", () => {
    const f = facts(ipRouteParser, "10.0.0.0/8 dev eth0 frobnicate scope link\n");
    expect(f.routes?.[0]).toMatchObject({ dst: "10.0.0.0/8", dev: "eth0", scope: "link" });
    expect(f.warnings[0]).toMatchObject({ line: 1 });
    expect(ipRouteParser.parse("hello world\n").status).toBe("failed");
  });
});

describe("ip route get / show cache", () => {
  it("reads the learned PMTU of an `ip route get`", () => {
    const text = readRecorded("ip-route-get-pmtu.txt");
    expect(ipRouteGetParser.sniff(text, "")).toBeGreaterThan(ipRouteCacheParser.sniff(text, ""));
    const f = facts(ipRouteGetParser, text);
    expect(f.routes).toEqual([{
      dst: "10.250.0.5", via: "10.231.0.2", dev: "veth0", src: "10.231.0.1", mtu: 1300, cacheExpires: 594, source: "get", line: 1,
    }]);
    expect(facts(ipRouteGetParser, readRecorded("ip-route-get.txt")).routes?.[0]).toEqual({
      dst: "10.233.0.2", dev: "vxlan0", src: "10.233.0.1", source: "get", line: 1,
    });
  });

  it("reads the route cache", () => {
    const text = readRecorded("ip-route-cache.txt");
    expect(ipRouteCacheParser.sniff(text, "")).toBeGreaterThan(ipRouteGetParser.sniff(text, ""));
    expect(facts(ipRouteCacheParser, text).routes).toEqual([
      { dst: "10.250.0.5", via: "10.231.0.2", dev: "veth0", mtu: 1300, cacheExpires: 594, source: "cache", line: 1 },
    ]);
  });
});

describe("ip neigh", () => {
  it("counts entries by state; is not taken for routes", () => {
    const text = readRecorded("ip-neigh.txt");
    expect(ipRouteParser.sniff(text, "")).toBe(0);
    const f = facts(ipNeighParser, text);
    expect(f.counters).toEqual({ "Neigh.REACHABLE": { value: 2, line: 1 }, "Neigh.total": { value: 2, line: 2 } });
    const g = facts(ipNeighParser, "10.0.0.9 dev eth0 FAILED\n10.0.0.1 dev eth0 lladdr 52:54:00:00:00:01 router STALE\nwhat\n");
    expect(g.counters?.["Neigh.FAILED"]?.value).toBe(1);
    expect(g.warnings[0].line).toBe(3);
    expect(ipNeighParser.parse("nothing").status).toBe("failed");
  });
});
