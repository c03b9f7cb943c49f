// A node's agent snapshots over time, and the counter series charts draw from them.
import type { Prisma } from "../../../generated/prisma/client";
import { Id } from "../../../schemas/common";
import {
  CHART_COUNTERS,
  CounterSeriesQuery,
  GAUGE_COUNTERS,
  MAX_SERIES_POINTS,
  SnapshotListQuery,
  type CounterPoint,
  type CounterSeries,
  type NodeFacts,
  type NodeSnapshot,
} from "../../../schemas/snapshot";
import type { Actor } from "../../auth/policy";
import { decodeCursor, pageOf } from "../../cursor";
import { getPrisma } from "../../db";
import { ValidationError } from "../../errors";
import { visibleNode } from "../../auth/scope";

type Row = Prisma.NodeSnapshotGetPayload<object>;

export function presentSnapshot(r: Row): NodeSnapshot {
  const outputs = Array.isArray(r.outputs) ? (r.outputs as Array<[string, string, string, number]>) : [];
  return {
    id: r.id,
    nodeId: r.nodeId,
    evidenceId: r.evidenceId,
    takenAt: r.takenAt.toISOString(),
    receivedAt: r.receivedAt.toISOString(),
    kernel: r.kernel,
    counters: (r.counters ?? {}) as Record<string, number>,
    facts: (r.facts as NodeFacts | null) ?? null,
    outputs: outputs.map(([name, , kind, bytes]) => ({ name, kind, sizeBytes: bytes })),
  };
}


/** GET /nodes/{id}/snapshots: newest first, keyset pages by takenAt. */
export async function listSnapshots(
  actor: Actor,
  nodeIdRaw: string,
  query: unknown,
): Promise<{ data: NodeSnapshot[]; nextCursor: string | null }> {
  const nodeId = Id.parse(nodeIdRaw);
  const { limit, cursor, from, to } = SnapshotListQuery.parse(query);
  const after = decodeCursor(cursor);
  await visibleNode(actor, nodeId);
  const prisma = await getPrisma();
  const rows = await prisma.nodeSnapshot.findMany({
    where: {
      nodeId,
      ...(from || to ? { takenAt: { ...(from ? { gte: new Date(from) } : {}), ...(to ? { lte: new Date(to) } : {}) } } : {}),
      ...(after ? { OR: [{ takenAt: { lt: after.at } }, { takenAt: after.at, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ takenAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  return pageOf(rows, limit, (r) => ({ at: r.takenAt, id: r.id }), presentSnapshot);
}

/**
 * GET /nodes/{id}/counters: one series per counter over [from, to] (default: the 24 h up to now), oldest first,
 * thinned evenly to MAX_SERIES_POINTS (the last point always kept). A counter a snapshot does not list was zero then
 * (snapshots keep non-zero counters); a gauge it does not list was not read. `delta`/`ratePerSecond` are against the
 * previous point; a counter that went down (a reboot, a reset) has none there.
 */
export async function counterSeries(actor: Actor, nodeIdRaw: string, query: unknown): Promise<CounterSeries> {
  const nodeId = Id.parse(nodeIdRaw);
  const q = CounterSeriesQuery.parse(query);
  await visibleNode(actor, nodeId);
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 86_400_000);
  if (from > to) throw new ValidationError("from is after to", [{ path: "from", message: "after to" }]);
  const names = q.names ?? [...CHART_COUNTERS];
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<Array<{ taken_at: Date; v: Array<number | null> }>>`
    SELECT taken_at, ARRAY(SELECT (counters ->> n)::float8 FROM unnest(${names}::text[]) WITH ORDINALITY AS t(n, i) ORDER BY i) AS v
    FROM node_snapshots WHERE node_id = ${nodeId}::uuid AND taken_at >= ${from} AND taken_at <= ${to}
    ORDER BY taken_at, id`;
  let kept = rows;
  const thinned = rows.length > MAX_SERIES_POINTS;
  if (thinned) {
    const step = (rows.length - 1) / (MAX_SERIES_POINTS - 1);
    kept = Array.from({ length: MAX_SERIES_POINTS }, (_, i) => rows[Math.round(i * step)]!);
  }
  const series = names.map((name, i) => {
    const gauge = GAUGE_COUNTERS.has(name);
    const points: CounterPoint[] = [];
    let prev: { at: number; value: number } | undefined;
    for (const r of kept) {
      const raw = r.v[i];
      if ((raw === null || raw === undefined) && gauge) continue;
      const value = raw ?? 0;
      const at = r.taken_at.getTime();
      let delta: number | null = null;
      let rate: number | null = null;
      if (!gauge && prev && value >= prev.value) {
        delta = value - prev.value;
        rate = at > prev.at ? delta / ((at - prev.at) / 1000) : null;
      }
      points.push({ at: r.taken_at.toISOString(), value, delta, ratePerSecond: rate });
      prev = { at, value };
    }
    return { name, gauge, points };
  });
  return { nodeId, from: from.toISOString(), to: to.toISOString(), snapshots: rows.length, thinned, series };
}
