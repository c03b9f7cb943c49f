// An incident's analysis from the database alone: the texts of its ready evidence (text_blobs) go through the same
// bundleFromInputs the CLI's readBundle uses (one parser), agent snapshots as inputs with their real times (so the
// merge makes deltas with seconds and rates), capture summaries as stored, then diagnose().
import { bundleFromInputs, type BundleInput } from "../../analysis/bundle";
import { summarizePackets } from "../../analysis/capture";
import type { CaptureSummary } from "../../analysis/capture/model";
import type { CaptureInput, DiagnoseContext } from "../../analysis/diagnosis/context";
import { diagnose } from "../../analysis/diagnosis";
import type { Analysis } from "../../analysis/diagnosis/model";
import { emptyHost, type HostEvidence } from "../../analysis/evidence";
import type { PrismaClient } from "../../generated/prisma/client";
import { readTextBlobs } from "../storage/text-blobs";
import { stripArchiveExt } from "./walk";

export interface StoredEvidence {
  /** the evidence items the analysis reads (for analyses.evidence_ids) */
  itemIds: string[];
  inputs: BundleInput[];
  captures: Array<{ host: string; path: string; format: string; summary: CaptureSummary }>;
  context: DiagnoseContext;
}

/** How far before the incident's start a node's snapshot still serves as its baseline. */
export const BASELINE_WINDOW_MS = 24 * 3600_000;

type FileRow = {
  evidenceId: string;
  host: string;
  path: string;
  kind: string;
  blobSha256: string | null;
  captureSummary: unknown;
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
        select: { evidenceId: true, host: true, path: true, kind: true, blobSha256: true, captureSummary: true },
        orderBy: [{ host: "asc" }, { path: "asc" }],
      })) as FileRow[])
    : [];
  const texts = await readTextBlobs(
    prisma,
    files.map((f) => f.blobSha256).filter((s): s is string => s !== null),
  );

  const byItem = new Map<string, FileRow[]>();
  for (const f of files) {
    const l = byItem.get(f.evidenceId) ?? [];
    l.push(f);
    byItem.set(f.evidenceId, l);
  }
  const used = new Set<string>();
  const enc = new TextEncoder();
  const inputs: BundleInput[] = [];
  const captures: StoredEvidence["captures"] = [];
  items.forEach((item, n) => {
    const rows = byItem.get(item.id) ?? [];
    const snapshot = item.kind === "snapshot" && item.takenAt;
    // a second upload with the same host/path (a bundle taken before, one after) gets its own folder, so both
    // readings stay: cites name it as the upload it came from
    const label = snapshot
      ? `snapshot-${compactTime(item.takenAt!)}`
      : stripArchiveExt(item.filename ?? `upload-${n + 1}`).replace(/[/\\]/g, "_");
    const clash = snapshot || rows.some((r) => used.has(`${r.host}\0${r.path}`));
    const hosts = new Map<string, BundleInput>();
    for (const r of rows) {
      const p = clash ? `${label}/${r.path}` : r.path;
      used.add(`${r.host}\0${p}`);
      if (r.captureSummary && (r.kind === "pcap" || r.kind === "pcapng")) {
        captures.push({ host: r.host, path: p, format: r.kind, summary: r.captureSummary as CaptureSummary });
        continue;
      }
      const text = r.blobSha256 ? texts.get(r.blobSha256) : undefined;
      if (text === undefined) continue;
      let input = hosts.get(r.host);
      if (!input) {
        input = { name: r.host, loose: true, entries: [], ...(snapshot ? { takenAt: item.takenAt!.toISOString() } : {}) };
        hosts.set(r.host, input);
      }
      input.entries.push({ path: p, data: enc.encode(text) });
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
  return { itemIds: items.map((i) => i.id), inputs, captures, context };
}

/** diagnose() over stored evidence, as analyzeBundle does over a bundle read from disk. */
export function analyseStored(ev: StoredEvidence): Analysis {
  const bundle = bundleFromInputs(ev.inputs);
  if (bundle.status === "failed") throw new Error(`stored evidence could not be read again: ${bundle.error.message}`);
  const hosts: HostEvidence[] = bundle.hosts;
  const context: DiagnoseContext = { ...ev.context };
  const nodePortRange = context.nodePortRange ?? hosts.find((h) => h.kubernetes.nodePortRange)?.kubernetes.nodePortRange?.value;
  const captures: CaptureInput[] = [];
  // binary captures come first in a host's list, in path order, then tcpdump texts: as the bundle reader lists
  // them (rules cite the first capture that shows a signal)
  const byPath = <T extends { path: string }>(a: T, b: T) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  for (const c of [...ev.captures].sort(byPath).reverse()) {
    let h = hosts.find((x) => x.host === c.host);
    if (!h) {
      h = emptyHost(c.host);
      hosts.push(h);
    }
    h.captures.unshift({ path: c.path, kind: c.format as "pcap" | "pcapng" });
    h.files.push({ path: c.path, kind: c.format as "pcap" | "pcapng", bytes: c.summary.bytes ?? 0, warnings: [] });
  }
  hosts.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  for (const h of hosts) h.files.sort(byPath);
  for (const h of hosts) {
    for (const cap of h.captures) {
      if (cap.kind === "tcpdump-text") {
        const packets = bundle.capturePackets(h.host, cap.path);
        if (packets && packets.length > 0) {
          captures.push({ host: h.host, file: cap.path, summary: summarizePackets(packets, nodePortRange ? { nodePortRange } : {}) });
        }
        continue;
      }
      const stored = ev.captures.find((c) => c.host === h.host && c.path === cap.path);
      if (stored) captures.push({ host: h.host, file: cap.path, summary: stored.summary });
    }
  }
  return diagnose({ hosts, captures, context });
}
