import { describe, expect, it } from "vitest";
import { AnalysisState } from "./analysis";
import { CaptureRequestCreate } from "./capture-request";
import { EvidenceListQuery, UploadFilename, UploadQuery } from "./evidence";
import { CounterSeriesQuery } from "./snapshot";

describe("evidence shapes", () => {
  it("takes a file name but not a path", () => {
    expect(UploadFilename.safeParse("incident-42.tar.gz").success).toBe(true);
    expect(UploadFilename.safeParse("../etc/passwd").success).toBe(false);
    expect(UploadFilename.safeParse("a\\b.txt").success).toBe(false);
    expect(UploadFilename.safeParse("x".repeat(256)).success).toBe(false);
  });

  it("reads keepRaw from the query string", () => {
    expect(UploadQuery.parse({ keepRaw: "true" }).keepRaw).toBe(true);
    expect(UploadQuery.parse({ keepRaw: "0" }).keepRaw).toBe(false);
    expect(UploadQuery.parse({}).keepRaw).toBeUndefined();
    expect(UploadQuery.safeParse({ keepRaw: "yes" }).success).toBe(false);
    expect(UploadQuery.safeParse({ other: "1" }).success).toBe(false);
  });

  it("filters lists by kind and node", () => {
    expect(EvidenceListQuery.parse({ kind: "capture-summary", nodeId: "" })).toMatchObject({ kind: "capture-summary", limit: 25 });
    expect(EvidenceListQuery.safeParse({ kind: "zip" }).success).toBe(false);
  });
});

describe("counter series query", () => {
  it("splits and bounds the names", () => {
    expect(CounterSeriesQuery.parse({ names: "TcpExt.ListenOverflows, Conntrack.count" }).names).toEqual([
      "TcpExt.ListenOverflows",
      "Conntrack.count",
    ]);
    expect(CounterSeriesQuery.parse({ names: "" }).names).toBeUndefined();
    expect(CounterSeriesQuery.safeParse({ names: Array.from({ length: 21 }, (_, i) => `c${i}`).join(",") }).success).toBe(false);
    expect(CounterSeriesQuery.safeParse({ names: "a;drop table" }).success).toBe(false);
    expect(CounterSeriesQuery.safeParse({ from: "yesterday" }).success).toBe(false);
  });
});

describe("capture requests", () => {
  it("defaults to 30 s and bounds interface, seconds and filter", () => {
    expect(CaptureRequestCreate.parse({ iface: "eth0" })).toEqual({ iface: "eth0", seconds: 30, sendRaw: false });
    expect(CaptureRequestCreate.safeParse({ iface: "eth0; rm -rf /" }).success).toBe(false);
    expect(CaptureRequestCreate.safeParse({ iface: "eth0", seconds: 301 }).success).toBe(false);
    expect(CaptureRequestCreate.safeParse({ iface: "eth0", filter: "tcp\nport 80" }).success).toBe(false);
    expect(CaptureRequestCreate.parse({ iface: "any", filter: "tcp port 443 and host 10.0.0.1" }).filter).toBe("tcp port 443 and host 10.0.0.1");
  });
});

describe("analysis state", () => {
  it("carries the engine's analysis fields next to the job's", () => {
    const r = AnalysisState.safeParse({
      status: "done",
      job: null,
      analysisId: "a",
      version: 1,
      computedAt: "2026-12-07T18:00:00.000Z",
      evidenceIds: [],
      stale: false,
      rootCause: "accept_queue_overflow",
      findings: [],
    });
    expect(r.success).toBe(true);
    expect(AnalysisState.safeParse({ status: "done", job: null, analysisId: null, version: null, computedAt: null, evidenceIds: [], stale: false, rootCause: "bogus" }).success).toBe(false);
  });
});
