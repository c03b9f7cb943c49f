import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { TextParser } from "./parser";
import { allParsers, MIN_SCORE, nameHints, recognise } from "./registry";
import { CORPUS } from "./testdata/paths";

describe("recognise", () => {
  it("every file under the corpus logs/ is recognised, whatever it is called", () => {
    const dir = path.join(CORPUS, "logs");
    const kinds = Object.fromEntries(fs.readdirSync(dir).map((f) => [f, recognise(fs.readFileSync(path.join(dir, f), "utf8"), "file.bin")?.kind]));
    expect(kinds).toEqual({
      "envoy-access-flags-UF-URX-NR.log": "envoy-access-log",
      "ingress-nginx-access-upstream-multi-status.log": "ingress-nginx-access-log",
      "ingress-nginx-controller-klog-apiserver-refused.log": "other-text",
      "nginx-error-multiline-fastcgi.log": "nginx-error-log",
    });
  });

  it("a tie is broken by the name hint, a name never decides alone", () => {
    const a: TextParser = { kind: "nstat", sniff: () => 0.8, parse: () => ({ status: "failed", error: "x" }) };
    const b: TextParser = { kind: "netstat-s", sniff: () => 0.81, parse: () => ({ status: "failed", error: "x" }) };
    expect(recognise("x", "nstat-before.txt", [a, b])?.kind).toBe("nstat");
    expect(recognise("x", "netstat-s.txt", [a, b])?.kind).toBe("netstat-s");
    expect(recognise("x", "data.txt", [a, b])?.kind).toBe("netstat-s"); // higher score, no hint
    const weak: TextParser = { kind: "nstat", sniff: () => MIN_SCORE - 0.01, parse: () => ({ status: "failed", error: "x" }) };
    expect(recognise("x", "nstat.txt", [weak])).toBeUndefined();
    expect(nameHints("before/NSTAT-1.txt").has("nstat")).toBe(true);
  });

  it("a throwing or NaN sniffer is ignored", () => {
    const bad: TextParser = { kind: "uname", sniff: () => { throw new Error("boom"); }, parse: () => ({ status: "failed", error: "x" }) };
    const nan: TextParser = { kind: "uname", sniff: () => NaN, parse: () => ({ status: "failed", error: "x" }) };
    expect(recognise("x", "uname", [bad, nan])).toBeUndefined();
  });

  it("holds the system parsers and ours", () => {
    const kinds = new Set(allParsers.map((p) => p.kind));
    for (const k of ["sysctl", "nginx-error-log", "nginx-access-log", "ingress-nginx-access-log", "envoy-access-log", "kernel-log", "timing", "kubernetes", "tcpdump-text"] as const) {
      expect(kinds.has(k)).toBe(true);
    }
  });
});
