// Chart mappers on chart data built from real evidence: the lab's accept-queue bundle (SYNs retransmitted on the
// 6.18 schedule), the healthy one, seed 002 (the 32 s latency on the SYN-ACK schedule), and agent-style counter
// series.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readBundle } from "@/lib/analysis/bundle";
import { chartInputs, type ChecklistInput } from "@/lib/analysis/checklist";
import { ChartData } from "@/lib/schemas/warroom";
import type { CounterSeries } from "@/lib/schemas/snapshot";
import { counterChart, flowsByState, latencyChart, retransChart } from "./data";

const root = path.resolve(__dirname, "../../..");
const LAB = path.join(root, "lib/analysis/checklist/testdata/lab");
const SEEDS = path.join(root, "lib/analysis/diagnosis/testdata/seeds");

async function chartDataOf(p: string): Promise<ChartData> {
  const b = await readBundle([p], { captures: {} });
  if (b.status !== "success") throw new Error(b.error.message);
  const captures: ChecklistInput["captures"] = b.captures;
  // what the server sends must be what the wire schema says
  return ChartData.parse(chartInputs({ analysis: null, hosts: b.hosts, captures }));
}

describe("retransChart", () => {
  it("accept queue overflow: SYN retransmissions land on 6.18's linear-then-doubling schedule", async () => {
    const data = await chartDataOf(path.join(LAB, "accept_queue_overflow.tar.gz"));
    const c = retransChart(data);
    expect(c.schedule.slice(0, 7)).toEqual([1, 2, 3, 4, 5, 7, 11]);
    expect(c.basis).toMatch(/kernel 6\.18\.44.*tcp_syn_linear_timeouts=4/);
    expect(c.total.syn).toBeGreaterThan(100);
    // every bar sits within 0.2 s of a point of the schedule
    for (const b of c.bars.filter((x) => x.syn > 0)) expect(c.schedule.some((p) => Math.abs(p - b.offset) <= 0.2), `bar at ${b.offset}`).toBe(true);
    expect(c.bars.map((b) => b.offset)).toEqual([...c.bars.map((b) => b.offset)].sort((a, b) => a - b));
    expect(c.summary).toMatch(/^SYN retransmissions at \+1 s \(\d+\), \+2 s/);
    expect(c.summary).toContain("The kernel's SYN schedule (server: kernel 6.18.44");
  });

  it("healthy: nothing retransmitted, and the text says so", async () => {
    const c = retransChart(await chartDataOf(path.join(LAB, "healthy.tar.gz")));
    expect(c.bars).toEqual([]);
    expect(c.summary).toBe("No SYN or SYN-ACK was retransmitted in the captures.");
  });

  it("no capture", () => {
    expect(retransChart({ hosts: [], captures: [], latencies: [], latenciesTotal: 0, timeouts: [] }).summary).toMatch(/No capture yet/);
  });
});

describe("latencyChart", () => {
  it("seed 002: the 32.05 s request sits just after the SYN schedule's +19 s… and the ingress-nginx timeouts are marked", async () => {
    const data = await chartDataOf(path.join(SEEDS, "002-nodeport"));
    const c = latencyChart(data);
    expect(c.max).toBeCloseTo(32.05, 2);
    expect(c.width).toBe(1);
    const bin = c.bins.find((b) => b.from <= 32.05 && 32.05 < b.to)!;
    expect(bin.count).toBeGreaterThanOrEqual(1);
    expect(c.bins.reduce((n, b) => n + b.count, 0)).toBe(data.latencies.length);
    expect(c.marks.filter((m) => m.kind === "timeout").map((m) => m.label)).toEqual(["ingress-nginx connect timeout (default) (5 s)"]);
    expect(c.marks.filter((m) => m.kind === "syn").map((m) => m.x)).toEqual([1, 2, 3, 4, 5, 7, 11, 19]);
    expect(c.summary).toMatch(/the slowest 32\.05 s/);
  });

  it("healthy: sub-second latencies in 0.1 s bins", async () => {
    const c = latencyChart(await chartDataOf(path.join(LAB, "healthy.tar.gz")));
    expect(c.width).toBe(0.1);
    expect(c.summary).toMatch(/None at or above 0\.9 s\./);
  });
});

describe("flowsByState", () => {
  it("accept queue overflow: S0 flows are counted as failed, in Zeek's order", async () => {
    const data = await chartDataOf(path.join(LAB, "accept_queue_overflow.tar.gz"));
    const f = flowsByState(data, "server");
    const s0 = f.bars.find((b) => b.state === "S0");
    expect(s0?.failed).toBe(true);
    expect(f.total).toBe(f.bars.reduce((n, b) => n + b.count, 0));
    expect(f.summary).toMatch(/S0 \d+ \(SYN seen, no reply\)/);
  });
});

describe("counterChart", () => {
  const series = (nodeId: string, pts: Array<[string, number, number | null]>): CounterSeries => ({
    nodeId, from: pts[0]![0], to: pts.at(-1)![0], snapshots: pts.length, thinned: false,
    series: [{ name: "TcpExt.ListenOverflows", gauge: false, points: pts.map(([at, value, rate]) => ({ at, value, delta: null, ratePerSecond: rate })) }],
  });
  it("one row per snapshot time, a column per node (rates for running totals), the start marked", () => {
    const c = counterChart(
      [
        { node: "node-a", series: series("a", [["2026-12-07T10:00:00Z", 0, null], ["2026-12-07T10:01:00Z", 60, 1], ["2026-12-07T10:02:00Z", 1260, 20]]) },
        { node: "node-b", series: series("b", [["2026-12-07T10:01:00Z", 5, null], ["2026-12-07T10:02:00Z", 5, 0]]) },
      ],
      "TcpExt.ListenOverflows",
      "2026-12-07T10:01:00Z",
    );
    expect(c.unit).toBe("per second");
    expect(c.rows).toEqual([
      { t: Date.parse("2026-12-07T10:00:00Z"), "node-a": null },
      { t: Date.parse("2026-12-07T10:01:00Z"), "node-a": 1, "node-b": null },
      { t: Date.parse("2026-12-07T10:02:00Z"), "node-a": 20, "node-b": 0 },
    ]);
    expect(c.start).toBe(Date.parse("2026-12-07T10:01:00Z"));
    expect(c.summary).toBe("TcpExt.ListenOverflows per second on 2 node(s) over 3 snapshots: node-a peaks at 20/s 1 min after the start; node-b peaks at 0/s 1 min after the start.");
  });
  it("no snapshots", () => {
    expect(counterChart([], "Conntrack.count", "2026-12-07T10:00:00Z").summary).toBe("No snapshots with Conntrack.count yet.");
  });
});
