// Database rows -> the wire shapes of lib/schemas (enum spelling, ISO times, nulls for unset fields).
import type {
  Cluster as ClusterRow,
  Incident as IncidentRow,
  Node as NodeRow,
  TimelineEvent as TimelineEventRow,
} from "../generated/prisma/client";
import type { Cluster } from "../schemas/cluster";
import type { Incident } from "../schemas/incident";
import type { ClusterNode } from "../schemas/node";
import type { TimelineEvent } from "../schemas/timeline";
import { toApiEnum } from "./enums";

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function presentCluster(row: ClusterRow): Cluster {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    kubernetesVersion: row.kubernetesVersion,
    cni: row.cni ? toApiEnum(row.cni) : null,
    cniMode: row.cniMode,
    underlayMtu: row.underlayMtu,
    overlayMtu: row.overlayMtu,
    nodePortRange: row.nodePortRange,
    podCidr: row.podCidr,
    serviceCidr: row.serviceCidr,
    kubeProxyMode: row.kubeProxyMode,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function presentNode(row: NodeRow): ClusterNode {
  return {
    id: row.id,
    clusterId: row.clusterId,
    name: row.name,
    role: toApiEnum(row.role),
    addresses: row.addresses ?? [],
    kernelVersion: row.kernelVersion,
    facts: (row.facts as ClusterNode["facts"] | null) ?? null,
    lastSnapshotAt: isoOrNull(row.lastSnapshotAt),
    agentVersion: row.agentVersion,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** The embedded cluster every incident read carries (id and name only). */
export const incidentInclude = { cluster: { select: { id: true, name: true } } } as const;

export function presentIncident(row: IncidentRow & { cluster: { id: string; name: string } | null }): Incident {
  return {
    id: row.id,
    clusterId: row.clusterId,
    cluster: row.cluster ? { id: row.cluster.id, name: row.cluster.name } : null,
    title: row.title,
    severity: row.severity,
    status: row.status,
    startedAt: iso(row.startedAt),
    detectedAt: isoOrNull(row.detectedAt),
    mitigatedAt: isoOrNull(row.mitigatedAt),
    resolvedAt: isoOrNull(row.resolvedAt),
    commander: row.commander,
    summary: row.summary,
    version: row.version,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** The author of a timeline entry (attribution), as every timeline read carries it. */
export const timelineInclude = { authorUser: { select: { id: true, name: true } } } as const;

export function presentTimelineEvent(
  row: TimelineEventRow & { authorUser?: { id: string; name: string } | null },
): TimelineEvent {
  return {
    id: row.id,
    incidentId: row.incidentId,
    at: iso(row.at),
    kind: toApiEnum(row.kind),
    author: row.authorUser
      ? { id: row.authorUser.id, name: row.authorUser.name }
      : row.author
        ? { id: null, name: row.author }
        : null,
    body: row.body,
    createdAt: iso(row.createdAt),
  };
}
