import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { corpus } from "../../testdata/paths";
import { recognise } from "../../registry";
import { envoyAccessParser } from "./envoy";

const text = fs.readFileSync(corpus("logs/envoy-access-flags-UF-URX-NR.log"), "utf8");

describe("Envoy access log (corpus)", () => {
  it("is recognised as envoy-access-log", () => {
    expect(recognise(text, "x.log")?.kind).toBe("envoy-access-log");
  });

  it("reads all 7 lines: plain, ACCESS-prefixed and JSON-wrapped", () => {
    const r = envoyAccessParser.parse(text);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    const log = r.data.accessLog!;
    expect(log.map((e) => [e.line, e.status])).toEqual([[1, 0], [2, 200], [3, 404], [4, 301], [5, 200], [6, 501], [7, 0]]);
    // line 1: "- - -" 0 - 87 254 4 - … "172.27.0.2:80"  (a TCP proxy line, no flags)
    expect(log[0]).toMatchObject({ bodyBytes: 254, requestTime: 0.004, upstreamAddr: ["172.27.0.2:80"], upstreamResponseTime: [] });
    expect(log[0].responseFlags).toBeUndefined();
    expect(log[0].method).toBeUndefined();
    // line 3: 404 NR, no upstream ("-")
    expect(log[2]).toMatchObject({ method: "GET", path: "/elastic", responseFlags: ["NR"], upstreamAddr: [], client: "172.17.0.3" });
    // line 6 (JSON-wrapped): 501, duration 180 ms, upstream service time 179 ms
    expect(log[5]).toMatchObject({ status: 501, requestTime: 0.18, upstreamResponseTime: [0.179], upstreamAddr: ["67.43.156.18:80"], time: "2019-04-10T03:49:34.451Z" });
    // line 7 (JSON-wrapped): UF,URX to 127.0.0.1:9200
    expect(log[6]).toMatchObject({ status: 0, responseFlags: ["UF", "URX"], upstreamAddr: ["127.0.0.1:9200"] });
    expect(r.warnings).toEqual([]);
  });

  it("well-formed but unknown flag and an Istio-style detail word still parse", () => {
    const line = '[2026-11-22T07:40:01.000Z] "GET /x HTTP/1.1" 503 UC,ZZ upstream_reset_before_response_started{connection_termination} - "-" 0 95 1234 - "-" "curl/8" "id" "svc" "10.0.0.9:8080"';
    const r = envoyAccessParser.parse(line);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    expect(r.data.accessLog![0]).toMatchObject({ status: 503, responseFlags: ["UC", "ZZ"], requestTime: 1.234, upstreamAddr: ["10.0.0.9:8080"] });
    expect(r.data.latencies).toEqual([{ seconds: 1.234, source: "access-log", what: "duration", line: 1 }]);
  });

  it("unparseable input fails and is not sniffed", () => {
    expect(envoyAccessParser.parse("{not json\n[x] y").status).toBe("failed");
    expect(envoyAccessParser.sniff("{}\n{}", "envoy.log")).toBe(0);
  });
});
