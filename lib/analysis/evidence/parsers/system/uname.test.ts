import { describe, expect, it } from "vitest";
import { unameParser } from "./uname";
import { facts, readRecorded } from "./testkit";

describe("uname / /proc/version", () => {
  it("reads the kernel release from all three recorded forms", () => {
    for (const f of ["uname-r.txt", "uname-a.txt", "proc-version.txt"]) {
      const text = readRecorded(f);
      expect(unameParser.sniff(text, f)).toBeGreaterThan(0.6);
      expect(facts(unameParser, text).kernel).toEqual({ value: "6.18.44-fc-v657", line: 1 });
    }
  });

  it("reads distro releases and an old kernel; rejects other text", () => {
    expect(facts(unameParser, "Linux node-1 5.4.0-42-generic #46-Ubuntu SMP Fri Jul 10 00:24:02 UTC 2020 x86_64 x86_64 x86_64 GNU/Linux\n").kernel?.value).toBe("5.4.0-42-generic");
    expect(facts(unameParser, "3.10.0-1062.el7.x86_64\n").kernel?.value).toBe("3.10.0-1062.el7.x86_64");
    expect(unameParser.sniff("123\n", "")).toBe(0);
    expect(unameParser.parse("hello world\n").status).toBe("failed");
  });
});
