import { describe, expect, it } from "vitest";
import { evidenceFromTexts } from "../../index";
import { otherTextParser } from "./otherText";
import { readCorpus } from "./testkit";

describe("other-text (ethtool, traceroute)", () => {
  it("recognises the corpus outputs", () => {
    for (const f of ["cmd/ethtool-default_generic_jc.out", "cmd/traceroute_centos-7.7_jc.out"]) {
      const text = readCorpus(f);
      expect(otherTextParser.sniff(text, "")).toBeGreaterThan(0.8);
      expect(otherTextParser.parse(text).status).toBe("success");
    }
  });

  it("recognises ip rule (sent by the agent and collect as ip-rule.txt), not ip addr or ip route", () => {
    // real outputs of iproute2 6.1 on this machine: `ip rule` as the agent sends it, and `ip -n NS rule` in a namespace
    // made for it after `ip rule add fwmark 0x1 lookup 100`, `… from 10.1.0.0/16 table 200 priority 100`,
    // `… not to 10.0.0.0/8 iif lo lookup main priority 200`, `… to 192.0.2.0/24 prohibit priority 300`
    const plain = "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n";
    const policy = "0:\tfrom all lookup local\n100:\tfrom 10.1.0.0/16 lookup 200\n200:\tnot from all to 10.0.0.0/8 iif lo lookup main\n300:\tfrom all to 192.0.2.0/24 prohibit\n32765:\tfrom all fwmark 0x1 lookup 100\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n";
    for (const text of [plain, policy]) {
      expect(otherTextParser.sniff(text, "")).toBeGreaterThan(0.8);
      const ev = evidenceFromTexts("h", [{ path: "ip-rule.txt", text }]);
      expect(ev.unrecognized).toEqual([]);
      expect(ev.files.map((f) => f.kind)).toEqual(["other-text"]);
    }
    const addr = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n";
    expect(otherTextParser.sniff(addr, "")).toBe(0);
  });

  it("does not claim unrelated text, and fails on empty input", () => {
    expect(otherTextParser.sniff("net.core.somaxconn = 1\n", "")).toBe(0);
    expect(otherTextParser.sniff("PING but not really\n", "")).toBe(0);
    expect(otherTextParser.parse("  \n").status).toBe("failed");
  });
});
