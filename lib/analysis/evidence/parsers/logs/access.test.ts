import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { corpus, recorded } from "../../testdata/paths";
import { recognise } from "../../registry";
import { ingressAccessParser, nginxAccessParser, validUpstreamAddr } from "./access";

const ingressLog = fs.readFileSync(corpus("logs/ingress-nginx-access-upstream-multi-status.log"), "utf8");

function parse(text: string) {
  const r = ingressAccessParser.parse(text);
  if (r.status !== "success") throw new Error(r.error);
  return r;
}

describe("ingress-nginx upstreaminfo access log (corpus)", () => {
  it("is recognised as ingress-nginx-access-log whatever its name", () => {
    expect(recognise(ingressLog, "x.txt")?.kind).toBe("ingress-nginx-access-log");
    expect(recognise(ingressLog, "nginx-error.log")?.kind).toBe("ingress-nginx-access-log");
  });

  it("parses all 29 lines, entry by entry", () => {
    const { data } = parse(ingressLog);
    const log = data.accessLog!;
    expect(log).toHaveLength(29);
    expect(log.map((e) => e.line)).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
    // line 1: POST /products 200 59 … 89 0.001 [default-web-8080] [] 172.17.0.5:8080 59 0.000 200
    expect(log[0]).toMatchObject({
      status: 200, method: "POST", path: "/products", bodyBytes: 59, requestLength: 89, requestTime: 0.001,
      upstreamName: "default-web-8080", upstreamAddr: ["172.17.0.5:8080"], upstreamStatus: [200],
      upstreamResponseTime: [0], client: "192.168.64.1", time: "2020-02-07T11:48:51+00:00",
    });
  });

  it("keeps '-' upstream fields of a 400 as no upstream (line 5)", () => {
    const e = parse(ingressLog).data.accessLog![4];
    expect(e).toMatchObject({ status: 400, method: "PATCHp", requestLength: 0, requestTime: 0, upstreamAddr: [], upstreamStatus: [], upstreamResponseTime: [] });
    expect(e.upstreamName).toBeUndefined();
  });

  it("reads multi-value upstream fields (line 23: two upstreams, 200, 203)", () => {
    const e = parse(ingressLog).data.accessLog![22];
    expect(e.upstreamAddr).toEqual(["172.17.0.6:8080", "172.17.0.7:8080"]);
    expect(e.upstreamResponseTime).toEqual([0.1, 0.004]);
    expect(e.upstreamStatus).toEqual([200, 203]);
  });

  it("reads IPv6 upstreams with 502, 502 (line 26) and keeps the malformed one as text with a warning (line 27)", () => {
    const r = parse(ingressLog);
    const e26 = r.data.accessLog![25];
    expect(e26).toMatchObject({ status: 502, upstreamAddr: ["[2a02:cf40::7]:5000", "[2a02:cf40::4e36]:5000"], upstreamStatus: [502, 502], client: "2a02:cf40::4e36" });
    const e27 = r.data.accessLog![26];
    expect(e27.upstreamAddr).toEqual(["[2a02:cf40::7]:5000", "[2a02:cf40::::::::4e36]:500000000"]);
    expect(r.warnings).toEqual([{ line: 27, message: expect.stringContaining("[2a02:cf40::::::::4e36]:500000000") }]);
  });

  it("reads a unix: socket upstream (line 28) and '-' inside a list as null (line 29)", () => {
    const log = parse(ingressLog).data.accessLog!;
    expect(log[27].upstreamAddr).toEqual(["unix:/var/run/php-fpm.sock"]);
    expect(log[28].upstreamAddr).toEqual(["172.17.0.6:8080", "172.17.0.7:8080"]);
    expect(log[28].upstreamResponseTime).toEqual([0.1, null]);
    expect(log[28].upstreamStatus).toEqual([200, null]);
  });

  it("adds no latency: every request in this file took < 1 s", () => {
    expect(parse(ingressLog).data.latencies).toEqual([]);
  });
});

describe("recorded nginx access logs (scripts/record/nginx-logs.sh)", () => {
  const read = (n: string) => fs.readFileSync(recorded("nginx", n), "utf8");

  it("upstreaminfo: retried request, group name, empty upstream_addr, slow requests as latencies", () => {
    const text = read("access-upstreaminfo.log");
    expect(recognise(text, "a.log")?.kind).toBe("ingress-nginx-access-log");
    const r = ingressAccessParser.parse(text);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    const log = r.data.accessLog!;
    // lines 11-15 are the script's timing requests: /slow, /refused, /slow, /dropped, /slow
    expect(log.map((e) => e.status)).toEqual([502, 502, 502, 504, 504, 200, 502, 502, 200, 500, 200, 502, 200, 504, 200]);
    expect(log[6]).toMatchObject({ path: "/dead", upstreamAddr: ["127.0.0.1:9003", "127.0.0.1:9007"], upstreamStatus: [502, 502] });
    expect(log[7]).toMatchObject({ path: "/dead", upstreamAddr: ["dead"], upstreamStatus: [502] });
    expect(log[8]).toMatchObject({ path: "/retry", upstreamAddr: ["127.0.0.1:9003", "127.0.0.1:9006"], upstreamStatus: [502, 200] });
    expect(log[9]).toMatchObject({ path: "/bind", status: 500, upstreamAddr: [], upstreamStatus: [], upstreamResponseTime: [0] });
    expect(r.warnings).toEqual([]);
    // /dropped, /hang (1.001 s), /slow and /retry (1.5 s) took >= 1 s, and so did lines 11, 13, 14, 15
    expect(r.data.latencies!.map((l) => l.line)).toEqual([4, 5, 6, 9, 11, 13, 14, 15]);
    expect(r.data.latencies!.every((l) => l.seconds >= 1 && l.seconds < 2 && l.what === "request_time")).toBe(true);
  });

  it("combined with $request_time $upstream_response_time: a retry's two upstream times", () => {
    const text = read("access-timed.log");
    expect(recognise(text, "a.log")?.kind).toBe("nginx-access-log");
    const r = nginxAccessParser.parse(text);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    const retry = r.data.accessLog!.find((e) => e.path === "/retry")!;
    expect(retry.upstreamResponseTime).toHaveLength(2);
    expect(retry.upstreamResponseTime[0]).toBe(0);
    expect(retry.requestTime).toBeGreaterThanOrEqual(1.5);
  });

  it("plain combined: 15 entries, no timings", () => {
    const r = nginxAccessParser.parse(read("access-combined.log"));
    expect(r.status === "success" && r.data.accessLog!.length).toBe(15);
    expect(r.status === "success" && r.data.accessLog!.every((e) => e.requestTime === undefined)).toBe(true);
  });
});

describe("nginx access log variants", () => {
  // the `combined` line format from the nginx docs with the values of corpus line 1
  const combined = '192.168.64.1 - - [07/Feb/2020:11:48:51 +0000] "POST /products HTTP/1.1" 200 59 "-" "curl/7.54.0"\n';

  it("combined: recognised as nginx-access-log, not ingress", () => {
    expect(recognise(combined, "access.log")?.kind).toBe("nginx-access-log");
    const r = nginxAccessParser.parse(combined);
    expect(r.status).toBe("success");
    if (r.status === "success") expect(r.data.accessLog![0]).toMatchObject({ status: 200, method: "POST", path: "/products", bodyBytes: 59 });
  });

  it("combined + request_time + upstream_response_time with a retry and a slow request", () => {
    const text = [
      '10.0.0.9 - - [22/Nov/2026:07:40:01 +0000] "GET /a HTTP/1.1" 502 157 "-" "curl/8.0" 31.742 30.001, 1.700',
      '10.0.0.9 - - [22/Nov/2026:07:40:02 +0000] "GET /b HTTP/1.1" 200 12 "-" "curl/8.0" rt=0.004 uct="0.000" urt="0.003" us="502 : 200" ua="10.1.0.1:80 : 10.1.0.2:80"',
    ].join("\n");
    const r = nginxAccessParser.parse(text);
    expect(r.status).toBe("success");
    if (r.status !== "success") return;
    const [a, b] = r.data.accessLog!;
    expect(a).toMatchObject({ status: 502, requestTime: 31.742, upstreamResponseTime: [30.001, 1.7] });
    expect(b).toMatchObject({ requestTime: 0.004, upstreamStatus: [502, 200], upstreamAddr: ["10.1.0.1:80", "10.1.0.2:80"], upstreamResponseTime: [0.003] });
    expect(r.data.latencies).toEqual([{ seconds: 31.742, source: "access-log", what: "request_time", line: 1 }]);
  });

  it("well-formed but unknown trailing fields: entry kept, one warning", () => {
    const r = nginxAccessParser.parse('1.2.3.4 - - [22/Nov/2026:07:40:01 +0000] "GET / HTTP/1.1" 200 1 "-" "x" foo bar\n');
    expect(r.status).toBe("success");
    if (r.status === "success") {
      expect(r.data.accessLog).toHaveLength(1);
      expect(r.warnings).toHaveLength(1);
    }
  });

  it("unparseable: failed, and nothing recognises it as an access log", () => {
    expect(nginxAccessParser.parse("hello\nworld\n").status).toBe("failed");
    expect(nginxAccessParser.sniff("hello\nworld\n", "access.log")).toBe(0);
  });

  it("validates upstream addresses", () => {
    expect(validUpstreamAddr("172.17.0.5:8080")).toBe(true);
    expect(validUpstreamAddr("[2a02:cf40::7]:5000")).toBe(true);
    expect(validUpstreamAddr("[2a02:cf40::::::::4e36]:500000000")).toBe(false);
    expect(validUpstreamAddr("300.1.1.1:80")).toBe(false);
  });
});
