import { z } from "zod";
import { PageQuery, Timestamp, queryFilter } from "./common";

// A node's agent snapshots over time and the counter series charts draw from them.
//
//   GET /api/v1/nodes/{id}/snapshots   NodeSnapshot[] newest first (keyset pages), ?from= ?to=
//   GET /api/v1/nodes/{id}/counters    CounterSeries: ?names=a,b ?from= ?to= (default: the last 24 h, CHART_COUNTERS)

/** Interfaces, route MTUs and what the agent could not collect, as the snapshot's outputs said. */
export const NodeFacts = z
  .object({
    interfaces: z.array(
      z.object({
        name: z.string(),
        kind: z.string(),
        mtu: z.number().int(),
        state: z.string().optional(),
        master: z.string().optional(),
        /** the tunnel's VNI and underlay device (vxlan/geneve) */
        tunnel: z.object({ id: z.number().int(), dev: z.string().optional() }).optional(),
        addresses: z.array(z.string()),
      }),
    ),
    routeMtus: z.array(z.object({ dst: z.string(), dev: z.string().optional(), mtu: z.number().int() })),
    skipped: z.array(z.object({ command: z.string(), reason: z.string() })),
  })
  .meta({ id: "NodeFacts" });
export type NodeFacts = z.infer<typeof NodeFacts>;

export const NodeSnapshot = z
  .object({
    id: z.string(),
    nodeId: z.string(),
    evidenceId: z.string(),
    takenAt: z.string(),
    receivedAt: z.string(),
    kernel: z.string().nullable(),
    /** counter name → value as read at takenAt (non-zero counters and gauges; names as HostEvidence.counters) */
    counters: z.record(z.string(), z.number()),
    facts: NodeFacts.nullable(),
    /** the outputs of this snapshot and what each was recognised as */
    outputs: z.array(z.object({ name: z.string(), kind: z.string(), sizeBytes: z.number().int() })),
  })
  .meta({ id: "NodeSnapshot" });
export type NodeSnapshot = z.infer<typeof NodeSnapshot>;

export const SnapshotListQuery = PageQuery.extend({
  from: queryFilter(Timestamp),
  to: queryFilter(Timestamp),
});
export type SnapshotListQuery = z.infer<typeof SnapshotListQuery>;

/** What charts show by default: the counters the diagnosis rules read, and the gauges next to them. */
export const CHART_COUNTERS = [
  "TcpExt.ListenOverflows",
  "TcpExt.ListenDrops",
  "TcpExt.TCPTimeouts",
  "TcpExt.TCPSynRetrans",
  "Tcp.RetransSegs",
  "Tcp.AttemptFails",
  "Tcp.EstabResets",
  "TcpExt.TCPAbortOnTimeout",
  "TcpExt.PAWSPassive",
  "TcpExt.IPReversePathFilter",
  "Ip.FragFails",
  "Sockstat.TCP.tw",
  "Sockstat.TCP.inuse",
  "Conntrack.count",
  "Conntrack.max",
  "Conntrack.drop",
  "Conntrack.early_drop",
  "Conntrack.insert_failed",
] as const;

/** Gauges (a level, not a running total): their points carry no delta or rate. */
export const GAUGE_COUNTERS: ReadonlySet<string> = new Set([
  "Sockstat.TCP.tw",
  "Sockstat.TCP.inuse",
  "Sockstat.TCP.orphan",
  "Sockstat.TCP.alloc",
  "Sockstat.TCP.mem",
  "Sockstat.UDP.inuse",
  "Sockstat.sockets.used",
  "Conntrack.count",
  "Conntrack.max",
]);

const CounterName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "a counter name (TcpExt.ListenOverflows)");

export const CounterSeriesQuery = z.strictObject({
  /** comma-separated counter names, at most 20 */
  names: queryFilter(
    z
      .string()
      .max(2100)
      .transform((s) => s.split(",").map((n) => n.trim()).filter(Boolean))
      .pipe(z.array(CounterName).min(1).max(20)),
  ),
  from: queryFilter(Timestamp),
  to: queryFilter(Timestamp),
});
export type CounterSeriesQuery = z.infer<typeof CounterSeriesQuery>;

export const CounterPoint = z.object({
  at: z.string(),
  value: z.number(),
  /** change since the previous point (null: first point, a gauge, or the counter went down: a reboot/reset) */
  delta: z.number().nullable(),
  ratePerSecond: z.number().nullable(),
});
export type CounterPoint = z.infer<typeof CounterPoint>;

export const CounterSeries = z
  .object({
    nodeId: z.string(),
    from: z.string(),
    to: z.string(),
    /** snapshots in the window (points are at most this many per series; a series skips snapshots without it) */
    snapshots: z.number().int(),
    /** series are capped at MAX_SERIES_POINTS points, evenly thinned */
    thinned: z.boolean(),
    series: z.array(z.object({ name: z.string(), gauge: z.boolean(), points: z.array(CounterPoint) })),
  })
  .meta({ id: "CounterSeries" });
export type CounterSeries = z.infer<typeof CounterSeries>;

export const MAX_SERIES_POINTS = 2000;
