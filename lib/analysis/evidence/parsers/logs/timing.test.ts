import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { recorded } from "../../testdata/paths";
import { recognise } from "../../registry";
import { timingParser } from "./timing";

const read = (n: string) => fs.readFileSync(recorded("timing", n), "utf8");
function lat(text: string) {
  const r = timingParser.parse(text);
  if (r.status !== "success") throw new Error(r.error);
  return r.data.latencies!;
}

describe("timing files (recorded by scripts/record/nginx-logs.sh)", () => {
  it("curl -w, one value per line", () => {
    const text = read("curl-w.txt");
    expect(recognise(text, "out.txt")?.kind).toBe("timing");
    const l = lat(text);
    expect(l.map((x) => [x.what, x.line])).toEqual([
      ["time_namelookup", 1], ["time_connect", 2], ["time_appconnect", 3], ["time_starttransfer", 4], ["time_total", 5],
    ]);
    expect(l.every((x) => x.source === "timing")).toBe(true);
    // the /slow upstream answers after 1.5 s
    expect(l[4].seconds).toBeGreaterThanOrEqual(1.5);
    expect(l[4].seconds).toBe(Number(text.split("\n")[4].split(" ")[1]));
  });

  it("curl -w, several values on a line", () => {
    const l = lat(read("curl-w-inline.txt"));
    expect(l).toHaveLength(9);
    expect(l.filter((x) => x.line === 2).map((x) => x.what)).toEqual(["time_connect", "time_starttransfer", "time_total"]);
  });

  it("bash time: real only", () => {
    const text = read("bash-time.txt");
    expect(recognise(text, "t")?.kind).toBe("timing");
    const l = lat(text);
    expect(l).toHaveLength(1);
    expect(l[0]).toMatchObject({ what: "real", line: 2 });
    const m = /real\t0m([\d.]+)s/.exec(text)!;
    expect(l[0].seconds).toBe(Number(m[1]));
  });

  it("a plain latency list with units; a bare number is a warning", () => {
    const r = timingParser.parse("31.7s\n31742ms\n850us\n2m\n");
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    expect(r.data.latencies!.map((x) => x.seconds)).toEqual([31.7, 31.742, 0.00085]);
    expect(r.warnings).toEqual([{ line: 4, message: "not a timing line: 2m" }]);
  });

  it("unparseable fails", () => {
    expect(timingParser.parse("12\n13\n").status).toBe("failed");
    expect(timingParser.sniff("hello", "timing.txt")).toBe(0);
  });
});
