/**
 * Chart data mappers: wire data (lib/schemas/warroom.ts ChartData, snapshot.ts CounterSeries) → what the recharts
 * components draw, plus each chart's text alternative. Pure functions, no React; tested in data.test.ts.
 */
import type { ChartData } from "@/lib/schemas/warroom";
import type { CounterSeries } from "@/lib/schemas/snapshot";

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en-US") : String(Number(n.toFixed(2))));

// ─── SYN / SYN-ACK retransmission offsets vs the kernel's schedule ─────────────────────────────────────────────

export type RetransBar = { offset: number; syn: number; synAck: number };
export type RetransChart = {
  bars: RetransBar[];
  /** the kernel's SYN schedule (offsets), drawn as reference lines */
  schedule: number[];
  synAckSchedule: number[];
  basis: string;
  total: { syn: number; synAck: number };
  summary: string;
};

/** Whose kernel's schedule applies: the capture hosts' first known kernel, else the first host's. */
function scheduleHost(data: ChartData, host?: string) {
  const capHosts = new Set(data.captures.filter((c) => !host || c.host === host).map((c) => c.host));
  return data.hosts.find((h) => capHosts.has(h.name) && h.kernel) ?? data.hosts.find((h) => h.kernel) ?? data.hosts[0];
}

export function retransChart(data: ChartData, host?: string): RetransChart {
  const byOffset = new Map<number, RetransBar>();
  const add = (hist: Record<string, number>, key: "syn" | "synAck") => {
    for (const [k, v] of Object.entries(hist)) {
      const offset = Math.round(Number(k) * 10) / 10;
      if (!Number.isFinite(offset)) continue;
      const bar = byOffset.get(offset) ?? { offset, syn: 0, synAck: 0 };
      bar[key] += v;
      byOffset.set(offset, bar);
    }
  };
  for (const c of data.captures) {
    if (host && c.host !== host) continue;
    add(c.synRetrans, "syn");
    add(c.synAckRetrans, "synAck");
  }
  const bars = [...byOffset.values()].sort((a, b) => a.offset - b.offset);
  const h = scheduleHost(data, host);
  const total = { syn: bars.reduce((n, b) => n + b.syn, 0), synAck: bars.reduce((n, b) => n + b.synAck, 0) };
  const schedule = h?.syn.retransmits ?? [];
  const synAckSchedule = h?.synAck.retransmits ?? [];
  const basis = h ? `${h.name}: ${h.syn.basis}` : "no kernel known";
  const list = (key: "syn" | "synAck") =>
    bars.filter((b) => b[key] > 0).map((b) => `+${fmt(b.offset)} s (${fmt(b[key])})`).join(", ");
  const summary =
    data.captures.length === 0
      ? "No capture yet: no retransmission offsets to show."
      : total.syn + total.synAck === 0
        ? "No SYN or SYN-ACK was retransmitted in the captures."
        : [
            total.syn ? `SYN retransmissions at ${list("syn")}.` : "",
            total.synAck ? `SYN-ACK retransmissions at ${list("synAck")}.` : "",
            schedule.length ? `The kernel's SYN schedule (${basis}): +${schedule.map(fmt).join(", +")} s.` : "",
          ]
            .filter(Boolean)
            .join(" ");
  return { bars, schedule, synAckSchedule, basis, total, summary };
}

// ─── latencies vs schedule and configured timeouts ────────────────────────────────────────────────────────────

export type LatencyBin = { from: number; to: number; mid: number; count: number };
export type LatencyMark = { x: number; label: string; kind: "syn" | "timeout" };
export type LatencyChart = { bins: LatencyBin[]; width: number; marks: LatencyMark[]; max: number; summary: string };

export function latencyChart(data: ChartData): LatencyChart {
  const values = data.latencies.map((l) => l.seconds).filter((s) => Number.isFinite(s) && s >= 0);
  const max = values.reduce((m, v) => Math.max(m, v), 0);
  const h = scheduleHost(data);
  const schedule = h?.syn.retransmits ?? [];
  // wide enough to show the first schedule points and the slowest latency
  const span = Math.max(max, 1) * 1.05;
  const width = span <= 3 ? 0.1 : span <= 12 ? 0.25 : span <= 70 ? 1 : Math.ceil(span / 70);
  const n = Math.max(1, Math.ceil(span / width));
  const bins: LatencyBin[] = Array.from({ length: n }, (_, i) => ({ from: round(i * width), to: round((i + 1) * width), mid: round((i + 0.5) * width), count: 0 }));
  for (const v of values) bins[Math.min(n - 1, Math.floor(v / width))]!.count++;
  const marks: LatencyMark[] = [
    ...schedule.filter((x) => x <= span).map((x, i) => ({ x, label: `SYN retry ${i + 1} (+${fmt(x)} s)`, kind: "syn" as const })),
    ...data.timeouts.filter((t) => t.seconds <= span).map((t) => ({ x: t.seconds, label: `${t.name} (${fmt(t.seconds)} s)`, kind: "timeout" as const })),
  ];
  const slow = values.filter((v) => v >= 0.9).sort((a, b) => b - a);
  const onSchedule = slow.filter((v) => schedule.some((p) => v >= p - 0.05 && v <= p + Math.min(1.5, Math.max(0.25, p * 0.1))));
  const summary =
    values.length === 0
      ? "No latencies in the evidence yet."
      : `${fmt(data.latenciesTotal)} latencies${data.latenciesTotal > values.length ? ` (the slowest ${fmt(values.length)} drawn)` : ""}, the slowest ${fmt(max)} s. ` +
        (slow.length
          ? `${fmt(slow.length)} at or above 0.9 s, ${fmt(onSchedule.length)} of them just after a point of the kernel's SYN schedule (+${schedule.slice(0, 6).map(fmt).join(", +")} s).`
          : "None at or above 0.9 s.") +
        (data.timeouts.length ? ` Configured timeouts: ${data.timeouts.map((t) => `${t.name} ${fmt(t.seconds)} s`).join("; ")}.` : "");
  return { bins, width, marks, max, summary };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ─── flows by state ───────────────────────────────────────────────────────────────────────────────────────────

/** Zeek conn_state, in Zeek's order, and what each means to someone reading a chart */
export const CONN_STATES: Array<{ state: string; meaning: string; failed: boolean }> = [
  { state: "S0", meaning: "SYN seen, no reply", failed: true },
  { state: "S1", meaning: "established, not closed", failed: false },
  { state: "SF", meaning: "normal open and close", failed: false },
  { state: "REJ", meaning: "SYN answered by a reset (refused)", failed: true },
  { state: "S2", meaning: "established, only the originator closed", failed: false },
  { state: "S3", meaning: "established, only the responder closed", failed: false },
  { state: "RSTO", meaning: "established, originator reset", failed: false },
  { state: "RSTR", meaning: "established, responder reset", failed: false },
  { state: "RSTOS0", meaning: "originator SYN then reset, no SYN-ACK", failed: true },
  { state: "RSTRH", meaning: "responder SYN-ACK then reset, no SYN seen", failed: true },
  { state: "SH", meaning: "originator SYN then FIN, no SYN-ACK", failed: true },
  { state: "SHR", meaning: "responder SYN-ACK then FIN, no SYN seen", failed: true },
  { state: "OTH", meaning: "no SYN seen (midstream)", failed: false },
];

export type FlowStateBar = { state: string; count: number; failed: boolean; meaning: string };

export function flowsByState(data: ChartData, host?: string): { bars: FlowStateBar[]; total: number; summary: string } {
  const counts = new Map<string, number>();
  for (const c of data.captures) {
    if (host && c.host !== host) continue;
    for (const [k, v] of Object.entries(c.flowsByState)) counts.set(k, (counts.get(k) ?? 0) + v);
  }
  const known = CONN_STATES.filter((s) => counts.has(s.state)).map((s) => ({ state: s.state, count: counts.get(s.state)!, failed: s.failed, meaning: s.meaning }));
  const other = [...counts].filter(([k]) => !CONN_STATES.some((s) => s.state === k)).map(([state, count]) => ({ state, count, failed: false, meaning: state }));
  const bars = [...known, ...other];
  const total = bars.reduce((n, b) => n + b.count, 0);
  const failed = bars.filter((b) => b.failed).reduce((n, b) => n + b.count, 0);
  const summary =
    total === 0
      ? "No flows captured yet."
      : `${fmt(total)} TCP flows: ${bars.map((b) => `${b.state} ${fmt(b.count)} (${b.meaning})`).join(", ")}. ${fmt(failed)} never completed a handshake.`;
  return { bars, total, summary };
}

// ─── counters over time per node ──────────────────────────────────────────────────────────────────────────────

export type CounterRow = { t: number } & Record<string, number | null>;
export type CounterChart = {
  counter: string;
  gauge: boolean;
  /** "value" for gauges, "per second" for running totals (rate between snapshots) */
  unit: "value" | "per second";
  rows: CounterRow[];
  nodes: string[];
  /** the incident's start (ms), drawn as a reference line */
  start: number;
  summary: string;
};

export function counterChart(per: Array<{ node: string; series: CounterSeries }>, counter: string, startedAt: string): CounterChart {
  const start = Date.parse(startedAt);
  const byTime = new Map<number, CounterRow>();
  let gauge = false;
  const nodes: string[] = [];
  const peaks: string[] = [];
  for (const { node, series } of per) {
    const s = series.series.find((x) => x.name === counter);
    if (!s || s.points.length === 0) continue;
    gauge = s.gauge;
    nodes.push(node);
    let peak: { v: number; t: number } | null = null;
    for (const p of s.points) {
      const t = Date.parse(p.at);
      const v = s.gauge ? p.value : p.ratePerSecond;
      const row = byTime.get(t) ?? ({ t } as CounterRow);
      row[node] = v;
      byTime.set(t, row);
      if (v !== null && (!peak || v > peak.v)) peak = { v, t };
    }
    if (peak) {
      const rel = Math.round((peak.t - start) / 60_000);
      peaks.push(`${node} peaks at ${fmt(peak.v)}${s.gauge ? "" : "/s"} ${rel === 0 ? "at the incident's start" : rel > 0 ? `${fmt(rel)} min after the start` : `${fmt(-rel)} min before the start`}`);
    }
  }
  const rows = [...byTime.values()].sort((a, b) => a.t - b.t);
  const summary =
    nodes.length === 0
      ? `No snapshots with ${counter} yet.`
      : `${counter} ${gauge ? "" : "per second "}on ${nodes.length} node(s) over ${rows.length} snapshots: ${peaks.join("; ")}.`;
  return { counter, gauge, unit: gauge ? "value" : "per second", rows, nodes, start, summary };
}
