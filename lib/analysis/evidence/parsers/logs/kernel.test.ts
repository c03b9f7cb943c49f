import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { recorded, RECORDED } from "../../testdata/paths";
import { recognise } from "../../registry";
import { kernelLogParser } from "./kernel";

const written = fs.readFileSync(path.join(RECORDED, "../written/kernel-conntrack-neigh.txt"), "utf8");

describe("kernel log (recorded in netns: scripts/record/kernel-log.sh)", () => {
  for (const [file, hasTime] of [["dmesg.txt", false], ["dmesg-T.txt", true]] as const) {
    it(`${file}: SYN flooding on port 80 and a martian source from 127.0.0.1`, () => {
      const text = fs.readFileSync(recorded("kernel", file), "utf8");
      expect(recognise(text, "x.txt")?.kind).toBe("kernel-log");
      const r = kernelLogParser.parse(text);
      expect(r.status).toBe("success");
      if (r.status !== "success") return;
      const ev = r.data.logEvents!;
      expect(ev.map((e) => [e.line, e.kind])).toEqual([[1, "syn_flooding"], [2, "martian_source"]]);
      expect(ev[0].port).toBe(80);
      expect(ev[0].message).toBe("TCP: request_sock_TCP: Possible SYN flooding on port 10.232.0.2:80. Sending cookies.");
      expect(ev[1]).toMatchObject({ client: "127.0.0.1", message: "IPv4: martian source 10.232.0.2 from 127.0.0.1, on dev eth0" });
      expect(ev[0].time !== undefined).toBe(hasTime);
    });
  }
});

describe("kernel log (written fixture: conntrack table full, neighbour overflow, [::]:port)", () => {
  it("finds each sentence with or without prefixes", () => {
    const r = kernelLogParser.parse(written);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    expect(r.data.logEvents!.map((e) => [e.line, e.kind])).toEqual([
      [7, "conntrack_table_full"], [8, "conntrack_table_full"], [9, "conntrack_table_full"],
      [10, "neighbour_table_overflow"], [11, "neighbour_table_overflow"], [12, "syn_flooding"], [13, "martian_source"],
    ]);
    const syn = r.data.logEvents![5];
    expect(syn).toMatchObject({ port: 8080, time: "2026-11-22T07:12:05+00:00" });
  });

  it("well-formed kernel log with nothing known: success, no events", () => {
    const r = kernelLogParser.parse("[    0.000000] Linux version 6.18.0 (gcc)\n[    0.000001] Command line: ro quiet\n");
    expect(r.status === "success" && r.data.logEvents).toEqual([]);
  });

  it("unparseable: fails, not sniffed", () => {
    expect(kernelLogParser.parse("hello\nworld").status).toBe("failed");
    expect(kernelLogParser.sniff("hello\nworld", "dmesg.txt")).toBe(0);
  });
});
