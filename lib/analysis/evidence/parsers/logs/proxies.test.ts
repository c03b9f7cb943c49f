/**
 * HAProxy and JSON access logs recorded by scripts/record/proxy-logs.sh (read in place from the paste
 * cases it feeds, lib/analysis/diagnosis/testdata/pastes/recorded/px-*), plus the Traefik JSON shape.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseTextParts, recognise } from "../../index";
import { haproxyLogParser } from "./haproxy";
import { jsonAccessParser } from "./jsonAccess";

const CASES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../../diagnosis/testdata/pastes/recorded");
const rd = (...p: string[]) => readFileSync(path.join(CASES, ...p), "utf8");

describe("HAProxy httplog", () => {
  it("sC-- (connect timed out, Tc -1) becomes an upstream connect timeout; the 3 s is the request time", () => {
    const r = parseTextParts(rd("px-haproxy-sC-backend-ss", "paste.txt"), "paste.txt");
    const hp = r.parts.find((p) => p.kind === "haproxy-log")!;
    expect(hp.facts.accessLog).toHaveLength(4);
    const e = hp.facts.accessLog![0]!;
    expect([e.status, e.responseFlags, e.upstreamResponseTime, e.requestTime, e.upstreamName]).toEqual([503, ["sC--"], [null], 3.001, "stalled"]);
    expect(hp.facts.logEvents!.map((x) => [x.kind, x.phase])).toEqual(Array(4).fill(["upstream_timed_out", "while connecting to upstream"]));
    // cited at the line of the original paste (line 1 is the prompt)
    expect(hp.facts.logEvents![0]!.line).toBe(2);
  });
  it("'Cannot bind to source address' alerts are a source-port exhaustion; SC-- a refused connect; ---- a normal end", () => {
    const out = haproxyLogParser.parse(rd("px-haproxy-no-free-ports", "haproxy.txt").split("\n").slice(1).join("\n"));
    expect(out.status).toBe("success");
    if (out.status !== "success") return;
    expect(out.data.logEvents!.filter((x) => x.kind === "cannot_assign_address").length).toBeGreaterThanOrEqual(2);
    expect(out.data.logEvents!.some((x) => x.kind === "connection_refused")).toBe(true);
    expect(out.data.accessLog!.filter((x) => x.status === 200).every((x) => x.responseFlags?.[0] === "----")).toBe(true);
  });
});

describe("JSON access logs", () => {
  it("nginx escape=json in the ingress-nginx style: 504 after 3 s, upstream status and address", () => {
    const t = rd("px-json-log-backend-netstat", "access.json.log");
    expect(recognise(t, "x.log")?.kind).toBe("json-access-log");
    const out = jsonAccessParser.parse(t);
    expect(out.status).toBe("success");
    if (out.status !== "success") return;
    const e = out.data.accessLog![0]!;
    expect([e.status, e.requestTime, e.upstreamAddr, e.upstreamStatus, e.upstreamName]).toEqual([504, Number(JSON.parse(t.split("\n")[0]!).request_time), ["10.219.0.2:8080"], [504], "default-app-8080"]);
    expect(out.data.latencies!.length).toBe(out.data.accessLog!.length);
  });
  it("Traefik's field names (Duration in ns, DownstreamStatus, OriginStatus, ServiceURL) — following Traefik's documented JSON format", () => {
    const line = JSON.stringify({ ClientAddr: "10.0.0.9:51234", DownstreamStatus: 502, Duration: 31701234567, OriginDuration: 31700000000, OriginStatus: 0, RequestMethod: "GET", RequestPath: "/api", RouterName: "api@kubernetes", ServiceURL: "http://10.244.1.7:8080", StartUTC: "2026-12-07T10:00:00.123456789Z" });
    const out = jsonAccessParser.parse(`${line}\n`);
    expect(out.status).toBe("success");
    if (out.status !== "success") return;
    const e = out.data.accessLog![0]!;
    expect([e.status, e.requestTime, e.upstreamAddr, e.method, e.path, e.upstreamName]).toEqual([502, 31.701234567, ["http://10.244.1.7:8080"], "GET", "/api", "api@kubernetes"]);
    expect(out.data.latencies![0]!.seconds).toBeCloseTo(31.70, 2);
  });
});
