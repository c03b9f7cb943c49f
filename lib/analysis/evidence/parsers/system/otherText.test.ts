import { describe, expect, it } from "vitest";
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

  it("does not claim unrelated text, and fails on empty input", () => {
    expect(otherTextParser.sniff("net.core.somaxconn = 1\n", "")).toBe(0);
    expect(otherTextParser.sniff("PING but not really\n", "")).toBe(0);
    expect(otherTextParser.parse("  \n").status).toBe("failed");
  });
});
