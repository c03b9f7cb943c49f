// An incident's analysis from the database alone: the texts of its ready evidence (text_blobs) become the bundle
// reader's own entry records (lib/analysis/bundle/fs.ts `record`: one parser), agent snapshots with their real times
// (so the merge makes deltas with seconds and rates), capture summaries as stored; assembleHosts groups them into
// hosts as readBundle does, and diagnose() gives the analysis, with what could not be read in `unreadable`.
import { DEFAULT_LIMITS, assembleHosts, type BundleInput, type EntryRecord } from "../../analysis/bundle";
import { record } from "../../analysis/bundle/fs";
import { stripArchiveExt } from "../../analysis/bundle/walk";
import type { SummaryOptions } from "../../analysis/capture";
import type { CaptureSummary } from "../../analysis/capture/model";
import type { DiagnoseContext } from "../../analysis/diagnosis/context";
import { diagnose } from "../../analysis/diagnosis";
import type { Analysis } from "../../analysis/diagnosis/model";
import type { PrismaClient } from "../../generated/prisma/client";
import { collectGarbage } from "../memory";
import { readCaptureSummary } from "../storage/capture-summaries";
import { readTextBlobs } from "../storage/text-blobs";

/** One stored file as the analysis reads it: its text (a blob) or its capture summary. */
export type StoredFile = {
  path: string;
  text?: string;
  capture?: { format: "pcap" | "pcapng"; bytes: number; summary: CaptureSummary };
  unreadable?: string;
};

export interface StoredEvidence {
  /** the evidence items the analysis reads (for analyses.evidence_ids) */
  itemIds: string[];
  /** one input per evidence item and host (loose: the paths are already the host's) */
  inputs: Array<{ host: string; takenAt?: string; files: StoredFile[] }>;
  context: DiagnoseContext;
}

/** How far before the incident's start a node's snapshot still serves as its baseline. */
export const BASELINE_WINDOW_MS = 24 * 3600_000;

type FileRow = {
  /** null for a snapshot's outputs (listed in its node_snapshots row) */
  id: string | null;
  evidenceId: string;
  host: string;
  path: string;
  kind: string;
  sizeBytes: bigint;
  blobSha256: string | null;
  unreadable: string | null;
};

const compactTime = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

/**
 * Which snapshots of a node an analysis reads: the last one at or before the incident's start (within
 * BASELINE_WINDOW_MS; else the first after it) and the latest one up to the incident's end. Counters come as the
 * latest reading plus the deltas between those two, which is all the merge keeps of a longer series.
 */
async function snapshotIds(prisma: PrismaClient, incident: { id: string; startedAt: Date; resolvedAt: Date | null }): Promise<string[]> {
  const linked = await prisma.incidentNode.findMany({ where: { incidentId: incident.id }, select: { nodeId: true } });
  const attached = await prisma.evidenceItem.findMany({
    where: { incidentId: incident.id, kind: "snapshot", status: "ready", nodeId: { not: null } },
    select: { nodeId: true },
    distinct: ["nodeId"],
  });
  const nodeIds = [...new Set([...linked.map((l) => l.nodeId), ...attached.map((a) => a.nodeId!)])];
  const end = incident.resolvedAt ?? new Date(Date.now() + 60_000);
  const ids: string[] = [];
  for (const nodeId of nodeIds) {
    const baseline =
      (await prisma.nodeSnapshot.findFirst({
        where: { nodeId, takenAt: { lte: incident.startedAt, gte: new Date(incident.startedAt.getTime() - BASELINE_WINDOW_MS) } },
        orderBy: { takenAt: "desc" },
        select: { evidenceId: true },
      })) ??
      (await prisma.nodeSnapshot.findFirst({
        where: { nodeId, takenAt: { gt: incident.startedAt, lte: end } },
        orderBy: { takenAt: "asc" },
        select: { evidenceId: true },
      }));
    const latest = await prisma.nodeSnapshot.findFirst({
      where: { nodeId, takenAt: { lte: end } },
      orderBy: { takenAt: "desc" },
      select: { evidenceId: true, takenAt: true },
    });
    for (const s of [baseline, latest]) if (s && !ids.includes(s.evidenceId)) ids.push(s.evidenceId);
  }
  return ids;
}

export async function loadIncidentEvidence(prisma: PrismaClient, incidentId: string): Promise<StoredEvidence> {
  const incident = await prisma.incident.findUniqueOrThrow({
    where: { id: incidentId },
    select: {
      id: true,
      startedAt: true,
      resolvedAt: true,
      cluster: { select: { kubernetesVersion: true, nodePortRange: true, cni: true, kubeProxyMode: true } },
    },
  });
  const uploads = await prisma.evidenceItem.findMany({
    where: { incidentId, status: "ready", kind: { notIn: ["snapshot"] } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, kind: true, filename: true, takenAt: true },
  });
  const snapIds = await snapshotIds(prisma, incident);
  const snaps = await prisma.evidenceItem.findMany({
    where: { id: { in: snapIds } },
    orderBy: [{ takenAt: "asc" }, { id: "asc" }],
    select: { id: true, kind: true, filename: true, takenAt: true },
  });
  const items = [...uploads, ...snaps];
  const files: FileRow[] = items.length
    ? ((await prisma.evidenceFile.findMany({
        where: { evidenceId: { in: items.map((i) => i.id) } },
        select: { id: true, evidenceId: true, host: true, path: true, kind: true, sizeBytes: true, blobSha256: true, unreadable: true },
        orderBy: [{ host: "asc" }, { path: "asc" }],
      })) as FileRow[])
    : [];
  // a snapshot's outputs are listed in its node_snapshots row ([name, sha256, kind, bytes]), not as file rows
  if (snaps.length > 0) {
    const rows = await prisma.nodeSnapshot.findMany({
      where: { evidenceId: { in: snaps.map((s) => s.id) } },
      select: { evidenceId: true, outputs: true, node: { select: { name: true } } },
    });
    for (const r of rows) {
      const outputs = Array.isArray(r.outputs) ? (r.outputs as Array<[string, string, string, number]>) : [];
      for (const [name, sha, kind, bytes] of outputs) {
        files.push({ id: null, evidenceId: r.evidenceId, host: r.node.name, path: name, kind, sizeBytes: BigInt(bytes), blobSha256: sha, unreadable: null });
      }
    }
  }
  const texts = await readTextBlobs(
    prisma,
    files.map((f) => f.blobSha256).filter((s): s is string => s !== null),
  );

  // capture summaries one query each (gzip'd, storage/capture-summaries.ts): never one result holding them all
  const summaries = new Map<string, CaptureSummary>();
  for (const f of files) {
    if (!f.id || (f.kind !== "pcap" && f.kind !== "pcapng")) continue;
    const summary = await readCaptureSummary(prisma, f.id);
    if (summary) summaries.set(f.id, summary);
    // the summary's JSON text and buffers go before the next one is read (a 10 000-flow summary is ~8 MB of JSON)
    if (summary && summary.flows.length >= 1000) collectGarbage();
  }

  const byItem = new Map<string, FileRow[]>();
  for (const f of files) {
    const l = byItem.get(f.evidenceId) ?? [];
    l.push(f);
    byItem.set(f.evidenceId, l);
  }
  const used = new Set<string>();
  const inputs: StoredEvidence["inputs"] = [];
  items.forEach((item, n) => {
    const rows = byItem.get(item.id) ?? [];
    const snapshot = item.kind === "snapshot" && item.takenAt;
    // a second upload with the same host/path (a bundle taken before, one after) gets its own folder, so both
    // readings stay: cites name it as the upload it came from
    const label = snapshot
      ? `snapshot-${compactTime(item.takenAt!)}`
      : stripArchiveExt(item.filename ?? `upload-${n + 1}`).replace(/[/\\]/g, "_");
    const clash = snapshot || rows.some((r) => used.has(`${r.host}\0${r.path}`));
    const hosts = new Map<string, StoredEvidence["inputs"][number]>();
    for (const r of rows) {
      const p = clash ? `${label}/${r.path}` : r.path;
      used.add(`${r.host}\0${p}`);
      const f: StoredFile = { path: p };
      if (r.unreadable) f.unreadable = r.unreadable;
      const summary = r.id ? summaries.get(r.id) : undefined;
      if (summary && (r.kind === "pcap" || r.kind === "pcapng")) {
        f.capture = { format: r.kind, bytes: Number(r.sizeBytes), summary };
      } else if (r.blobSha256 && texts.has(r.blobSha256)) {
        f.text = texts.get(r.blobSha256)!;
      } else if (!f.unreadable) {
        continue;
      }
      let input = hosts.get(r.host);
      if (!input) {
        input = { host: r.host, files: [], ...(snapshot ? { takenAt: item.takenAt!.toISOString() } : {}) };
        hosts.set(r.host, input);
      }
      input.files.push(f);
    }
    inputs.push(...hosts.values());
  });

  const c = incident.cluster;
  const context: DiagnoseContext = {};
  if (c?.kubernetesVersion) context.kubernetesVersion = c.kubernetesVersion;
  if (c?.cni) context.cni = c.cni.replaceAll("_", "-");
  if (c?.kubeProxyMode) context.kubeProxyMode = c.kubeProxyMode;
  const range = c?.nodePortRange?.match(/^(\d+)-(\d+)$/);
  if (range) context.nodePortRange = [Number(range[1]), Number(range[2])];
  return { itemIds: items.map((i) => i.id), inputs, context };
}

/** The entry records of stored files, as readBundle makes them of the same files read from disk. */
async function recordsOf(files: StoredFile[], opts: SummaryOptions, takenAt: string | undefined, n: number): Promise<EntryRecord[]> {
  const out: EntryRecord[] = [];
  for (const f of files) {
    const key = `${n}\u0000${f.path}`;
    let rec: EntryRecord;
    if (f.capture) {
      rec = { path: f.path, kind: "capture", format: f.capture.format, bytes: f.capture.bytes, captured: { summary: f.capture.summary, key: `${key}\u00000` } };
    } else if (f.text !== undefined) {
      const bytes = Buffer.byteLength(f.text);
      rec = await record({ kind: "text", path: f.path, size: bytes, text: f.text, bytes }, true, opts, key, DEFAULT_LIMITS);
      if (takenAt && rec.kind === "parsed") for (const p of rec.files) p.facts.takenAt ??= takenAt;
    } else {
      rec = { path: f.path, kind: "unrecognized", bytes: 0, reason: f.unreadable ?? "not kept" };
    }
    if (f.unreadable) rec.unreadable = f.unreadable;
    out.push(rec);
  }
  return out;
}

/** The hosts (and capture summaries) of stored evidence, as readBundle makes them of the same files on disk. */
export async function assembleStored(ev: StoredEvidence): Promise<ReturnType<typeof assembleHosts>> {
  const context: DiagnoseContext = { ...ev.context };
  const build = async (opts: SummaryOptions) => {
    const inputs: Array<BundleInput<EntryRecord>> = [];
    let n = 0;
    for (const i of ev.inputs) {
      inputs.push({ name: i.host, loose: true, entries: await recordsOf(i.files, opts, i.takenAt, n++) });
      // parsing is synchronous CPU work: let requests waiting behind it through between inputs
      await new Promise((r) => setImmediate(r));
    }
    return assembleHosts(inputs);
  };
  let assembled = await build(context.nodePortRange ? { nodePortRange: context.nodePortRange } : {});
  // tcpdump texts are summarised again with the bundle's own NodePort range, as analyzeBundle does
  const stated = context.nodePortRange ? undefined : assembled.hosts.find((h) => h.kubernetes.nodePortRange)?.kubernetes.nodePortRange?.value;
  if (stated && (stated[0] !== 30000 || stated[1] !== 32767) && ev.inputs.some((i) => i.files.some((f) => f.text !== undefined))) {
    assembled = await build({ nodePortRange: stated });
  }
  return assembled;
}

/** diagnose() over stored evidence, as analyzeBundle does over a bundle read from disk. */
export async function analyseStored(ev: StoredEvidence): Promise<Analysis> {
  const assembled = await assembleStored(ev);
  const analysis = diagnose({ hosts: assembled.hosts, captures: assembled.captures, context: { ...ev.context } });
  if (assembled.unreadable.length > 0) analysis.unreadable = assembled.unreadable;
  return analysis;
}
