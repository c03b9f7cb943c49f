// POST /api/v1/ingest/snapshots: one node's outputs at one moment, from an agent holding the cluster's ingest token.
// The node is made under the token's cluster when unknown and its facts (kernel, interfaces, MTUs) follow its latest
// snapshot; outputs are parsed by the evidence engine (one parser), stored once per content, and a changed output
// is stored as its difference to the node's previous version of it. Everything is written by ONE statement (node,
// evidence item, snapshot, blobs, Idempotency-Key, incident link): an ingest costs one round trip, and a retry or a
// crash can never leave half of it.
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { Prisma, type PrismaClient } from "../../../generated/prisma/client";
import { INGEST_LIMITS, SnapshotIngest, type IngestAccepted } from "../../../schemas/ingest";
import type { IngestActor } from "../../auth/policy";
import { getDatabase } from "../../db";
import { ConflictError, NotFoundError } from "../../errors";
import { publish } from "../../events";
import { readAgentJson } from "../../ingest/body";
import { idempotencyKey, replay, requestHash } from "../../ingest/idempotency";
import { parseSnapshot, type ParsedSnapshot, type SnapshotMemory } from "../../ingest/snapshot";
import { enqueueAnalysis } from "../../jobs/queue";
import { isPrismaError } from "../../prisma-errors";
import { applyLinePatch, makeLinePatch } from "../../storage/line-patch";
import { deflateWithDict, gzipBlob, readTextBlobBytes } from "../../storage/text-blobs";

/** `timings`: milliseconds spent reading, parsing, packing blobs and in the database (the route sends them as a
 *  Server-Timing header: bench:ingest reads where the time goes from it). */
export type IngestOutcome = { status: number; body: IngestAccepted; timings?: Record<string, number> };

/** A delta is kept when it is at most this share of the dictionary's own stored size; else the text is stored plain
 *  and becomes the dictionary of the next versions. */
const DELTA_SHARE = 0.5;
/** Texts up to this size are stored as deflate against their dictionary (its last 32 KB are what deflate sees,
 *  and the same line of the next version lies about one text-length back); longer ones as line patches. */
const DICT_WINDOW = 24 * 1024;

/** A gzip'd line patch of `text` against `base`, checked to give the text back; undefined when it does not. */
function linePatched(base: Buffer, text: string): Buffer | undefined {
  const b = base.toString("utf8");
  const patch = makeLinePatch(b, text);
  if (applyLinePatch(b, patch) !== text) return undefined;
  return gzipSync(patch, { level: 6 });
}

/** An incident's analysis waits this long after a snapshot, so a round of snapshots from its nodes is one job. */
const ANALYSIS_DELAY_MS = 5_000;

type Version = { sha: string; base: string; baseSize: number };
type NodeState = { id: string; outputs: Map<string, Version>; memory?: SnapshotMemory };

const store = globalThis as typeof globalThis & {
  __nmNodes?: Map<string, NodeState>;
  __nmBases?: { map: Map<string, Buffer>; bytes: number };
};
const nodes = (store.__nmNodes ??= new Map());
const bases = (store.__nmBases ??= { map: new Map(), bytes: 0 });
const BASE_BUDGET = 64 * 1024 * 1024;

function keepBase(sha: string, bytes: Buffer): void {
  if (bases.map.has(sha) || bytes.length > BASE_BUDGET / 16) return;
  bases.map.set(sha, bytes);
  bases.bytes += bytes.length;
  for (const [k, v] of bases.map) {
    if (bases.bytes <= BASE_BUDGET) break;
    bases.map.delete(k);
    bases.bytes -= v.length;
  }
}

/** What this process knows of the node's latest outputs (from memory, else from its latest snapshot). */
async function nodeState(prisma: PrismaClient, clusterId: string, name: string): Promise<NodeState | undefined> {
  const key = `${clusterId}\0${name}`;
  const known = nodes.get(key);
  if (known) return known;
  const rows = await prisma.$queryRaw<Array<{ id: string; outputs: unknown }>>`
    SELECT n.id, (SELECT s.outputs FROM node_snapshots s WHERE s.node_id = n.id ORDER BY s.taken_at DESC LIMIT 1) AS outputs
    FROM nodes n WHERE n.cluster_id = ${clusterId}::uuid AND n.name = ${name}`;
  if (!rows[0]) return undefined;
  const outputs = new Map<string, Version>();
  const list = Array.isArray(rows[0].outputs) ? (rows[0].outputs as Array<[string, string, string, number]>) : [];
  if (list.length > 0) {
    const info = await prisma.$queryRaw<Array<{ sha256: string; dict_sha256: string | null; size: number; dict_size: number | null }>>`
      SELECT b.sha256, b.dict_sha256, octet_length(b.content) AS size,
             (SELECT octet_length(d.content) FROM text_blobs d WHERE d.sha256 = b.dict_sha256) AS dict_size
      FROM text_blobs b WHERE b.sha256 = ANY(${list.map((o) => o[1])}::char(64)[])`;
    const by = new Map(info.map((i) => [i.sha256, i]));
    for (const [name_, sha] of list) {
      const i = by.get(sha);
      if (i) outputs.set(name_, { sha, base: i.dict_sha256 ?? sha, baseSize: Number(i.dict_sha256 ? i.dict_size : i.size) });
    }
  }
  const state = { id: rows[0].id, outputs };
  nodes.set(key, state);
  return state;
}

type PackedBlob = { sha: string; size: number; content: Buffer; dict: string | null; plain: boolean };

/** New blobs for the outputs that changed: a difference to the node's previous version when it is small. */
async function pack(prisma: PrismaClient, parsed: ParsedSnapshot, prev: NodeState | undefined): Promise<{ blobs: PackedBlob[]; versions: Map<string, Version> }> {
  const blobs: PackedBlob[] = [];
  const versions = new Map<string, Version>();
  const seen = new Set<string>();
  const wantBases = [...new Set(parsed.outputs.map((o) => prev?.outputs.get(o.name)).filter((v): v is Version => !!v && !bases.map.has(v.base)).map((v) => v.base))];
  if (wantBases.length > 0) for (const [sha, bytes] of await readTextBlobBytes(prisma, wantBases)) keepBase(sha, bytes);
  for (const o of parsed.outputs) {
    const before = prev?.outputs.get(o.name);
    if (before && before.sha === o.sha256) {
      versions.set(o.name, before);
      continue;
    }
    const bytes = Buffer.from(o.text, "utf8");
    const base = before ? bases.map.get(before.base) : undefined;
    let blob: PackedBlob | undefined;
    if (before && base) {
      // within deflate's window a preset dictionary finds every unchanged run; past it, lines are diffed
      const delta = base.length <= DICT_WINDOW ? await deflateWithDict(bytes, base) : linePatched(base, o.text);
      if (delta && delta.length <= before.baseSize * DELTA_SHARE) {
        blob = { sha: o.sha256, size: bytes.length, content: delta, dict: before.base, plain: false };
        versions.set(o.name, { sha: o.sha256, base: before.base, baseSize: before.baseSize });
      }
    }
    if (!blob) {
      const gz = await gzipBlob(bytes);
      blob = { sha: o.sha256, size: bytes.length, content: gz, dict: null, plain: true };
      versions.set(o.name, { sha: o.sha256, base: o.sha256, baseSize: gz.length });
      keepBase(o.sha256, bytes);
    }
    if (!seen.has(blob.sha)) {
      seen.add(blob.sha);
      blobs.push(blob);
    }
  }
  return { blobs, versions };
}

/**
 * Node, blobs, evidence item, snapshot, Idempotency-Key and incident link: one statement (see the header). With an
 * Idempotency-Key already stored (a retry), nothing is written and the stored answer comes back instead (`replay`
 * row): the key's check costs no round trip of its own. Two requests racing with one new key both pass the check; the
 * second one's key insert then fails on the unique index and its whole statement with it (the caller replays).
 */
const INGEST_SQL = `
  WITH seen AS (
    SELECT x.request_hash, x.status, x.response FROM idempotency_keys x WHERE $20::text IS NOT NULL AND x.scope = $19::text AND x.key = $20::text
  ),
  n AS (
    INSERT INTO nodes (cluster_id, name, kernel_version, facts, last_snapshot_at, agent_version)
    SELECT $1::uuid, $2::text, $3::text, $4::jsonb, $5::timestamptz, $6::text WHERE NOT EXISTS (SELECT 1 FROM seen)
    ON CONFLICT (cluster_id, name) DO UPDATE SET
      kernel_version = CASE WHEN nodes.last_snapshot_at IS NULL OR EXCLUDED.last_snapshot_at >= nodes.last_snapshot_at
                            THEN COALESCE(EXCLUDED.kernel_version, nodes.kernel_version) ELSE nodes.kernel_version END,
      facts = CASE WHEN nodes.last_snapshot_at IS NULL OR EXCLUDED.last_snapshot_at >= nodes.last_snapshot_at
                   THEN EXCLUDED.facts ELSE nodes.facts END,
      agent_version = CASE WHEN nodes.last_snapshot_at IS NULL OR EXCLUDED.last_snapshot_at >= nodes.last_snapshot_at
                           THEN EXCLUDED.agent_version ELSE nodes.agent_version END,
      last_snapshot_at = GREATEST(nodes.last_snapshot_at, EXCLUDED.last_snapshot_at),
      updated_at = now()
    RETURNING id
  ),
  b AS (
    INSERT INTO text_blobs (sha256, size_bytes, content, dict_sha256)
    SELECT s, z, decode(c, 'hex'), d FROM unnest($7::char(64)[], $8::int[], $9::text[], $10::char(64)[]) AS t(s, z, c, d)
    WHERE NOT EXISTS (SELECT 1 FROM seen)
    ON CONFLICT (sha256) DO NOTHING
  ),
  e AS (
    INSERT INTO evidence_items (id, incident_id, cluster_id, node_id, kind, content_type, sha256, size_bytes, status,
                                recognized, taken_at, created_by_token_id)
    SELECT $11::uuid, $12::uuid, $1::uuid, n.id, 'snapshot', 'application/json', $13::text, $14::bigint, 'ready', $15::jsonb,
           $5::timestamptz, $16::uuid
    FROM n
    RETURNING id
  ),
  s AS (
    INSERT INTO node_snapshots (node_id, evidence_id, taken_at, kernel, counters, facts, outputs)
    SELECT n.id, e.id, $5::timestamptz, $3::text, $17::jsonb, $4::jsonb, $18::jsonb FROM n, e
  ),
  k AS (
    INSERT INTO idempotency_keys (scope, key, request_hash, status, response)
    SELECT $19::text, $20::text, $13::text, 202,
           jsonb_build_object('id', $11::uuid::text, 'nodeId', n.id::text, 'status', 'ready', 'duplicate', false)
    FROM n WHERE $20::text IS NOT NULL
  ),
  l AS (
    INSERT INTO incident_nodes (incident_id, node_id)
    SELECT $12::uuid, n.id FROM n WHERE $12::uuid IS NOT NULL
    ON CONFLICT DO NOTHING
  )
  SELECT n.id::text AS node_id,
         (SELECT array_agg(DISTINCT i.incident_id::text) FROM incident_nodes i JOIN incidents x ON x.id = i.incident_id
          WHERE i.node_id = n.id AND x.status <> 'resolved') AS incidents,
         NULL::text AS replay_hash, NULL::int AS replay_status, NULL::jsonb AS replay
  FROM n
  UNION ALL
  SELECT NULL, NULL, seen.request_hash, seen.status, seen.response FROM seen`;

type IngestRow = { node_id: string | null; incidents: string[] | null; replay_hash: string | null; replay_status: number | null; replay: unknown };

export async function ingestSnapshot(actor: IngestActor, request: Request): Promise<IngestOutcome> {
  const t0 = performance.now();
  const { bytes, value } = await readAgentJson(request, INGEST_LIMITS.maxSnapshotBytes);
  const key = idempotencyKey(request);
  const body = SnapshotIngest.parse(value);
  const db = await getDatabase();
  const prisma = db.prisma;
  const scope = `ingest:${actor.tokenId}`;
  const hash = requestHash(bytes, "snapshots");
  // a retry's Idempotency-Key is looked up by the ingest statement itself (INGEST_SQL); only a snapshot naming an
  // incident asks the database first
  if (body.incidentId) {
    if (key) {
      const again = await replay(prisma, scope, key, hash);
      if (again) return replayed(prisma, again);
    }
    const inc = await prisma.incident.findFirst({ where: { id: body.incidentId, clusterId: actor.clusterId }, select: { id: true } });
    if (!inc) throw new NotFoundError("incident", body.incidentId);
  }

  const t1 = performance.now();
  const prev = await nodeState(prisma, actor.clusterId, body.node);
  const parsed = await parseSnapshot(body, prev?.memory);
  const t2 = performance.now();
  const { blobs, versions } = await pack(prisma, parsed, prev);
  const t3 = performance.now();
  const evidenceId = randomUUID();
  const outputs = parsed.outputs.map((o) => [o.name, o.sha256, o.kind, o.bytes]);
  const takenAt = new Date(body.takenAt);
  const recognized = { hosts: [body.node], files: parsed.outputs.length, recognised: parsed.recognised, skipped: body.skipped.length };
  const response = (nodeId: string): IngestAccepted => ({ id: evidenceId, nodeId, status: "ready", duplicate: false });

  let rows: IngestRow[];
  try {
    // through the driver, not the ORM: this is the hot statement of the ingest API (Prisma's per-query work cost more
    // than the statement). Blob bytes travel as hex text, which both drivers (pg, PGlite) pass the same way.
    rows = await db.withSession((session) =>
      session.query<IngestRow>(INGEST_SQL, [
        actor.clusterId,
        body.node,
        parsed.kernel,
        JSON.stringify(parsed.facts),
        takenAt.toISOString(),
        body.agent.version,
        blobs.map((x) => x.sha),
        blobs.map((x) => x.size),
        blobs.map((x) => x.content.toString("hex")),
        blobs.map((x) => x.dict),
        evidenceId,
        body.incidentId ?? null,
        hash,
        bytes.length,
        JSON.stringify(recognized),
        actor.tokenId,
        JSON.stringify(parsed.counters),
        JSON.stringify(outputs),
        scope,
        key ?? null,
      ], "nm_ingest_snapshot"),
    );
  } catch (err) {
    // the same key raced with itself (both passed the check): the first one's answer stands
    if (key && isUniqueViolation(err)) {
      const again = await replay(prisma, scope, key, hash);
      if (again) return replayed(prisma, again);
    }
    throw err;
  }
  const t4 = performance.now();
  const seen = rows.find((r) => r.replay_hash !== null);
  if (seen) {
    if (seen.replay_hash !== hash) throw new ConflictError(`Idempotency-Key ${key} was already used with another request body`);
    return replayed(prisma, { status: seen.replay_status!, response: seen.replay });
  }
  const nodeId = rows[0]!.node_id!;
  nodes.set(`${actor.clusterId}\0${body.node}`, { id: nodeId, outputs: versions, memory: parsed.memory });

  const incidents = new Set(rows[0]!.incidents ?? []);
  if (body.incidentId) incidents.add(body.incidentId);
  for (const incidentId of incidents) {
    await prisma.$transaction(async (tx) => {
      await enqueueAnalysis(tx, { incidentId, delayMs: ANALYSIS_DELAY_MS });
      await publish(tx, { incidentId, kind: body.incidentId === incidentId ? "evidence" : "node", entityId: body.incidentId === incidentId ? evidenceId : nodeId });
    });
  }
  const t5 = performance.now();
  const r2 = (n: number) => Math.round(n * 100) / 100;
  return {
    status: 202,
    body: response(nodeId),
    timings: { read: r2(t1 - t0), parse: r2(t2 - t1), pack: r2(t3 - t2), sql: r2(t4 - t3), after: r2(t5 - t4), blobs: blobs.length },
  };
}

function isUniqueViolation(err: unknown): boolean {
  if (isPrismaError(err, "P2002")) return true;
  const text = err instanceof Error ? `${err.message} ${(err as { code?: string }).code ?? ""}` : String(err);
  return /23505|unique constraint|duplicate key/i.test(text) || (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2010" && /23505/.test(err.message));
}

async function replayed(_prisma: PrismaClient, again: { status: number; response: unknown }): Promise<IngestOutcome> {
  const r = again.response as IngestAccepted;
  return { status: again.status === 202 ? 200 : again.status, body: { ...r, duplicate: true } };
}
