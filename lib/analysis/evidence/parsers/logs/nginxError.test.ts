import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { corpus, recorded } from "../../testdata/paths";
import { recognise } from "../../registry";
import { classifyNginx, klogParser, nginxErrorParser } from "./nginxError";
import { ingressAccessParser } from "./access";

const multiline = fs.readFileSync(corpus("logs/nginx-error-multiline-fastcgi.log"), "utf8");
const klog = fs.readFileSync(corpus("logs/ingress-nginx-controller-klog-apiserver-refused.log"), "utf8");

describe("nginx error log (corpus, multi-line FastCGI entry)", () => {
  it("is recognised as nginx-error-log", () => {
    expect(recognise(multiline, "whatever.txt")?.kind).toBe("nginx-error-log");
  });

  it("gives one event per entry, the 3-line FastCGI entry kept together at line 3", () => {
    const r = nginxErrorParser.parse(multiline);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    const ev = r.data.logEvents!;
    expect(ev.map((e) => e.line)).toEqual([1, 2, 3, 6]);
    expect(ev.every((e) => e.kind === "other_error")).toBe(true);
    expect(ev[0]).toMatchObject({ time: "2016-10-25T14:49:34", client: "127.0.0.1" });
    expect(ev[2].message.split("\n")).toHaveLength(3);
    expect(ev[2].message).toContain("FEE_Field_Category::wrap");
    expect(ev[3]).toMatchObject({ time: "2019-11-05T14:50:44", client: "127.0.0.1" });
  });
});

describe("nginx upstream failures (recorded: scripts/record/nginx-logs.sh)", () => {
  const recordedError = fs.readFileSync(recorded("nginx/error.log"), "utf8");

  it("is recognised as nginx-error-log", () => {
    expect(recognise(recordedError, "nginx.txt")?.kind).toBe("nginx-error-log");
  });

  it("classifies each real sentence, with phase, upstream and client; [warn] 'temporarily disabled' gives no event", () => {
    const r = nginxErrorParser.parse(recordedError);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    const ev = r.data.logEvents!;
    // error.log lines 7, 9 and 12 are "[warn] upstream server temporarily disabled"; 14-15 come from the
    // script's timing requests (/refused, /dropped)
    expect(ev.map((e) => [e.line, e.kind])).toEqual([
      [1, "upstream_prematurely_closed"], [2, "connection_reset"], [3, "connection_refused"],
      [4, "upstream_timed_out"], [5, "upstream_timed_out"], [6, "connection_refused"], [8, "connection_refused"],
      [10, "no_live_upstreams"], [11, "connection_refused"], [13, "cannot_assign_address"],
      [14, "connection_refused"], [15, "upstream_timed_out"],
    ]);
    expect(ev[3]).toMatchObject({ phase: "while connecting to upstream", upstream: "http://127.0.0.1:9004/dropped", client: "127.0.0.1" });
    expect(ev[4]).toMatchObject({ phase: "while reading response header from upstream", upstream: "http://127.0.0.1:9005/hang" });
    expect(ev[7]).toMatchObject({ upstream: "http://dead/dead", phase: "while connecting to upstream" });
    expect(ev[9].message).toMatch(/^bind\(10\.255\.255\.1\) failed \(99: Cannot assign requested address\)/);
    expect(ev[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it("well-formed but unknown: a [warn] line with no known sentence gives no event", () => {
    const warnLine = recordedError.split("\n")[6];
    expect(warnLine).toContain("[warn]");
    expect(classifyNginx(warnLine).kind).toBeUndefined();
    const r = nginxErrorParser.parse(warnLine);
    expect(r.status === "success" && r.data.logEvents).toEqual([]);
  });

  it("unparseable input fails", () => {
    expect(nginxErrorParser.parse("not a log\n\u0000\u0001").status).toBe("failed");
    expect(nginxErrorParser.sniff("not a log", "error.log")).toBe(0);
  });
});

describe("a controller log mixing access and error lines (recorded: nginx writing both into one file)", () => {
  const mixed = fs.readFileSync(recorded("nginx/mixed-controller.log"), "utf8");

  it("keeps both: every request and every error event, whichever parser the sniff picks", () => {
    const kind = recognise(mixed, "controller.log")?.kind;
    expect(["ingress-nginx-access-log", "nginx-error-log"]).toContain(kind);
    const errorLines = mixed.split("\n").filter((l) => /^\d{4}\/\d\d\/\d\d /.test(l)).length;
    const accessLines = mixed.split("\n").filter((l) => /^127\.0\.0\.1 - - \[/.test(l)).length;
    expect([errorLines, accessLines]).toEqual([15, 15]);
    for (const p of [nginxErrorParser, ingressAccessParser]) {
      const r = p.parse(mixed);
      expect(r.status).toBe("success");
      if (r.status !== "success") continue;
      expect(r.data.accessLog).toHaveLength(15);
      // 15 error-log lines of which 3 are [warn] "temporarily disabled": 12 events, as in error.log
      expect(r.data.logEvents!.map((e) => e.kind).sort()).toEqual([
        "cannot_assign_address", "connection_refused", "connection_refused", "connection_refused", "connection_refused",
        "connection_refused", "connection_reset", "no_live_upstreams", "upstream_prematurely_closed", "upstream_timed_out",
        "upstream_timed_out", "upstream_timed_out",
      ]);
      expect(r.warnings).toEqual([]);
      expect(r.data.latencies!.length).toBeGreaterThanOrEqual(4);
    }
  });
});

describe("ingress-nginx controller klog (corpus)", () => {
  it("is recognised (other-text) and not as an nginx error log", () => {
    expect(recognise(klog, "controller.log")?.kind).toBe("other-text");
    expect(recognise(klog, "controller.log")?.parser).toBe(klogParser);
  });

  it("extracts the API server's connection refused (line 15) and the E-level error (line 11)", () => {
    const r = klogParser.parse(klog);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    const ev = r.data.logEvents!;
    expect(ev).toHaveLength(2);
    expect(ev[0]).toMatchObject({ kind: "other_error", line: 11 });
    expect(ev[1]).toMatchObject({ kind: "connection_refused", line: 15, upstream: "127.0.0.1:443", phase: "dial tcp (controller)" });
  });
});
